using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Keploy.Core.Storage;

/// <summary>The kind of a <see cref="ParsedEvent"/> (YamlDotNet's event types, the ones <see cref="BlockYamlParser"/> makes).</summary>
internal enum ParsedEventKind : byte
{
    DocumentStart,
    DocumentEnd,
    Scalar,
    MappingStart,
    MappingEnd,
    SequenceStart,
    SequenceEnd,
}

/// <summary>
/// One parsing event of <see cref="BlockYamlParser"/>, as a value: a document's events live in one reused array instead of one
/// YamlDotNet <see cref="ParsingEvent"/> object each (7.5 million objects for 100,000 mocks). <see cref="ToParsingEvent"/> gives
/// the YamlDotNet event with the same fields.
/// </summary>
internal readonly record struct ParsedEvent(ParsedEventKind Kind, Mark Start, Mark End)
{
    /// <summary>A scalar's value.</summary>
    public string? Value { get; init; }

    /// <summary>A scalar's style (plain, quoted, literal).</summary>
    public ScalarStyle Style { get; init; }

    /// <summary>A scalar's tag (<c>tag:yaml.org,2002:binary</c>), or empty.</summary>
    public TagName Tag { get; init; }

    /// <summary>Whether a scalar is a mapping key.</summary>
    public bool IsKey { get; init; }

    /// <summary>Whether a collection is in flow style (<c>[..]</c>, <c>{..}</c>).</summary>
    public bool IsFlow { get; init; }

    /// <summary>Whether a document start or end has no marker.</summary>
    public bool IsImplicit { get; init; }

    /// <summary>A scalar event.</summary>
    public static ParsedEvent Scalar(string value, ScalarStyle style, TagName tag, Mark start, Mark end, bool isKey) =>
        new(ParsedEventKind.Scalar, start, end) { Value = value, Style = style, Tag = tag, IsKey = isKey };

    /// <summary>
    /// The YamlDotNet event with these fields; implicit-tag flags as YamlDotNet's parser sets them (plain and untagged: plain
    /// implicit; otherwise untagged: quoted implicit).
    /// </summary>
    public ParsingEvent ToParsingEvent() => Kind switch
    {
        ParsedEventKind.DocumentStart => new DocumentStart(null, null, IsImplicit, Start, End),
        ParsedEventKind.DocumentEnd => new DocumentEnd(IsImplicit, Start, End),
        ParsedEventKind.Scalar => new YamlDotNet.Core.Events.Scalar(
            AnchorName.Empty, Tag, Value!, Style, Style == ScalarStyle.Plain && Tag.IsEmpty, Style != ScalarStyle.Plain && Tag.IsEmpty, Start, End, IsKey),
        ParsedEventKind.MappingStart => new MappingStart(AnchorName.Empty, TagName.Empty, true, IsFlow ? MappingStyle.Flow : MappingStyle.Block, Start, End),
        ParsedEventKind.MappingEnd => new MappingEnd(Start, End),
        ParsedEventKind.SequenceStart => new SequenceStart(AnchorName.Empty, TagName.Empty, true, IsFlow ? SequenceStyle.Flow : SequenceStyle.Block, Start, End),
        _ => new SequenceEnd(Start, End),
    };
}
