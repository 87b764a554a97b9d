using System.Globalization;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Storage;

/// <summary>
/// Writes YamlDotNet node trees the way Keploy's Go writer (<c>gopkg.in/yaml.v3</c>, <c>pkg/platform/yaml/yaml.go</c>) does:
/// block mappings, sequences indented one step inside mappings (<c>key:\n    - item</c>), the first level inside a sequence item
/// skipping the <c>"- "</c> indicator, deeper levels rounded up to the next multiple of the indent, no line wrapping.
/// </summary>
/// <remarks>
/// <para>Scalar rules (the contract for everybody who builds nodes):</para>
/// <list type="bullet">
/// <item><see cref="ScalarStyle.Any"/> (a node built fresh, <c>new YamlScalarNode("29")</c>) is a <b>string</b>: written plain when
/// yaml.v3 would, double-quoted when plain text would read back as a number, bool, null or timestamp (<c>"29"</c>, <c>""</c>),
/// single-quoted when it starts with an indicator (<c>'*/*'</c>), <c>|</c>/<c>|-</c> when it holds a line break.</item>
/// <item><see cref="ScalarStyle.Plain"/> is written verbatim when that is valid YAML: use it for numbers, booleans, null and
/// timestamps (<see cref="KeployYaml.Int"/>, <see cref="KeployYaml.Bool"/>, <see cref="KeployYaml.Timestamp"/>).</item>
/// <item>Quoted and block styles read from a file are kept when they can hold the value; otherwise the next safe style is used.</item>
/// <item>A tag is written in short form (<c>!!binary</c>); <c>!!str/!!int/!!float/!!bool/!!null</c> on a fresh node only choose
/// quoting and are not written.</item>
/// <item>A collection read as flow (<c>[0, 0]</c>, <c>{a: b}</c>) stays flow; empty collections are always <c>{}</c>/<c>[]</c>.</item>
/// </list>
/// Aliases are written expanded; comments are not kept (Keploy ignores them).
/// </remarks>
public static class KeployYamlWriter
{
    private const string YamlTagPrefix = "tag:yaml.org,2002:";

    /// <summary>Writes one document's root node (no <c>---</c>, no header) ending with a newline.</summary>
    /// <param name="output">Where the text goes.</param>
    /// <param name="root">The root node, normally a mapping.</param>
    /// <param name="indent">Indentation step: 4 for mocks, reports, mappings and keploy.yml; 2 for test cases.</param>
    public static void WriteDocument(StringBuilder output, YamlNode root, int indent)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(root);
        if (indent < 2 || indent > 9)
        {
            throw new ArgumentOutOfRangeException(nameof(indent), indent, "indent must be 2..9");
        }

