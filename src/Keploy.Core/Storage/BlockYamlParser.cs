using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Keploy.Core.Storage;

/// <summary>
/// A fast parser for one YAML document in the block style that Keploy (<c>gopkg.in/yaml.v3</c>) and this tool write: it turns the
/// document's characters into the parsing events (values, styles, tags, marks; <see cref="ParsedEvent"/>, YamlDotNet's events as
/// values) that YamlDotNet's own <see cref="Parser"/> would produce, or declines. Replay reads mocks.yaml through it: YamlDotNet's scanner and parser took
/// 3.9 s of the 5.1 s needed to read 100,000 mocks (issue 12).
/// </summary>
/// <remarks>
/// <para>
/// Accepted (YAML 1.2 spec, chapters 6 to 8): block mappings with plain or quoted single-line keys; block sequences, indented or
/// not (<c>- a</c> at the key's column), with compact mappings as items (<c>- key: v</c>); plain, single-quoted and double-quoted
/// scalars on one line; literal block scalars (<c>|</c>, <c>|-</c>, <c>|+</c>, an indentation indicator); flow sequences and flow
/// mappings on one line (<c>[1, 2]</c>, <c>{data: [1]}</c>, <c>[]</c>, <c>{}</c>); <c>!!name</c> tags on scalars; comments.
/// </para>
/// <para>
/// Everything else (anchors, aliases, folded or multi-line scalars, multi-line flow collections, <c>? </c> keys, local tags,
/// tabs outside scalars, carriage returns, control characters, anything malformed) makes <see cref="TryParse"/> return false, and
/// the caller reads the document with YamlDotNet, whose result and error messages are the reference. This parser never reports
/// an error itself, so a document it accepts yields what YamlDotNet yields (the tests compare the two on every YAML file of the
/// repository and of the Keploy fixtures) and a document it does not accept costs one more read.
/// </para>
/// </remarks>
internal sealed class BlockYamlParser
{
    private const string YamlTagPrefix = "tag:yaml.org,2002:";

    // Characters that never occur in the accepted subset outside scalars, or that YamlDotNet rejects: control characters other
    // than tab and line feed (carriage return included), C1 controls, a BOM inside the text, U+FFFE and U+FFFF.
    private static readonly SearchValues<char> Declined = SearchValues.Create(
        "\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000C\r\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F"
        + "\u007F\u0080\u0081\u0082\u0083\u0084\u0086\u0087\u0088\u0089\u008A\u008B\u008C\u008D\u008E\u008F\u0090\u0091\u0092\u0093\u0094\u0095\u0096\u0097\u0098\u0099\u009A\u009B\u009C\u009D\u009E\u009F"
        + "\uFEFF\uFFFE\uFFFF");

    private static readonly SearchValues<char> FlowPlainStops = SearchValues.Create(",[]{}:#");

    private ParsedEvent[] _events = new ParsedEvent[256];
    private int _count;
    private readonly Dictionary<string, TagName> _tags = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _keys = new(StringComparer.Ordinal);

    /// <summary>Most distinct keys whose strings are shared (a bound on the cache, whatever the documents hold).</summary>
    private const int MaxCachedKeys = 4096;
    private char[] _text = [];
    private int _start;      // offset of the document's first character in _text
    private int _end;        // offset past its last character
    private long _firstLine; // line number of _start (1-based)
    private long _firstIndex; // stream character index of _start
    private int _pos;        // cursor
    private int _lineStart;  // offset of the cursor's line
    private int _lineEnd;    // offset of that line's '\n' (or _end)
    private long _line;      // line number of the cursor's line
    private bool _eof;       // no content line is left
    private int _indent;     // indentation of the content line the cursor is on
    private int _depth;      // collections open

    private int _deepest;    // most collections open at once in the document

    /// <summary>Deepest nesting accepted (the recursion here is bounded; deeper documents go to YamlDotNet and its limits).</summary>
    private const int DepthBound = 100;

    /// <summary>The deepest nesting of collections in the last document accepted (its root is 1).</summary>
    public int MaxDepth => _deepest;

