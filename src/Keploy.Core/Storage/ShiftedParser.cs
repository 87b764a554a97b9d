using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Keploy.Core.Storage;

/// <summary>
/// A YamlDotNet parser over a part of a file, whose events and errors carry marks of the whole file: lines shifted by the lines
/// before the part, character indexes by the characters before it (columns are unchanged: a part starts at a line's start).
/// </summary>
internal sealed class ShiftedParser : IParser
{
    private readonly IParser _inner;
    private readonly long _lines;
    private readonly long _chars;
    private ParsingEvent? _current;
    private ParsingEvent? _shiftedFrom;

    /// <summary>Wraps <paramref name="inner"/>, whose text starts at line <paramref name="lines"/> + 1, character <paramref name="chars"/>.</summary>
    public ShiftedParser(IParser inner, long lines, long chars)
    {
        _inner = inner;
        _lines = lines;
        _chars = chars;
    }

    /// <summary>The parser wrapped (marks of the part).</summary>
    public IParser Inner => _inner;

    /// <summary>The inner parser's event with shifted marks.</summary>
    public ParsingEvent? Current
    {
        get
        {
            ParsingEvent? e = _inner.Current;
            if (!ReferenceEquals(e, _shiftedFrom))
            {
                _shiftedFrom = e;
                _current = e is null ? null : Shift(e);
            }

            return _current;
        }
    }

    /// <summary>Moves the inner parser; its <see cref="YamlException"/> is thrown again with shifted marks.</summary>
    /// <exception cref="YamlException">The text is malformed (marks of the file).</exception>
    public bool MoveNext()
    {
        try
        {
            return _inner.MoveNext();
        }
        catch (YamlException ex) when (ex.InnerException is not YamlLimitException)
        {
            throw new YamlException(Shift(ex.Start), Shift(ex.End), KeployYaml.OneLine(ex), ex);
        }
    }

    /// <summary>
    /// The mark in the file. The first character of the part (index 0, 1:1) is left as it is: it is also <c>Mark.Empty</c>, which
    /// YamlDotNet gives to nodes and errors it has no position for, and the part always starts with a <c>---</c> line (or is the
    /// start of the file), whose only event there is the document start.
    /// </summary>
    private Mark Shift(Mark m) => m.Index == 0 && m.Line == 1 && m.Column == 1 ? m : new(m.Index + _chars, m.Line + _lines, m.Column);

    private ParsingEvent Shift(ParsingEvent e)
    {
        Mark start = Shift(e.Start);
        Mark end = Shift(e.End);
        return e switch
        {
            Scalar x => new Scalar(x.Anchor, x.Tag, x.Value, x.Style, x.IsPlainImplicit, x.IsQuotedImplicit, start, end, x.IsKey),
            MappingStart x => new MappingStart(x.Anchor, x.Tag, x.IsImplicit, x.Style, start, end),
            SequenceStart x => new SequenceStart(x.Anchor, x.Tag, x.IsImplicit, x.Style, start, end),
            MappingEnd => new MappingEnd(start, end),
            SequenceEnd => new SequenceEnd(start, end),
            AnchorAlias x => new AnchorAlias(x.Value, start, end),
            DocumentStart x => new DocumentStart(x.Version, x.Tags, x.IsImplicit, start, end),
            DocumentEnd x => new DocumentEnd(x.IsImplicit, start, end),
            _ => e, // StreamStart, StreamEnd, comments: no node keeps their marks
        };
    }
}