        var writer = new Writer(output, indent);
        writer.WriteRoot(root);
    }

    /// <summary>Returns one document's text (see <see cref="WriteDocument(StringBuilder, YamlNode, int)"/>).</summary>
    public static string ToText(YamlNode root, int indent)
    {
        var sb = new StringBuilder();
        WriteDocument(sb, root, indent);
        return sb.ToString();
    }

    private sealed class Writer
    {
        private readonly StringBuilder _out;
        private readonly int _best;

        public Writer(StringBuilder output, int best)
        {
            _out = output;
            _best = best;
        }

        public void WriteRoot(YamlNode root)
        {
            switch (root)
            {
                case YamlMappingNode map when map.Children.Count > 0 && map.Style != MappingStyle.Flow:
                    WriteBlockMapping(map, 0, firstInline: false);
                    break;
                case YamlSequenceNode seq when seq.Children.Count > 0 && seq.Style != SequenceStyle.Flow:
                    WriteBlockSequence(seq, 0, firstInline: false);
                    break;
                default:
                    WriteInline(root, 0, inFlow: false, isKey: false);
                    _out.Append('\n');
                    break;
            }
        }

        private int ChildIndent(int parent, bool parentIsSequenceItem)
        {
            return parentIsSequenceItem ? parent + 2 : _best * ((parent + _best) / _best);
        }

        private static bool IsBlockCollection(YamlNode node)
        {
            return node switch
            {
                YamlMappingNode m => m.Children.Count > 0 && m.Style != MappingStyle.Flow,
                YamlSequenceNode s => s.Children.Count > 0 && s.Style != SequenceStyle.Flow,
                _ => false,
            };
        }

        private void WriteIndent(int indent)
        {
            _out.Append(' ', indent);
        }

        // Entries of a block mapping at `indent`. When firstInline, the cursor is already after "- " at that column.
        private void WriteBlockMapping(YamlMappingNode map, int indent, bool firstInline)
        {
            bool first = true;
            foreach (KeyValuePair<YamlNode, YamlNode> pair in map.Children)
            {
                if (!(first && firstInline))
                {
                    WriteIndent(indent);
                }

                first = false;
                WriteKey(pair.Key);
                _out.Append(':');
                WriteValueAfterIndicator(pair.Value, indent, parentIsSequenceItem: false);
            }
        }

        private void WriteBlockSequence(YamlSequenceNode seq, int indent, bool firstInline)
        {
            bool first = true;
            foreach (YamlNode item in seq.Children)
            {
                if (!(first && firstInline))
                {
                    WriteIndent(indent);
                }

                first = false;
                _out.Append('-');
                if (item is YamlMappingNode m && IsBlockCollection(m))
                {
                    _out.Append(' ');
                    WriteTagAndAnchorPrefix(item);
                    WriteBlockMapping(m, indent + 2, firstInline: true);
                }
                else if (item is YamlSequenceNode s && IsBlockCollection(s))
                {
                    _out.Append(' ');
                    WriteTagAndAnchorPrefix(item);
                    WriteBlockSequence(s, indent + 2, firstInline: true);
                }
                else
                {
                    WriteValueAfterIndicator(item, indent, parentIsSequenceItem: true);
                }
            }
        }

        // The cursor is right after "key:" or "-"; writes the value and the final newline.
        private void WriteValueAfterIndicator(YamlNode value, int indent, bool parentIsSequenceItem)
        {
            int child = ChildIndent(indent, parentIsSequenceItem);
            if (IsBlockCollection(value))
            {
                if (HasWrittenTag(value))
                {
                    _out.Append(' ');
                    WriteTagAndAnchorPrefix(value, trailingSpace: false);
                }

                _out.Append('\n');
                if (value is YamlMappingNode m)
                {
                    WriteBlockMapping(m, child, firstInline: false);
                }
                else
                {
                    WriteBlockSequence((YamlSequenceNode)value, child, firstInline: false);
                }

                return;
            }

            _out.Append(' ');
            if (value is YamlScalarNode scalar)
            {
                ScalarStyle style = SelectStyle(scalar, inFlow: false, isKey: false, out string text);
                WriteScalarTag(scalar);
                if (style is ScalarStyle.Literal)
                {
                    Scalars.WriteLiteral(_out, text, child);
                    return;
                }

                Scalars.WriteFlowScalar(_out, text, style);
            }
            else
            {
                WriteInline(value, child, inFlow: false, isKey: false);
            }

            _out.Append('\n');
        }

        private void WriteKey(YamlNode key)
        {
            if (key is YamlScalarNode scalar)
            {
                ScalarStyle style = SelectStyle(scalar, inFlow: false, isKey: true, out string text);
                WriteScalarTag(scalar);
                Scalars.WriteFlowScalar(_out, text, style);
            }
            else
            {
                WriteInline(key, 0, inFlow: true, isKey: true);
            }
        }

        // Flow collections and non-block scalars on the current line.
        private void WriteInline(YamlNode node, int indent, bool inFlow, bool isKey)
        {
            switch (node)
            {
                case YamlScalarNode scalar:
                {
                    ScalarStyle style = SelectStyle(scalar, inFlow || isKey, isKey, out string text);
                    WriteScalarTag(scalar);
                    if (style == ScalarStyle.Literal)
                    {
                        Scalars.WriteLiteral(_out, text, ChildIndent(indent, false));
                        _out.Length--; // WriteLiteral ends with a newline; the caller writes it.
                        return;
                    }

                    Scalars.WriteFlowScalar(_out, text, style);
                    return;
                }

                case YamlSequenceNode seq:
                {
                    WriteTagAndAnchorPrefix(seq);
                    _out.Append('[');
                    bool first = true;
                    foreach (YamlNode item in seq.Children)
                    {
                        if (!first)
                        {
                            _out.Append(", ");
                        }

                        first = false;
                        WriteInline(item, indent, inFlow: true, isKey: false);
                    }

                    _out.Append(']');
                    return;
                }

                case YamlMappingNode map:
                {
                    WriteTagAndAnchorPrefix(map);
                    _out.Append('{');
                    bool first = true;
                    foreach (KeyValuePair<YamlNode, YamlNode> pair in map.Children)
                    {
                        if (!first)
                        {
                            _out.Append(", ");
                        }

                        first = false;
                        WriteInline(pair.Key, indent, inFlow: true, isKey: true);
                        _out.Append(": ");
                        WriteInline(pair.Value, indent, inFlow: true, isKey: false);
                    }

                    _out.Append('}');
                    return;
                }

                default:
                    throw new InvalidOperationException($"Unsupported YAML node type {node.GetType().Name}.");
            }
        }

        private static bool HasWrittenTag(YamlNode node)
        {
            return !node.Tag.IsEmpty && !node.Tag.IsNonSpecific && node is not YamlScalarNode
                && node.Tag.Value != YamlTagPrefix + "map" && node.Tag.Value != YamlTagPrefix + "seq";
        }

        private void WriteTagAndAnchorPrefix(YamlNode node, bool trailingSpace = true)
        {
            if (HasWrittenTag(node))
            {
                _out.Append(ShortTag(node.Tag.Value));
                if (trailingSpace)
                {
                    _out.Append(' ');
                }
            }
        }

        private void WriteScalarTag(YamlScalarNode scalar)
        {
            string? tag = WrittenScalarTag(scalar);
            if (tag is not null)
            {
                _out.Append(ShortTag(tag)).Append(' ');
            }
        }

        private static string? WrittenScalarTag(YamlScalarNode scalar) =>
            Scalars.WrittenTag(scalar.Tag.IsEmpty || scalar.Tag.IsNonSpecific ? "" : scalar.Tag.Value, scalar.Style);

        private static string ShortTag(string tag) => Scalars.ShortTag(tag);

        private static ScalarStyle SelectStyle(YamlScalarNode scalar, bool inFlow, bool isKey, out string text) =>
            Scalars.SelectStyle(scalar.Value, scalar.Style, scalar.Tag.IsEmpty ? "" : scalar.Tag.Value, inFlow, isKey, out text);
    }

    /// <summary>
    /// The scalar rules of the writer over plain values (text, requested style, tag), shared by the node writer and
    /// <see cref="KeployYamlEmitter"/> so both write the same bytes for the same scalar.
    /// </summary>
    internal static class Scalars
    {
        /// <summary>The tag written before a scalar, or null: none for "" (or a non-specific tag), and core-schema tags only
        /// when the style was read, not chosen (<see cref="ScalarStyle.Any"/>).</summary>
        public static string? WrittenTag(string tag, ScalarStyle style)
        {
            if (tag.Length == 0 || tag is "!" or "?")
            {
                return null;
            }

            if (tag is YamlTagPrefix + "str" or YamlTagPrefix + "int" or YamlTagPrefix + "float" or YamlTagPrefix + "bool"
                or YamlTagPrefix + "null" or YamlTagPrefix + "timestamp")
            {
                // Core-schema tags: the style decides how the value resolves; only keep an explicit tag that was read.
                return style == ScalarStyle.Any ? null : tag;
            }

            return tag;
        }

        /// <summary><c>!!name</c> for a tag:yaml.org,2002: tag, a local tag as is, else the verbatim <c>!&lt;tag&gt;</c>.</summary>
        public static string ShortTag(string tag)
        {
            if (tag.StartsWith(YamlTagPrefix, StringComparison.Ordinal))
            {
                return "!!" + tag.Substring(YamlTagPrefix.Length);
            }

            return tag.StartsWith('!') ? tag : "!<" + tag + ">";
        }

        /// <summary>The style a scalar is written in, and its text (<c>null</c> for a null value).</summary>
        /// <param name="value">The scalar's value; null is written <c>null</c>.</param>
        /// <param name="style">The requested style (<see cref="ScalarStyle.Any"/> for a fresh string).</param>
        /// <param name="tag">The full tag (<c>tag:yaml.org,2002:binary</c>) or "" for none.</param>
        /// <param name="inFlow">True inside a flow collection (<c>[a, b]</c>), where plain text may not hold <c>, [ ] { }</c>.</param>
        /// <param name="isKey">True for a mapping key (never literal, never empty plain).</param>
        /// <param name="text">The text to write: the value, or <c>null</c> for a null value.</param>
        public static ScalarStyle SelectStyle(string? value, ScalarStyle style, string tag, bool inFlow, bool isKey, out string text)
        {
            // A word (an ASCII letter, then letters, digits and _ . / - + =) has no indicator, space, break or special character, so
            // Analyze allows it plain in block and flow context; as a fresh string it needs quotes only when it resolves to a
            // non-string (null, true, yes, ...). Keys and most values of recorded documents are words: this skips the analysis
            // and its cache lookup (6% of the recorder's CPU under load, issue 12 profile). SelectStyleAnalyzed is the oracle.
            if (value is not null && style is ScalarStyle.Any or ScalarStyle.Plain && IsPlainWord(value)
                && (style == ScalarStyle.Plain || !KeployYaml.ResolvesToNonString(value)))
            {
                text = value;
                return ScalarStyle.Plain;
            }

            if (style == ScalarStyle.DoubleQuoted)
            {
                // Double quotes are kept whatever the text (the analysis only decides plain, single-quoted and literal text):
                // skipped for the quoted SQL, names and values of protocol mocks.
                text = value ?? "";
                return ScalarStyle.DoubleQuoted;
            }

            return SelectStyleAnalyzed(value, style, tag, inFlow, isKey, out text);
        }

        /// <summary>True for an ASCII letter followed by ASCII letters, digits, <c>_ . / - + =</c> (so base64 text that starts
        /// with a letter is a word).</summary>
        internal static bool IsPlainWord(string text)
        {
            if (text.Length == 0 || !char.IsAsciiLetter(text[0]))
            {
                return false;
            }

            for (int i = 1; i < text.Length; i++)
            {
                char c = text[i];
                if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '/' or '-' or '+' or '='))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary><see cref="SelectStyle"/> without its shortcut for words: every text analysed.</summary>
        internal static ScalarStyle SelectStyleAnalyzed(string? value, ScalarStyle style, string tag, bool inFlow, bool isKey, out string text)
        {
            text = value ?? "";
            ScalarStyle requested = style;
            if (requested == ScalarStyle.Plain && IsPlainInteger(text))
            {
                // Plain digits (an optional leading '-'): plain in block and flow context, key or value (Analyze finds no
                // indicator, space, break or special character), so the analysis is skipped (numbers fill protocol mocks).
                return ScalarStyle.Plain;
            }

            // Whether plain text reads back as a non-string only matters for a fresh string (Any); other styles need only the
            // analysis, so per-mock texts (timestamps, ids) neither run the resolver's regexes nor fill the cache.
            (ScalarAnalysis a, bool nonString) = requested == ScalarStyle.Any ? ScalarFacts.Of(text) : (ScalarFacts.AnalysisOf(text), false);
            if (requested == ScalarStyle.Any)
            {
                if (value is null || tag is YamlTagPrefix + "int" or YamlTagPrefix + "float" or YamlTagPrefix + "bool"
                    or YamlTagPrefix + "null" or YamlTagPrefix + "timestamp")
                {
                    if (value is null)
                    {
                        text = "null";
                    }

                    requested = ScalarStyle.Plain;
                }
                else if (text.Contains('\n'))
                {
                    requested = inFlow ? ScalarStyle.DoubleQuoted : ScalarStyle.Literal;
                }
                else if (nonString && WrittenTag(tag, style) is null)
                {
                    requested = ScalarStyle.DoubleQuoted;
                }
                else
                {
                    requested = ScalarStyle.Plain;
                }
            }

            if (requested == ScalarStyle.Folded)
            {
                requested = ScalarStyle.Literal;
            }

            if (requested == ScalarStyle.Plain)
            {
                bool plainOk = inFlow ? a.FlowPlainAllowed : a.BlockPlainAllowed;
                if (text.Length == 0 && (inFlow || isKey))
                {
                    plainOk = false;
                }

                if (!plainOk)
                {
                    requested = ScalarStyle.SingleQuoted;
                }
            }

            // A leading space or break needs an indentation indicator relative to the parent's column; yaml.v3 gets that wrong
            // inside sequence items, so such text is double-quoted instead.
            if (requested == ScalarStyle.Literal && (!a.BlockAllowed || inFlow || isKey || text.Length == 0 || text[0] is ' ' or '\n'))
            {
                requested = ScalarStyle.DoubleQuoted;
            }

            if (requested == ScalarStyle.SingleQuoted && (!a.SingleQuotedAllowed || a.LineBreaks))
            {
                requested = ScalarStyle.DoubleQuoted;
            }

            return requested;
        }

        internal static bool IsPlainInteger(string text)
        {
            int start = text.Length > 1 && text[0] == '-' ? 1 : 0;
            if (text.Length == 0 || text.Length > 20)
            {
                return false;
            }

            for (int i = start; i < text.Length; i++)
            {
                if (!char.IsAsciiDigit(text[i]))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Writes a plain, single-quoted or double-quoted scalar on the current line.</summary>
        public static void WriteFlowScalar(StringBuilder output, string text, ScalarStyle style)
        {
            switch (style)
            {
                case ScalarStyle.Plain:
                    output.Append(text);
                    break;
                case ScalarStyle.SingleQuoted:
                    // Each ' doubled, appended in runs (no replaced copy of the text).
                    output.Append('\'');
                    ReadOnlySpan<char> rest = text;
                    int quote;
                    while ((quote = rest.IndexOf('\'')) >= 0)
                    {
                        output.Append(rest[..(quote + 1)]).Append('\'');
                        rest = rest[(quote + 1)..];
                    }

                    output.Append(rest).Append('\'');
                    break;
                default:
                    WriteDoubleQuoted(output, text);
                    break;
            }
        }

        private static void WriteDoubleQuoted(StringBuilder output, string text)
        {
            output.Append('"');
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                switch (c)
                {
                    case '\0': output.Append("\\0"); continue;
                    case '\a': output.Append("\\a"); continue;
                    case '\b': output.Append("\\b"); continue;
                    case '\t': output.Append("\\t"); continue;
                    case '\n': output.Append("\\n"); continue;
                    case '\v': output.Append("\\v"); continue;
                    case '\f': output.Append("\\f"); continue;
                    case '\r': output.Append("\\r"); continue;
                    case '\x1b': output.Append("\\e"); continue;
                    case '"': output.Append("\\\""); continue;
                    case '\\': output.Append("\\\\"); continue;
                    case '\u0085': output.Append("\\N"); continue;
                    case '\u00a0': output.Append("\\_"); continue;
                    case '\u2028': output.Append("\\L"); continue;
                    case '\u2029': output.Append("\\P"); continue;
                }

                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    output.Append(c).Append(text[i + 1]);
                    i++;
                    continue;
                }

                if (ScalarAnalysis.IsPrintable(c))
                {
                    output.Append(c);
                }
                else if (c <= 0xFF)
                {
                    output.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
                }
                else
                {
                    output.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                }
            }

            output.Append('"');
        }

        // "|", "|-", "|+" (yaml.v3 write_block_scalar_hints); text never starts with a space or break here.
        /// <summary>Writes a literal block scalar (header, then each line at <paramref name="indent"/>), ending with a newline.</summary>
        public static void WriteLiteral(StringBuilder output, string text, int indent)
        {
            output.Append('|');
            if (text.Length == 0 || text[^1] != '\n')
            {
                output.Append('-');
            }
            else if (text.Length == 1 || text[^2] == '\n')
            {
                output.Append('+');
            }

            output.Append('\n');
            if (text.Length == 0)
            {
                return;
            }

            // Line by line over spans of the text (no split copies); an empty line gets no indentation.
            ReadOnlySpan<char> body = text.EndsWith('\n') ? text.AsSpan(0, text.Length - 1) : text.AsSpan();
            while (true)
            {
                int end = body.IndexOf('\n');
                ReadOnlySpan<char> line = end < 0 ? body : body[..end];
                if (line.Length > 0)
                {
                    output.Append(' ', indent);
                    output.Append(line);
                }

                output.Append('\n');
                if (end < 0)
                {
                    break;
                }

                body = body[(end + 1)..];
            }
        }
    }
}