    [ThreadStatic]
    private static BlockYamlParser? t_shared;

    /// <summary>
    /// This thread's parser, made once: a reader of 30,000 test case files would otherwise make a parser (and its event buffer)
    /// per file. A caller must take <see cref="Events"/> before it yields or calls anything that may parse on this thread.
    /// </summary>
    public static BlockYamlParser ForThisThread => t_shared ??= new BlockYamlParser();

    /// <summary>The events of the last document accepted by <see cref="TryParse"/>: DocumentStart, the nodes, DocumentEnd.</summary>
    public ReadOnlySpan<ParsedEvent> Events => _events.AsSpan(0, _count);

    /// <summary>
    /// Parses <paramref name="length"/> characters of <paramref name="text"/> from <paramref name="start"/>: at most one document,
    /// optionally opened by a <c>---</c> line, as the document splitter of <see cref="KeployYaml"/> cuts them.
    /// </summary>
    /// <param name="text">The characters (only read).</param>
    /// <param name="start">Offset of the document's first character (the start of a line).</param>
    /// <param name="length">Characters of the document (up to the next <c>---</c> line or the end of the stream).</param>
    /// <param name="firstLine">Line number (1-based) of the first character, for marks.</param>
    /// <param name="firstIndex">Character index in the stream of the first character, for marks.</param>
    /// <returns>True with <see cref="Events"/> set (empty when the text holds no node); false when the text is outside the subset.</returns>
    public bool TryParse(char[] text, int start, int length, long firstLine, long firstIndex)
    {
        _count = 0;
        _depth = 0;
        _deepest = 0;
        _text = text;
        _start = start;
        _end = start + length;
        _firstLine = firstLine;
        _firstIndex = firstIndex;
        if (text.AsSpan(start, length).ContainsAny(Declined))
        {
            return false;
        }

        try
        {
            ParseDocument();
            return true;
        }
        catch (DeclinedException)
        {
            _count = 0;
            return false;
        }
        finally
        {
            _text = [];
        }
    }

    // ---------------------------------------------------------------- structure

    private void ParseDocument()
    {
        _lineStart = _start;
        _line = _firstLine;
        _lineEnd = LineEndFrom(_start);
        _pos = _start;
        AdvanceToContent();
        if (_eof)
        {
            return;
        }

        bool isExplicit = false;
        Mark docStart = MarkAt(_pos);
        Mark docEnd = docStart;
        if (_indent == 0 && _lineEnd - _pos == 3 && _text[_pos] == '-' && _text[_pos + 1] == '-' && _text[_pos + 2] == '-')
        {
            isExplicit = true;
            docEnd = MarkAt(_pos + 3);
            _pos += 3;
            NextLine();
            AdvanceToContent();
            if (_eof)
            {
                _count = 0; // an empty document: nothing to read (the reader skips empty documents)
                return;
            }
        }

        Add(new ParsedEvent(ParsedEventKind.DocumentStart, docStart, docEnd) { IsImplicit = !isExplicit });
        ParseBlockNode();
        if (!_eof)
        {
            throw Decline(); // content less indented than the root node
        }

        Mark end = MarkAt(_end);
        Add(new ParsedEvent(ParsedEventKind.DocumentEnd, end, end) { IsImplicit = true });
    }

    /// <summary>A block collection starting at the cursor (the first character of a content line).</summary>
    private void ParseBlockNode()
    {
        int column = _pos - _lineStart;
        if (IsBlockEntry(_pos))
        {
            ParseBlockSequence(column, indentless: false);
        }
        else if (IsKeyAhead())
        {
            ParseBlockMapping(column);
        }
        else
        {
            throw Decline(); // a scalar on a line of its own, or a construct outside the subset
        }
    }

    private void ParseBlockMapping(int column)
    {
        Enter();
        Mark start = MarkAt(_pos);
        Add(new ParsedEvent(ParsedEventKind.MappingStart, start, start));
        while (true)
        {
            if (!TryParseKey(out ParsedEvent key))
            {
                throw Decline();
            }

            Add(key);
            ParseMappingValue(column);
            if (_eof || _indent < column)
            {
                break;
            }

            if (_indent > column)
            {
                throw Decline();
            }
        }

        Mark end = _eof ? MarkAt(_end) : MarkAt(_pos);
        Add(new ParsedEvent(ParsedEventKind.MappingEnd, end, end));
        _depth--;
    }

