using System.Text;
using DiffPlex;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Keploy.Core.Replay.Comparison;

namespace Keploy.Core.Replay.Reporting;

/// <summary>
/// Renders a failed comparison in Keploy's layout (<c>pkg/matcher/http/match.go</c>, <c>pkg/matcher/utils.go</c>
/// <c>DiffsPrinter.Render</c>, reference §8):
/// <code>
/// Testrun failed for testcase with id: "test-1"
/// --------------------------------------------------------------------
/// +-----------------------------+-----------------------------+
/// |                          test-1                           |
/// +-----------------------------+-----------------------------+
/// | Expect status               | Actual status               |
/// | 200                         | 500                         |
/// +-----------------------------+-----------------------------+
/// | Expect body                 | Actual body                 |
/// | $.items[2].price: 10        | $.items[2].price: 12        |
/// +-----------------------------+-----------------------------+
/// </code>
/// Only failing rows appear; JSON bodies show only the differing paths; values are cut at <see cref="MaxValueBytes"/> UTF-8 bytes
/// with <c>...(truncated, original length N bytes)</c>; array order differences add
/// <c>⚠️ Expected and actual value of &lt;path&gt; are in different order but have the same objects</c> under the table.
/// Multi-line non-JSON bodies show only the changed lines (DiffPlex line diff), numbered. The ANSI form colours expected cells red
/// and actual cells green; the plain form is what goes into <c>TestResult.ErrorMessage</c> and logs.
/// </summary>
public static class DiffRenderer
{
    /// <summary>Values longer than this many UTF-8 bytes are cut (Keploy's limit).</summary>
    public const int MaxValueBytes = 10_000;

    /// <summary>Widest a table column gets before its text wraps.</summary>
    public const int MaxColumnWidth = 60;

    /// <summary>The dashed line Keploy prints after each test's verdict.</summary>
    public const string DashedLine = "--------------------------------------------------------------------";

    private const string Red = "\u001b[31m";
    private const string Green = "\u001b[32m";
    private const string Yellow = "\u001b[33m";
    private const string Reset = "\u001b[0m";

    /// <summary>Keploy's line for a passing test followed by the dashed line.</summary>
    public static string RenderPassed(string testName)
    {
        return $"Testrun passed for testcase with id: \"{testName}\"\n{DashedLine}\n";
    }

