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
/// column for a nested mapping or sequence. A block sequence of mappings is <see cref="BeginBlock"/>, then per item
/// <see cref="Item"/> (its first entry goes on the dash's line) and the item's entries at the column it returns; a block sequence
/// of scalars is <see cref="ScalarItem"/> per item. Flow sequences are <see cref="BeginFlow"/>, items (<see cref="FlowScalar"/>,
/// <see cref="FlowInteger"/>, nested <see cref="OpenFlow"/>/<see cref="CloseFlow"/>), then <see cref="EndFlow"/>.
/// </remarks>
internal sealed class KeployYamlEmitter
{
    private readonly StringBuilder _out;
    private readonly int _best;
    private readonly List<bool> _flowFirst = new();
    private bool _onDashLine;
    private int _flowColumn;

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
        Value(value, style, tag, Child(column));
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

    /// <summary><c>key:</c> and a line break, for a non-empty block sequence (or mapping) whose items follow at
    /// <see cref="Child"/>(<paramref name="column"/>).</summary>
    public void BeginBlock(int column, string key) => BeginMapping(column, key);

    /// <summary><c>- </c> at <paramref name="column"/> for an item of a block sequence that is a non-empty mapping; its first entry
    /// follows on this line. Returns the column of the item's entries.</summary>
    public int Item(int column)
    {
        _out.Append(' ', column).Append("- ");
        _onDashLine = true;
        return column + 2;
    }

    /// <summary><c>- value</c> at <paramref name="column"/>, an item of a block sequence of scalars (styles as <see cref="Scalar"/>).</summary>
    public void ScalarItem(int column, string? value, ScalarStyle style = ScalarStyle.Any, string tag = "")
    {
        _out.Append(' ', column).Append("- ");
        Value(value, style, tag, column + 2);
    }

    /// <summary><c>key: [</c>: a flow sequence follows, item by item, up to <see cref="EndFlow"/>.</summary>
    public void BeginFlow(int column, string key)
    {
        Key(column, key);
        _out.Append(' ');
        _flowColumn = Child(Child(column));
        OpenFlow();
    }

    /// <summary><c>[</c>: a flow sequence nested in the current one (or the one <see cref="BeginFlow"/> opened).</summary>
    public void OpenFlow()
    {
        Separate();
        _out.Append('[');
        _flowFirst.Add(true);
    }

    /// <summary><c>]</c>: ends the innermost flow sequence.</summary>
    public void CloseFlow()
    {
        _flowFirst.RemoveAt(_flowFirst.Count - 1);
        _out.Append(']');
    }

    /// <summary><c>]</c> and the line break: ends the flow sequence <see cref="BeginFlow"/> opened.</summary>
    public void EndFlow()
    {
        CloseFlow();
        _out.Append('\n');
    }

    /// <summary>A scalar item of the current flow sequence, styled as the node writer styles a scalar in a flow collection.</summary>
    public void FlowScalar(string? value, ScalarStyle style = ScalarStyle.Any, string tag = "")
    {
        Separate();
        ScalarStyle chosen = KeployYamlWriter.Scalars.SelectStyle(value, style, tag, inFlow: true, isKey: false, out string text);
        if (KeployYamlWriter.Scalars.WrittenTag(tag, style) is { } written)
        {
            _out.Append(KeployYamlWriter.Scalars.ShortTag(written)).Append(' ');
        }

        if (chosen == ScalarStyle.Literal)
        {
            KeployYamlWriter.Scalars.WriteLiteral(_out, text, _flowColumn);
            _out.Length--;
            return;
        }

        KeployYamlWriter.Scalars.WriteFlowScalar(_out, text, chosen);
    }

    /// <summary>A plain integer item of the current flow sequence.</summary>
    public void FlowInteger(long value)
    {
        Separate();
        _out.Append(value.ToString(CultureInfo.InvariantCulture));
    }

    private void Separate()
    {
        int last = _flowFirst.Count - 1;
        if (last < 0)
        {
            return;
        }

        if (!_flowFirst[last])
        {
            _out.Append(", ");
        }

        _flowFirst[last] = false;
    }

    private void Value(string? value, ScalarStyle style, string tag, int literalColumn)
    {
        ScalarStyle chosen = KeployYamlWriter.Scalars.SelectStyle(value, style, tag, inFlow: false, isKey: false, out string text);
        if (KeployYamlWriter.Scalars.WrittenTag(tag, style) is { } written)
        {
            _out.Append(KeployYamlWriter.Scalars.ShortTag(written)).Append(' ');
        }

        if (chosen == ScalarStyle.Literal)
        {
            KeployYamlWriter.Scalars.WriteLiteral(_out, text, literalColumn);
            return;
        }

        KeployYamlWriter.Scalars.WriteFlowScalar(_out, text, chosen);
        _out.Append('\n');
    }

    private void Key(int column, string key)
    {
        if (_onDashLine)
        {
            _onDashLine = false;
        }
        else
        {
            _out.Append(' ', column);
        }

        ScalarStyle chosen = KeployYamlWriter.Scalars.SelectStyle(key, ScalarStyle.Any, "", inFlow: false, isKey: true, out string text);
        KeployYamlWriter.Scalars.WriteFlowScalar(_out, text, chosen);
        _out.Append(':');
    }
}