    /// <summary>The value after a key's <c>:</c> (cursor just after it); leaves the cursor on the next content line.</summary>
    private void ParseMappingValue(int column)
    {
        Mark afterColon = MarkAt(_pos);
        SkipSpaces();
        if (AtLineEndOrComment())
        {
            NextLine();
            AdvanceToContent();
            if (!_eof && _indent > column)
            {
                ParseBlockNode();
            }
            else if (!_eof && _indent == column && IsBlockEntry(_pos))
            {
                ParseBlockSequence(column, indentless: true);
            }
            else
            {
                Add(ParsedEvent.Scalar("", ScalarStyle.Plain, TagName.Empty, afterColon, afterColon, isKey: false));
            }

            return;
        }

        ParseInlineValue(column);
    }

    private void ParseBlockSequence(int column, bool indentless)
    {
        Enter();
        Mark start = MarkAt(_pos);
        Add(new ParsedEvent(ParsedEventKind.SequenceStart, start, indentless ? MarkAt(_pos + 1) : start));
        while (true)
        {
            _pos++; // the '-'
            SkipSpaces();
            if (AtLineEndOrComment() || IsBlockEntry(_pos))
            {
                throw Decline(); // an entry whose node starts on the next line, or a nested compact sequence
            }

            if (IsKeyAhead())
            {
                ParseBlockMapping(_pos - _lineStart);
            }
            else
            {
                ParseInlineValue(column);
            }

            if (_eof || _indent < column)
            {
                break;
            }

            if (_indent > column)
            {
                throw Decline();
            }

            if (!IsBlockEntry(_pos))
            {
                if (indentless)
                {
                    break; // the next key of the mapping that holds this sequence
                }

                throw Decline();
            }
        }

        Mark end = _eof ? MarkAt(_end) : MarkAt(_pos);
        Add(new ParsedEvent(ParsedEventKind.SequenceEnd, end, end));
        _depth--;
    }

    /// <summary>
    /// A node that starts on the current line after a key or a <c>- </c>: a scalar, a literal block scalar or a flow collection,
    /// optionally tagged. <paramref name="column"/> is the indentation of the collection that holds it. Leaves the cursor on the next
    /// content line.
    /// </summary>
    private void ParseInlineValue(int column)
    {
        int nodeStart = _pos;
        TagName tag = TagName.Empty;
        if (_text[_pos] == '!')
        {
            tag = ParseTag();
            SkipSpaces();
            if (AtLineEndOrComment())
            {
                throw Decline(); // a tagged block collection
            }
        }

        char c = _text[_pos];
        switch (c)
        {
            case '|':
                ParseLiteral(column, nodeStart, tag);
                return;
            case '[' or '{':
                if (!tag.IsEmpty)
                {
                    throw Decline();
                }

                ParseFlowNode(isKey: false);
                break;
            case '"':
                AddScalar(nodeStart, tag, ParseDoubleQuoted(), ScalarStyle.DoubleQuoted, _pos, isKey: false);
                break;
            case '\'':
                AddScalar(nodeStart, tag, ParseSingleQuoted(), ScalarStyle.SingleQuoted, _pos, isKey: false);
                break;
            default:
                if (!CanStartPlain(_pos))
                {
                    throw Decline();
                }

                (int from, int to) = ScanBlockPlain();
                if (to < _lineEnd && _text[to] != ' ' && _text[to] != '#')
                {
                    throw Decline();
                }

                if (_pos < _lineEnd && _text[_pos] == ':')
                {
                    throw Decline(); // "a: b: c" (an error YamlDotNet reports)
                }

                AddScalar(nodeStart, tag, new string(_text, from, to - from), ScalarStyle.Plain, to, isKey: false);
                break;
        }

        SkipSpaces();
        if (!AtLineEndOrComment())
        {
            throw Decline();
        }

        NextLine();
        AdvanceToContent();
    }

