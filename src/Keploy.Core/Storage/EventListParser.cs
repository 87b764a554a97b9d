using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Keploy.Core.Storage;

/// <summary>
/// Presents events parsed before (one document, DocumentStart to DocumentEnd, from <see cref="BlockYamlParser"/>) as a parser
/// positioned on the first of them, as <see cref="SingleDocumentParser"/> expects its inner parser to be.
/// </summary>
internal sealed class EventListParser : IParser
{
    private readonly IReadOnlyList<ParsingEvent> _events;
    private int _at;

    /// <summary>A parser whose <see cref="Current"/> is <paramref name="events"/>[0].</summary>
    public EventListParser(IReadOnlyList<ParsingEvent> events) => _events = events;

    /// <summary>The event at the position, or null past the last.</summary>
    public ParsingEvent? Current => _at < _events.Count ? _events[_at] : null;

    /// <summary>Moves to the next event; false past the last.</summary>
    public bool MoveNext()
    {
        if (_at < _events.Count)
        {
            _at++;
        }

        return _at < _events.Count;
    }
}