    /// <summary>Renders the failure block of one test (lines end with <c>\n</c>).</summary>
    /// <param name="testName">The test case name, used in the first line and as the table heading.</param>
    /// <param name="result">The comparison; a passing result renders just the verdict lines.</param>
    /// <param name="ansi">Colour expected values red and actual values green.</param>
    public static string RenderFailure(string testName, ComparisonResult result, bool ansi = false)
    {
        StringBuilder sb = new();
        sb.Append("Testrun failed for testcase with id: \"").Append(testName).Append("\"\n");
        sb.Append(DashedLine).Append('\n');

        List<(string Left, string Right, List<(string Left, string Right)> Lines)> sections = new();
        if (!result.StatusCode.Normal)
        {
            sections.Add(("Expect status", "Actual status", [(Inv(result.StatusCode.Expected), Inv(result.StatusCode.Actual))]));
        }

        List<(string, string)> headerLines = new();
        foreach (ResponseDifference d in result.Differences.Where(d => d.Path.StartsWith("header.", StringComparison.Ordinal)))
        {
            string name = d.Path["header.".Length..];
            string right = d.Kind == DifferenceKind.NoiseRegexMismatch
                ? $"{name}: {d.Actual ?? "<missing>"} (matches no noise regex)"
                : $"{name}: {d.Actual ?? "<missing>"}";
            headerLines.Add(($"{name}: {d.Expected ?? "<missing>"}", right));
        }

        if (headerLines.Count > 0)
        {
            sections.Add(("Expect header", "Actual header", headerLines));
        }

        List<(string, string)> bodyLines = new();
        List<string> orderWarnings = new();
        foreach (ResponseDifference d in result.Differences)
        {
            if (d.Path == "body")
            {
                bodyLines.AddRange(WholeBodyLines(d));
            }
            else if (d.Path.StartsWith("body[", StringComparison.Ordinal))
            {
                // One message of several (a gRPC stream): its index, then its changed lines.
                bodyLines.Add(($"{d.Path}:", $"{d.Path}:"));
                bodyLines.AddRange(WholeBodyLines(d));
            }
            else if (d.Path.StartsWith('$'))
            {
                if (d.Kind == DifferenceKind.OrderOnly)
                {
                    orderWarnings.Add(d.Path);
                    continue;
                }

                string suffix = d.Kind == DifferenceKind.NoiseRegexMismatch ? " (matches no noise regex)" : "";
                bodyLines.Add(($"{d.Path}: {Truncate(d.Expected ?? "<missing>")}", $"{d.Path}: {Truncate(d.Actual ?? "<missing>")}{suffix}"));
            }
        }

        if (bodyLines.Count > 0)
        {
            sections.Add(("Expect body", "Actual body", bodyLines));
        }

        if (sections.Count > 0)
        {
            AppendTable(sb, testName, sections, ansi);
        }

        if (!result.Passed)
        {
            orderWarnings.AddRange(result.ReorderedArrays);
        }

        foreach (string path in orderWarnings.Distinct(StringComparer.Ordinal))
        {
            string line = $"⚠️ Expected and actual value of {path} are in different order but have the same objects";
            sb.Append(ansi ? Yellow + line + Reset : line).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>
    /// Renders outgoing calls that found no mock, appended to a failure:
    /// <code>
    /// Mock mismatches: 1 outgoing call found no mock
    ///   [1] Http GET http://catalog:5200/items/7 (destination catalog:5200)
    ///       closest mock: mock-3
    ///       diff:
    ///         url: expected /items/8 actual /items/7
    /// </code>
    /// </summary>
    public static string RenderMockMisses(IReadOnlyList<MockMiss> misses, bool ansi = false)
    {
        if (misses.Count == 0)
        {
            return "";
        }

        StringBuilder sb = new();
        string heading = $"Mock mismatches: {misses.Count} outgoing call{(misses.Count == 1 ? "" : "s")} found no mock";
        sb.Append(ansi ? Yellow + heading + Reset : heading).Append('\n');
        for (int i = 0; i < misses.Count; i++)
        {
            MockMiss m = misses[i];
            sb.Append("  [").Append(i + 1).Append("] ").Append(m.Kind).Append(' ').Append(Truncate(m.Summary));
            if (!string.IsNullOrEmpty(m.Destination))
            {
                sb.Append(" (destination ").Append(m.Destination).Append(')');
            }

            sb.Append('\n');
            sb.Append("      closest mock: ").Append(m.ClosestMock ?? "none").Append('\n');
            if (!string.IsNullOrEmpty(m.Diff))
            {
                sb.Append("      diff:\n");
                foreach (string line in Truncate(m.Diff).Split('\n'))
                {
                    string text = line.TrimEnd('\r');
                    if (ansi && text.StartsWith('-'))
                    {
                        text = Red + text + Reset;
                    }
                    else if (ansi && text.StartsWith('+'))
                    {
                        text = Green + text + Reset;
                    }

                    sb.Append("        ").Append(text).Append('\n');
                }
            }
        }

        return sb.ToString();
    }

    /// <summary>Cuts <paramref name="value"/> to <see cref="MaxValueBytes"/> UTF-8 bytes, appending <c>...(truncated, original length N bytes)</c>.</summary>
    public static string Truncate(string value)
    {
        int bytes = Encoding.UTF8.GetByteCount(value);
        if (bytes <= MaxValueBytes)
        {
            return value;
        }

        int used = 0;
        int cut = 0;
        while (cut < value.Length)
        {
            int len = char.IsHighSurrogate(value[cut]) && cut + 1 < value.Length ? 2 : 1;
            int size = Encoding.UTF8.GetByteCount(value.AsSpan(cut, len));
            if (used + size > MaxValueBytes)
            {
                break;
            }

            used += size;
            cut += len;
        }

        return value[..cut] + $"...(truncated, original length {bytes} bytes)";
    }

    private static string Inv(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static IEnumerable<(string, string)> WholeBodyLines(ResponseDifference d)
    {
        string expected = Truncate(d.Expected ?? "");
        string actual = Truncate(d.Actual ?? "");
        if (d.Kind == DifferenceKind.NoiseRegexMismatch)
        {
            return [(expected, actual + " (matches no noise regex)")];
        }

        if (!expected.Contains('\n') && !actual.Contains('\n'))
        {
            return [(expected, actual)];
        }

        // Multi-line text: only the changed lines, numbered, side by side.
        SideBySideDiffModel model = new SideBySideDiffBuilder(new Differ()).BuildDiffModel(expected, actual);
        List<(string, string)> lines = new();
        for (int i = 0; i < Math.Max(model.OldText.Lines.Count, model.NewText.Lines.Count); i++)
        {
            DiffPiece? o = i < model.OldText.Lines.Count ? model.OldText.Lines[i] : null;
            DiffPiece? n = i < model.NewText.Lines.Count ? model.NewText.Lines[i] : null;
            if (o?.Type == ChangeType.Unchanged && n?.Type == ChangeType.Unchanged)
            {
                continue;
            }

            lines.Add((Piece(o), Piece(n)));
        }

        return lines;
    }

    private static string Piece(DiffPiece? p)
    {
        return p is null || p.Type == ChangeType.Imaginary || p.Position is null ? "" : $"{p.Position}: {p.Text}";
    }

    private static List<string> Wrap(string text, int width)
    {
        List<string> result = new();
        foreach (string raw in text.Replace("\r", "", StringComparison.Ordinal).Split('\n'))
        {
            string line = raw.Replace('\t', ' ');
            if (line.Length == 0)
            {
                result.Add("");
                continue;
            }

            for (int i = 0; i < line.Length; i += width)
            {
                result.Add(line.Substring(i, Math.Min(width, line.Length - i)));
            }
        }

        return result;
    }

    private static void AppendTable(StringBuilder sb, string title, List<(string Left, string Right, List<(string Left, string Right)> Lines)> sections, bool ansi)
    {
        int left = 0;
        int right = 0;
        foreach ((string l, string r, List<(string Left, string Right)> lines) in sections)
        {
            left = Math.Max(left, l.Length);
            right = Math.Max(right, r.Length);
            foreach ((string ll, string rl) in lines)
            {
                left = Math.Max(left, Wrap(ll, MaxColumnWidth).Max(s => s.Length));
                right = Math.Max(right, Wrap(rl, MaxColumnWidth).Max(s => s.Length));
            }
        }

        int inner = left + right + 5; // "| " + left + " | " + right + " |" minus the outer bars
        if (title.Length + 2 > inner)
        {
            right += title.Length + 2 - inner;
            inner = left + right + 5;
        }

        string rule = "+" + new string('-', left + 2) + "+" + new string('-', right + 2) + "+";
        sb.Append(rule).Append('\n');
        int pad = inner - title.Length;
        sb.Append('|').Append(' ', pad / 2).Append(title).Append(' ', pad - (pad / 2)).Append("|\n");
        sb.Append(rule).Append('\n');

        foreach ((string l, string r, List<(string Left, string Right)> lines) in sections)
        {
            sb.Append("| ").Append(l.PadRight(left)).Append(" | ").Append(r.PadRight(right)).Append(" |\n");
            foreach ((string ll, string rl) in lines)
            {
                List<string> lw = Wrap(ll, MaxColumnWidth);
                List<string> rw = Wrap(rl, MaxColumnWidth);
                for (int i = 0; i < Math.Max(lw.Count, rw.Count); i++)
                {
                    string lc = (i < lw.Count ? lw[i] : "").PadRight(left);
                    string rc = (i < rw.Count ? rw[i] : "").PadRight(right);
                    if (ansi)
                    {
                        lc = Red + lc + Reset;
                        rc = Green + rc + Reset;
                    }

                    sb.Append("| ").Append(lc).Append(" | ").Append(rc).Append(" |\n");
                }
            }

            sb.Append(rule).Append('\n');
        }
    }
}