    // ---------------------------------------------------------------- keys and scalars

    /// <summary>True when the cursor's line holds a key (a single-line scalar then <c>:</c> and a space or the line end) here.</summary>
    private bool IsKeyAhead()
    {
        int saved = _pos;
        int savedEvents = _count;
        try
        {
            return TryParseKey(out _);
        }
        catch (DeclinedException)
        {
            return false;
        }
        finally
        {
            _pos = saved;
            _count = savedEvents;
        }
    }

    /// <summary>A key at the cursor and its <c>:</c>; the cursor ends after the colon. False (cursor unspecified) when none.</summary>
    private bool TryParseKey(out ParsedEvent key)
    {
        key = default;
        int start = _pos;
        char c = _text[_pos];
        string value;
        ScalarStyle style;
        int end;
        if (c == '"')
        {
            value = ParseDoubleQuoted();
            style = ScalarStyle.DoubleQuoted;
            end = _pos;
        }
        else if (c == '\'')
        {
            value = ParseSingleQuoted();
            style = ScalarStyle.SingleQuoted;
            end = _pos;
        }
        else
        {
            if (!CanStartPlain(_pos))
            {
                return false;
            }

            (int from, int to) = ScanBlockPlain();
            value = KeyString(from, to - from);
            style = ScalarStyle.Plain;
            end = to;
        }

        SkipSpaces();
        if (_pos >= _lineEnd || _text[_pos] != ':' || !IsBlankOrLineEnd(_pos + 1) || end - start > 1024)
        {
            return false;
        }

        _pos++;
        key = ParsedEvent.Scalar(value, style, TagName.Empty, MarkAt(start), MarkAt(end), isKey: true);
        return true;
    }

    /// <summary>
    /// The string of a plain key: the same string for the same key (Keploy documents repeat a few hundred keys: one string each
    /// instead of one per occurrence; at most <see cref="MaxCachedKeys"/> keys of up to 64 characters are kept).
    /// </summary>
    private string KeyString(int from, int length)
    {
        ReadOnlySpan<char> key = _text.AsSpan(from, length);
        if (length > 64)
        {
            return new string(key);
        }

        Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> lookup = _keys.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(key, out string? known))
        {
            return known;
        }

        string made = new(key);
        if (_keys.Count < MaxCachedKeys)
        {
            _keys[made] = made;
        }

