using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Keploy.Core.Storage;

/// <summary>
/// Presents the next document of a multi-document parser as a stream of its own (StreamStart, the document, StreamEnd), so that
/// <see cref="YamlDotNet.RepresentationModel.YamlStream.Load(IParser)"/> builds one document at a time and a huge mocks.yaml is never
/// held in memory whole (Keploy bug #3526).
/// </summary>
internal sealed class SingleDocumentParser : IParser
{
    private readonly IParser _inner;
    private int _state; // 0 before start, 1 at synthetic StreamStart, 2 inside the document, 3 at synthetic StreamEnd, 4 done
    private ParsingEvent? _current;

    /// <summary>Wraps <paramref name="inner"/>, whose next event must be a DocumentStart.</summary>
    public SingleDocumentParser(IParser inner)
    {
        _inner = inner;
    }

    public ParsingEvent? Current => _current;

    public bool MoveNext()
    {
        switch (_state)
        {
            case 0:
                _state = 1;
                _current = new StreamStart();
                return true;
            case 1:
                _state = 2;
                _current = _inner.Current;
                return _current is not null;
            case 2:
                if (_current is DocumentEnd)
                {
                    _state = 3;
                    _current = new StreamEnd();
                    return true;
                }

                _inner.MoveNext();
                _current = _inner.Current;
                return _current is not null;
            default:
                _state = 4;
                _current = null;
                return false;
        }
    }
}
