using System.Globalization;
using System.Text;
using YamlDotNet.Core;

namespace Keploy.Core.Storage;

/// <summary>
/// Writes a block-style document entry by entry, without building a node tree: for the fixed shapes the recorder writes many
/// times a second (issue 12: building and walking YamlDotNet nodes was most of a test case's formatting cost). The caller says each
/// key at its column, in order; every scalar is styled and escaped by the same rules as <see cref="KeployYamlWriter"/>, so the
/// text is byte-identical to writing the equivalent node tree (tests hold the node writer as the oracle).
/// </summary>
/// <remarks>
/// Columns are those of <see cref="KeployYamlWriter"/>'s block mappings: 0 for the root, <see cref="Child"/> of the parent's
/// column for a nested mapping. Block sequences are not written here (the shapes that use it have none).
/// </remarks>
internal sealed class KeployYamlEmitter
{
    private readonly StringBuilder _out;
    private readonly int _best;

    /// <summary>Writes into <paramref name="output"/> with indentation step <paramref name="indent"/> (2 for test cases, 4 for mocks).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The indent is not 2..9.</exception>
    public KeployYamlEmitter(StringBuilder output, int indent)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(indent, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(indent, 9);
        _out = output;
        _best = indent;
    }

    /// <summary>The text written so far.</summary>
    public StringBuilder Output => _out;

    /// <summary>The column of the entries of a mapping nested in an entry at <paramref name="column"/>.</summary>
    public int Child(int column) => _best * ((column + _best) / _best);

    /// <summary><c>key: value</c> for a string scalar, styled as <see cref="KeployYamlWriter"/> would a node of that style and tag.</summary>
    /// <param name="column">The entry's column.</param>
    /// <param name="key">The key (a fresh string: quoted when it must be).</param>
    /// <param name="value">The value; null writes <c>null</c>.</param>
    /// <param name="style"><see cref="ScalarStyle.Any"/> for a string, <see cref="ScalarStyle.Plain"/> for a number or timestamp.</param>
    /// <param name="tag">The full tag (<c>tag:yaml.org,2002:binary</c>), or "" for none.</param>
    public void Scalar(int column, string key, string? value, ScalarStyle style = ScalarStyle.Any, string tag = "")
    {
        Key(column, key);
        _out.Append(' ');
        ScalarStyle chosen = KeployYamlWriter.Scalars.SelectStyle(value, style, tag, inFlow: false, isKey: false, out string text);
        if (KeployYamlWriter.Scalars.WrittenTag(tag, style) is { } written)
        {
            _out.Append(KeployYamlWriter.Scalars.ShortTag(written)).Append(' ');
        }

        if (chosen == ScalarStyle.Literal)
        {
            KeployYamlWriter.Scalars.WriteLiteral(_out, text, Child(column));
            return;
        }

        KeployYamlWriter.Scalars.WriteFlowScalar(_out, text, chosen);
        _out.Append('\n');
    }

    /// <summary><c>key: 123</c>, a plain integer.</summary>
    public void Integer(int column, string key, long value)
    {
        Key(column, key);
        _out.Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    /// <summary><c>key:</c> and a line break: the nested mapping's entries follow at <see cref="Child"/>(<paramref name="column"/>).
    /// The caller writes at least one entry (an empty mapping is <see cref="EmptyMapping"/>).</summary>
    public void BeginMapping(int column, string key)
    {
        Key(column, key);
        _out.Append('\n');
    }

    /// <summary><c>key: {}</c>.</summary>
    public void EmptyMapping(int column, string key)
    {
        Key(column, key);
        _out.Append(" {}\n");
    }

    /// <summary><c>key: []</c>.</summary>
    public void EmptySequence(int column, string key)
    {
        Key(column, key);
        _out.Append(" []\n");
    }

    /// <summary><c>key: [a, b]</c>, a flow sequence of strings (<c>[]</c> when empty).</summary>
    public void FlowStrings(int column, string key, IReadOnlyList<string> items)
    {
        Key(column, key);
        _out.Append(" [");
        for (int i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                _out.Append(", ");
            }

            ScalarStyle chosen = KeployYamlWriter.Scalars.SelectStyle(items[i], ScalarStyle.Any, "", inFlow: true, isKey: false, out string text);
            KeployYamlWriter.Scalars.WriteFlowScalar(_out, text, chosen);
        }

        _out.Append("]\n");
    }

    private void Key(int column, string key)
    {
        _out.Append(' ', column);
        ScalarStyle chosen = KeployYamlWriter.Scalars.SelectStyle(key, ScalarStyle.Any, "", inFlow: false, isKey: true, out string text);
        KeployYamlWriter.Scalars.WriteFlowScalar(_out, text, chosen);
        _out.Append(':');
    }
}