        return made;
    }

    /// <summary>
    /// A plain scalar in block context from the cursor: up to <c>: </c>, <c>:</c> at the line end, <c> #</c> or the line end.
    /// Returns the value's span (trailing spaces excluded); the cursor ends at the stop.
    /// </summary>
    private (int From, int To) ScanBlockPlain()
    {
        int from = _pos;
        int i = _pos;
        int lastNonSpace = _pos;
        while (i < _lineEnd)
        {
            char c = _text[i];
            if (c == ':' && IsBlankOrLineEnd(i + 1))
            {
                break;
            }

            if (c == '#' && _text[i - 1] == ' ')
            {
                break;
            }

            if (c == '\t')
            {
                throw Decline();
            }

            i++;
            if (c != ' ')
            {
                lastNonSpace = i;
            }
        }

        _pos = i;
        return (from, lastNonSpace);
    }

    /// <summary>
    /// Whether a plain scalar may start at <paramref name="i"/> (YAML 1.2 rule 126): not at an indicator, except <c>-</c>, <c>?</c>
    /// and <c>:</c> followed by a character that is not a space (nor, in flow context, a flow indicator).
    /// </summary>
    private bool CanStartPlain(int i, bool flow = false)
    {
        char c = _text[i];
        switch (c)
        {
            case ',' or '[' or ']' or '{' or '}' or '#' or '&' or '*' or '!' or '|' or '>' or '\'' or '"' or '%' or '@' or '`' or ' ' or '\t':
                return false;
            case '-' or '?' or ':':
                if (i + 1 >= _lineEnd)
                {
                    return false;
                }

                char next = _text[i + 1];
                return next is not (' ' or '\t') && !(flow && next is ',' or '[' or ']' or '{' or '}');
            default:
                return true;
        }
    }

    /// <summary>A double-quoted scalar on one line from the cursor (at the opening quote); the cursor ends past the closing quote.</summary>
    private string ParseDoubleQuoted()
    {
        int i = _pos + 1;
        int close = _text.AsSpan(i, _lineEnd - i).IndexOfAny('"', '\\');
        if (close < 0)
        {
            throw Decline(); // continues on the next line
        }

        if (_text[i + close] == '"')
        {
            _pos = i + close + 1;
            return new string(_text, i, close);
        }

        var sb = new StringBuilder(_lineEnd - i);
        while (true)
        {
            if (i >= _lineEnd)
            {
                throw Decline();
            }

            char c = _text[i];
            if (c == '"')
            {
                _pos = i + 1;
                return sb.ToString();
            }

            if (c != '\\')
            {
                sb.Append(c);
                i++;
                continue;
            }

            if (i + 1 >= _lineEnd)
            {
                throw Decline(); // an escaped line break
            }

            char e = _text[i + 1];
            i += 2;
            switch (e)
            {
                case '0': sb.Append('\0'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 't' or '\t': sb.Append('\t'); break;
                case 'n': sb.Append('\n'); break;
                case 'v': sb.Append('\v'); break;
                case 'f': sb.Append('\f'); break;
                case 'r': sb.Append('\r'); break;
                case 'e': sb.Append('\u001B'); break;
                case ' ': sb.Append(' '); break;
                case '"': sb.Append('"'); break;
                case '/': sb.Append('/'); break;
                case '\\': sb.Append('\\'); break;
                case 'N': sb.Append('\u0085'); break;
                case '_': sb.Append('\u00A0'); break;
                case 'L': sb.Append('\u2028'); break;
                case 'P': sb.Append('\u2029'); break;
                case 'x':
                    sb.Append((char)Hex(ref i, 2));
                    break;
                case 'u':
                    int u = Hex(ref i, 4);
                    if (u is >= 0xD800 and <= 0xDFFF)
                    {
                        throw Decline(); // surrogates: YamlDotNet's rules decide
                    }

                    sb.Append((char)u);
                    break;
                case 'U':
                    int cp = Hex(ref i, 8);
                    if (cp > 0x10FFFF || cp is >= 0xD800 and <= 0xDFFF)
                    {
                        throw Decline();
                    }

                    sb.Append(char.ConvertFromUtf32(cp));
                    break;
                default:
                    throw Decline(); // an unknown escape: YamlDotNet reports it
            }
        }
    }

    private int Hex(ref int i, int digits)
    {
        if (i + digits > _lineEnd || !int.TryParse(_text.AsSpan(i, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int value))
        {
            throw Decline();
        }

        i += digits;
        return value;
    }

    /// <summary>A single-quoted scalar on one line from the cursor (at the opening quote); the cursor ends past the closing quote.</summary>
    private string ParseSingleQuoted()
    {
        int i = _pos + 1;
        StringBuilder? sb = null;
        int runStart = i;
        while (true)
        {
            int q = _text.AsSpan(i, _lineEnd - i).IndexOf('\'');
            if (q < 0)
            {
                throw Decline();
            }

            i += q;
            if (i + 1 < _lineEnd && _text[i + 1] == '\'')
            {
                sb ??= new StringBuilder();
                sb.Append(_text, runStart, i + 1 - runStart);
                i += 2;
                runStart = i;
                continue;
            }

            _pos = i + 1;
            if (sb is null)
            {
                return new string(_text, runStart, i - runStart);
            }

            return sb.Append(_text, runStart, i - runStart).ToString();
        }
    }

    /// <summary>A <c>!!name</c> tag at the cursor (a space must follow); other tags are declined.</summary>
    private TagName ParseTag()
    {
        if (_pos + 2 >= _lineEnd || _text[_pos + 1] != '!')
        {
            throw Decline();
        }

        int i = _pos + 2;
        int from = i;
        while (i < _lineEnd && char.IsAsciiLetterOrDigit(_text[i]))
        {
            i++;
        }

        if (i == from || i >= _lineEnd || _text[i] != ' ')
        {
            throw Decline();
        }

        string suffix = new(_text, from, i - from);
        if (!_tags.TryGetValue(suffix, out TagName tag))
        {
            tag = new TagName(YamlTagPrefix + suffix);
            _tags[suffix] = tag;
        }

        _pos = i;
        return tag;
    }

    private void AddScalar(int start, TagName tag, string value, ScalarStyle style, int end, bool isKey)
    {
        Add(ParsedEvent.Scalar(value, style, tag, MarkAt(start), MarkAt(end), isKey));
    }

    // ---------------------------------------------------------------- literal block scalars

    /// <summary>
    /// A literal block scalar (YAML 1.2 §8.1.2) whose indicator is at the cursor; <paramref name="column"/> is the indentation of
    /// the collection that holds it. Leaves the cursor on the next content line.
    /// </summary>
    private void ParseLiteral(int column, int nodeStart, TagName tag)
    {
        Mark startMark = MarkAt(nodeStart);
        int i = _pos + 1;
        int chomp = 0; // -1 strip, 0 clip, +1 keep
        int increment = 0;
        for (int k = 0; k < 2 && i < _lineEnd; k++)
        {
            char c = _text[i];
            if (c is '-' or '+' && chomp == 0)
            {
                chomp = c == '-' ? -1 : 1;
                i++;
            }
            else if (c is >= '1' and <= '9' && increment == 0)
            {
                increment = c - '0';
                i++;
            }
        }

        _pos = i;
        SkipSpaces();
        if (!AtLineEndOrComment())
        {
            throw Decline();
        }

        // Content lines. The cursor walks lines directly: comment-looking lines inside the block are content.
        int contentIndent = increment > 0 ? Math.Max(column, 0) + increment : -1;
        int maxLeadingBlank = 0;
        var value = new StringBuilder();
        int pendingBreaks = 0;
        bool anyContent = false;
        NextLine();
        while (_lineStart < _end)
        {
            int spaces = 0;
            while (_lineStart + spaces < _lineEnd && _text[_lineStart + spaces] == ' ')
            {
                spaces++;
            }

            bool blank = _lineStart + spaces == _lineEnd;
            if (contentIndent < 0)
            {
                if (blank)
                {
                    maxLeadingBlank = Math.Max(maxLeadingBlank, spaces);
                    pendingBreaks++;
                    NextLine();
                    continue;
                }

                contentIndent = Math.Max(spaces, column + 1);
                if (maxLeadingBlank > contentIndent)
                {
                    throw Decline(); // YamlDotNet reports leading lines indented more than the text
                }
            }

            if (blank && spaces <= contentIndent)
            {
                pendingBreaks++;
                NextLine();
                continue;
            }

            if (spaces < contentIndent)
            {
                break; // a less indented line ends the scalar
            }

            if (anyContent)
            {
                value.Append('\n');
            }

            value.Append('\n', pendingBreaks);
            pendingBreaks = 0;
            value.Append(_text, _lineStart + contentIndent, _lineEnd - _lineStart - contentIndent);
            anyContent = true;
            NextLine();
        }

        if (!anyContent || (_lineStart >= _end && _text[_end - 1] != '\n'))
        {
            // No text line (YamlDotNet's rules for an empty block scalar decide), or the text ends without a line break.
            throw Decline();
        }

        if (chomp >= 0)
        {
            value.Append('\n');
        }

        if (chomp > 0)
        {
            value.Append('\n', pendingBreaks);
        }

        Mark end = _lineStart < _end ? MarkAt(_lineStart) : MarkAt(_end);
        Add(ParsedEvent.Scalar(value.ToString(), ScalarStyle.Literal, tag, startMark, end, isKey: false));
        _pos = _lineStart;
        AdvanceToContent();
    }

    // ---------------------------------------------------------------- flow collections (one line)

    private void ParseFlowNode(bool isKey)
    {
        SkipSpaces();
        if (_pos >= _lineEnd)
        {
            throw Decline(); // a flow collection continued on the next line
        }

        int start = _pos;
        TagName tag = TagName.Empty;
        if (_text[_pos] == '!' && !isKey)
        {
            tag = ParseTag();
            SkipSpaces();
            if (_pos >= _lineEnd || _text[_pos] is '[' or '{' or ',' or ']' or '}')
            {
                throw Decline(); // a tagged collection or an empty tagged scalar
            }
        }

        char c = _text[_pos];
        switch (c)
        {
            case '[' when tag.IsEmpty:
                ParseFlowCollection(mapping: false);
                return;
            case '{' when tag.IsEmpty:
                ParseFlowCollection(mapping: true);
                return;
            case '"':
                AddScalar(start, tag, ParseDoubleQuoted(), ScalarStyle.DoubleQuoted, _pos, isKey);
                return;
            case '\'':
                AddScalar(start, tag, ParseSingleQuoted(), ScalarStyle.SingleQuoted, _pos, isKey);
                return;
        }

        if (!CanStartPlain(_pos, flow: true))
        {
            throw Decline();
        }

        int plainStart = _pos;
        int i = _pos;
        int lastNonSpace = i;
        while (i < _lineEnd)
        {
            int stop = _text.AsSpan(i, _lineEnd - i).IndexOfAny(FlowPlainStops);
            int runEnd = stop < 0 ? _lineEnd : i + stop;
            for (int k = i; k < runEnd; k++)
            {
                char r = _text[k];
                if (r == '\t')
                {
                    throw Decline();
                }

                if (r != ' ')
                {
                    lastNonSpace = k + 1;
                }
            }

            i = runEnd;
            if (i >= _lineEnd)
            {
                break;
            }

            char s = _text[i];
            if (s == ':')
            {
                if (i + 1 >= _lineEnd || _text[i + 1] is ' ' or ',' or '[' or ']' or '{' or '}')
                {
                    break;
                }

                i++;
                lastNonSpace = i;
                continue;
            }

            if (s == '#')
            {
                if (_text[i - 1] == ' ')
                {
                    throw Decline(); // a comment inside an unclosed flow collection
                }

                i++;
                lastNonSpace = i;
                continue;
            }

            break; // , [ ] { }
        }

        _pos = i;
        AddScalar(start, tag, new string(_text, plainStart, lastNonSpace - plainStart), ScalarStyle.Plain, lastNonSpace, isKey);
    }

    /// <summary>
    /// A flow sequence (<c>[a, b]</c>) or flow mapping (<c>{k: v}</c>) on one line from the cursor (at the opening bracket); the
    /// cursor ends past the closing one. Trailing commas, empty values, single-pair mappings in sequences and collections as keys
    /// are declined.
    /// </summary>
    private void ParseFlowCollection(bool mapping)
    {
        Enter();
        char close = mapping ? '}' : ']';
        Mark start = MarkAt(_pos);
        Add(new ParsedEvent(mapping ? ParsedEventKind.MappingStart : ParsedEventKind.SequenceStart, start, start) { IsFlow = true });
        _pos++;
        SkipSpaces();
        bool empty = _pos < _lineEnd && _text[_pos] == close;
        while (!empty)
        {
            if (mapping)
            {
                if (_pos >= _lineEnd || _text[_pos] is '[' or '{')
                {
                    throw Decline(); // continued on the next line, or a collection as a key
                }

                ParseFlowNode(isKey: true);
                SkipSpaces();
                if (_pos >= _lineEnd || _text[_pos] != ':' || !(_pos + 1 < _lineEnd && _text[_pos + 1] == ' '))
                {
                    throw Decline(); // a key without a value, or "a:b" forms
                }

                _pos++;
                SkipSpaces();
                if (_pos >= _lineEnd || _text[_pos] is ',' or '}')
                {
                    throw Decline(); // an empty value
                }
            }

            ParseFlowNode(isKey: false);
            SkipSpaces();
            if (_pos < _lineEnd && _text[_pos] == close)
            {
                break;
            }

            if (_pos >= _lineEnd || _text[_pos] != ',')
            {
                throw Decline(); // continued on the next line, a single-pair mapping ("[a: b]"), or something else
            }

            _pos++;
            SkipSpaces();
            if (_pos >= _lineEnd || _text[_pos] == close)
            {
                throw Decline(); // a trailing comma, or continued on the next line
            }
        }

        Mark e = MarkAt(_pos);
        _pos++;
        Add(new ParsedEvent(mapping ? ParsedEventKind.MappingEnd : ParsedEventKind.SequenceEnd, e, e));
        _depth--;
    }

    // ---------------------------------------------------------------- lines

    /// <summary>Moves to the start of the next line.</summary>
    private void NextLine()
    {
        if (_lineEnd >= _end)
        {
            _lineStart = _end;
            _lineEnd = _end;
            _pos = _end;
            return;
        }

        _lineStart = _lineEnd + 1;
        _line++;
        _lineEnd = LineEndFrom(_lineStart);
        _pos = _lineStart;
    }

    private int LineEndFrom(int from)
    {
        int n = _text.AsSpan(from, _end - from).IndexOf('\n');
        return n < 0 ? _end : from + n;
    }

    /// <summary>
    /// From the cursor's line (the cursor at its start or inside its indentation), skips blank and comment lines; sets
    /// <see cref="_indent"/> and puts the cursor on the first character of the next content line, or sets <see cref="_eof"/>.
    /// </summary>
    private void AdvanceToContent()
    {
        while (_lineStart < _end)
        {
            int i = _lineStart;
            while (i < _lineEnd && _text[i] == ' ')
            {
                i++;
            }

            if (i < _lineEnd && _text[i] == '\t')
            {
                throw Decline(); // a tab in indentation (or a line of spaces and tabs)
            }

            if (i == _lineEnd || _text[i] == '#')
            {
                NextLine();
                continue;
            }

            _pos = i;
            _indent = i - _lineStart;
            _eof = false;
            return;
        }

        _pos = _end;
        _indent = -1;
        _eof = true;
    }

    private void SkipSpaces()
    {
        while (_pos < _lineEnd && _text[_pos] == ' ')
        {
            _pos++;
        }

        if (_pos < _lineEnd && _text[_pos] == '\t')
        {
            throw Decline();
        }
    }

    /// <summary>The cursor is at the line end or at a comment (after at least one space, or at the line's start).</summary>
    private bool AtLineEndOrComment() =>
        _pos >= _lineEnd || (_text[_pos] == '#' && (_pos == _lineStart || _text[_pos - 1] == ' '));

    private bool IsBlankOrLineEnd(int i) => i >= _lineEnd || _text[i] == ' ';

    /// <summary>A block sequence entry indicator (<c>-</c> then a space or the line end) at <paramref name="i"/>.</summary>
    private bool IsBlockEntry(int i) => i < _lineEnd && _text[i] == '-' && IsBlankOrLineEnd(i + 1);

    /// <summary>The mark of offset <paramref name="offset"/>, on the cursor's line (or the start of the stream's last line).</summary>
    private Mark MarkAt(int offset)
    {
        if (offset >= _lineStart)
        {
            return new Mark(_firstIndex + (offset - _start), _line, offset - _lineStart + 1);
        }

        // Only the end of the text can lie before the cursor's line start (after NextLine at the end).
        return new Mark(_firstIndex + (offset - _start), _line, 1);
    }

    private void Add(in ParsedEvent e)
    {
        if (_count == _events.Length)
        {
            Array.Resize(ref _events, _events.Length * 2);
        }

        _events[_count++] = e;
    }

    private void Enter()
    {
        if (++_depth > DepthBound)
        {
            throw Decline();
        }

        _deepest = Math.Max(_deepest, _depth);
    }

    // A new instance per decline: parsers run on several threads at once (ParallelYamlReader), and one exception object thrown
    // concurrently would have its stack trace written by each; declines are rare (one per document outside the subset).
    private static DeclinedException Decline() => new();

    /// <summary>Thrown inside the parser when the text is outside the subset; caught by <see cref="TryParse"/>.</summary>
    private sealed class DeclinedException : Exception;
}