/// <summary>
/// <see cref="ScalarAnalysis.Analyze"/> and <see cref="KeployYaml.ResolvesToNonString"/> of a scalar's text, remembered for short
/// texts: recorded test cases and mocks repeat the same keys and header values in every file, and analysing them dominated the
/// formatting of a test case (issue 12 profile). Both are pure functions of the text, so a cached answer is the computed one.
/// At most <see cref="Capacity"/> texts of at most <see cref="MaxLength"/> characters are kept; others are computed each time.
/// </summary>
internal static class ScalarFacts
{
    /// <summary>Most texts remembered (about 2 MB at most).</summary>
    public const int Capacity = 8192;

    /// <summary>Longest text remembered.</summary>
    public const int MaxLength = 128;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (ScalarAnalysis, bool)> Cache = new(StringComparer.Ordinal);

    // ConcurrentDictionary.Count takes every lock; once the cache is full each miss paid it (14% of the recorder's CPU under pgbench).
    private static int s_count;

    /// <summary>The analysis of <paramref name="text"/> alone: remembered when known, else computed and not remembered.</summary>
    public static ScalarAnalysis AnalysisOf(string text) =>
        text.Length <= MaxLength && Cache.TryGetValue(text, out (ScalarAnalysis Analysis, bool) known) ? known.Analysis : ScalarAnalysis.Analyze(text);

    /// <summary>The analysis of <paramref name="text"/> and whether plain it would read back as a non-string.</summary>
    public static (ScalarAnalysis Analysis, bool NonString) Of(string text)
    {
        if (text.Length > MaxLength)
        {
            return (ScalarAnalysis.Analyze(text), text.Length > 0 && KeployYaml.ResolvesToNonString(text));
        }

        if (Cache.TryGetValue(text, out (ScalarAnalysis, bool) known))
        {
            return known;
        }

        (ScalarAnalysis, bool) facts = (ScalarAnalysis.Analyze(text), KeployYaml.ResolvesToNonString(text));
        if (Volatile.Read(ref s_count) < Capacity && Cache.TryAdd(text, facts))
        {
            Interlocked.Increment(ref s_count);
        }

        return facts;
    }
}
