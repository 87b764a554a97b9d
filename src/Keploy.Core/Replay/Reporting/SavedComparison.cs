using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DiffPlex;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Keploy.Core.Config;
using Keploy.Core.Replay.Comparison;

namespace Keploy.Core.Replay.Reporting;

/// <summary>How a cell of the side-by-side JSON view is shown.</summary>
public enum DiffCellKind
{
    /// <summary>Same on both sides.</summary>
    Same,

    /// <summary>Part of a failing difference (expected red, actual green).</summary>
    Failing,

    /// <summary>Covered by noise: ignored by the comparison (grey).</summary>
    Ignored,

    /// <summary>Text differs but the comparison accepted it (array order while <c>ignoreOrdering</c>, <c>1.0</c> vs <c>1</c>).</summary>
    Accepted,

    /// <summary>No line on this side (padding opposite an inserted or deleted line).</summary>
    Empty,
}

/// <summary>One row of the side-by-side view: a line of expected and the aligned line of actual.</summary>
public sealed record DiffRow(string Left, DiffCellKind LeftKind, string Right, DiffCellKind RightKind);

/// <summary>
/// Rebuilds a <see cref="ComparisonResult"/> from a saved report entry and renders what the reports show: Keploy's failure text
/// (<see cref="DiffRenderer"/>) and the aligned side-by-side JSON view with noise marked as ignored. Differences are recomputed with
/// <see cref="JsonBodyComparer"/> from the saved expected/actual bodies and the test's noise (plus keploy.yml global noise when
/// given), and kept only in sections the saved result marks abnormal, so a report never shows a failure the run did not have.
/// </summary>
public static partial class SavedComparison
{
    /// <summary>Rebuilds the comparison of one saved test.</summary>
    /// <param name="test">The saved entry.</param>
    /// <param name="globalNoise">keploy.yml <c>test.globalNoise</c>, or null.</param>
    /// <param name="ignoreOrdering">keploy.yml <c>test.ignoreOrdering</c> (default true).</param>
    public static ComparisonResult Rebuild(SavedTest test, GlobalNoiseConfig? globalNoise = null, bool ignoreOrdering = true)
    {
        ComparisonResult result = new() { StatusCode = test.StatusCode };
        result.HeadersResult.AddRange(test.Headers);
        result.BodyResult.AddRange(test.Bodies);
        if (!test.StatusCode.Normal)
        {
            result.Differences.Add(new ResponseDifference("status_code", Inv(test.StatusCode.Expected), Inv(test.StatusCode.Actual), DifferenceKind.ValueChanged));
        }

        foreach (HeaderResult h in test.Headers.Where(h => !h.Normal))
        {
            string? e = h.Expected.Value.Count == 0 ? null : string.Join(", ", h.Expected.Value);
            string? a = h.Actual.Value.Count == 0 ? null : string.Join(", ", h.Actual.Value);
            result.Differences.Add(new ResponseDifference("header." + (h.Expected.Key.Length > 0 ? h.Expected.Key : h.Actual.Key), e, a,
                a is null ? DifferenceKind.Missing : DifferenceKind.ValueChanged));
        }

        NoiseRules noise = Noise(test, globalNoise);
        foreach (BodyResult b in test.Bodies.Where(b => !b.Normal))
        {
            List<ResponseDifference> diffs = new();
            if (TryParse(b.Expected, out JsonDocument? e) && TryParse(b.Actual, out JsonDocument? a))
            {
                using (e)
                using (a)
                {
                    new JsonBodyComparer(noise, ignoreOrdering).Compare(e!.RootElement, a!.RootElement, diffs, result.ReorderedArrays);
                }
            }

            result.Differences.AddRange(diffs.Count > 0 ? diffs : [new ResponseDifference("body", b.Expected, b.Actual, DifferenceKind.ValueChanged)]);
        }

        return result;
    }

    /// <summary>
    /// The failure text of a saved test, as <c>test</c> printed it: Keploy's diff table, then the mock misses; for a test without a
    /// response, a line saying so. Empty for a passed test.
    /// </summary>
    public static string FailureText(SavedTest test, GlobalNoiseConfig? globalNoise = null, bool ignoreOrdering = true)
    {
        if (!test.Failed)
        {
            return "";
        }

        StringBuilder sb = new();
        ComparisonResult c = Rebuild(test, globalNoise, ignoreOrdering);
        if (test.StatusCode.Actual == 0 && test.Headers.Count == 0 && test.Bodies.Count == 0)
        {
            sb.Append("Testrun failed for testcase with id: \"").Append(test.TestCaseId).Append("\"\n").Append(DiffRenderer.DashedLine).Append('\n');
            sb.Append("the app gave no response (expected status ").Append(Inv(test.StatusCode.Expected)).Append(")\n");
        }
        else
        {
            sb.Append(DiffRenderer.RenderFailure(test.TestCaseId, c));
        }

        sb.Append(DiffRenderer.RenderMockMisses(test.UnmatchedCalls));
        return sb.ToString();
    }

    /// <summary>
    /// The aligned side-by-side view of two JSON bodies: both pretty-printed (2-space indent, key order kept), lines aligned with
    /// DiffPlex; a changed line is <see cref="DiffCellKind.Failing"/> when its JSON path is at or under a path in
    /// <paramref name="failingPaths"/>, <see cref="DiffCellKind.Ignored"/> when noise covers it, else <see cref="DiffCellKind.Accepted"/>.
    /// Unchanged lines under noise are marked ignored too. Null when either body is not JSON.
    /// </summary>
    public static List<DiffRow>? JsonSideBySide(string expected, string actual, IReadOnlyCollection<string> failingPaths, NoiseRules noise)
    {
        if (!TryParse(expected, out JsonDocument? e) || !TryParse(actual, out JsonDocument? a))
        {
            return null;
        }

        List<PrettyLine> left;
        List<PrettyLine> right;
        using (e)
        using (a)
        {
            left = Pretty(e!.RootElement);
            right = Pretty(a!.RootElement);
        }

        SideBySideDiffModel model = new SideBySideDiffBuilder(new Differ()).BuildDiffModel(
            string.Join('\n', left.Select(l => l.Text)), string.Join('\n', right.Select(l => l.Text)), ignoreWhitespace: false);
        List<DiffRow> rows = new();
        int count = Math.Max(model.OldText.Lines.Count, model.NewText.Lines.Count);
        for (int i = 0; i < count; i++)
        {
            DiffPiece? o = i < model.OldText.Lines.Count ? model.OldText.Lines[i] : null;
            DiffPiece? n = i < model.NewText.Lines.Count ? model.NewText.Lines[i] : null;
            (string lt, DiffCellKind lk) = Cell(o, left, failingPaths, noise);
            (string rt, DiffCellKind rk) = Cell(n, right, failingPaths, noise);
            rows.Add(new DiffRow(lt, lk, rt, rk));
        }

        return rows;
    }

    /// <summary>The noise rules of a saved test: its <c>noise</c> map over keploy.yml's global noise for its set.</summary>
    public static NoiseRules Noise(SavedTest test, GlobalNoiseConfig? globalNoise)
    {
        try
        {
            return NoiseRules.Create(test.Noise, globalNoise, test.TestSetId);
        }
        catch (ArgumentException)
        {
            // A bad regex already failed the run with its own message; the report still renders, without noise.
            return NoiseRules.Empty;
        }
    }

    /// <summary>The JSON paths of failing body differences (<c>$.items[2].price</c>).</summary>
    public static List<string> FailingBodyPaths(ComparisonResult c) =>
        c.Differences.Where(d => d.Path.StartsWith('$')).Select(d => d.Path).ToList();

    private static (string Text, DiffCellKind Kind) Cell(DiffPiece? piece, List<PrettyLine> lines, IReadOnlyCollection<string> failing, NoiseRules noise)
    {
        if (piece is null || piece.Type == ChangeType.Imaginary || piece.Position is not int pos || pos < 1 || pos > lines.Count)
        {
            return ("", DiffCellKind.Empty);
        }

        PrettyLine line = lines[pos - 1];
        bool noisy = noise.MatchBody(line.KeyPath, null) is NoiseVerdict.Ignored or NoiseVerdict.RegexMatched or NoiseVerdict.RegexMismatch
            && line.KeyPath.Length > 0;
        if (piece.Type == ChangeType.Unchanged)
        {
            return (line.Text, noisy ? DiffCellKind.Ignored : DiffCellKind.Same);
        }

        if (failing.Any(p => Under(line.Path, p)))
        {
            return (line.Text, DiffCellKind.Failing);
        }

        return (line.Text, noisy ? DiffCellKind.Ignored : DiffCellKind.Accepted);
    }

    private static bool Under(string path, string prefix) =>
        path == prefix || (path.StartsWith(prefix, StringComparison.Ordinal) && path.Length > prefix.Length && path[prefix.Length] is '.' or '[');

    private static bool TryParse(string text, out JsonDocument? document)
    {
        document = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 256 });
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Inv(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private sealed record PrettyLine(string Text, string Path, string[] KeyPath);

    private static List<PrettyLine> Pretty(JsonElement root)
    {
        List<PrettyLine> lines = new();
        Write(root, "$", [], 0, "", false, lines);
        return lines;
    }

    private static void Write(JsonElement e, string path, string[] keys, int depth, string prefix, bool comma, List<PrettyLine> lines)
    {
        string indent = new(' ', depth * 2);
        string tail = comma ? "," : "";
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
            {
                List<JsonProperty> props = e.EnumerateObject().ToList();
                if (props.Count == 0)
                {
                    lines.Add(new PrettyLine(indent + prefix + "{}" + tail, path, keys));
                    return;
                }

                lines.Add(new PrettyLine(indent + prefix + "{", path, keys));
                for (int i = 0; i < props.Count; i++)
                {
                    JsonProperty p = props[i];
                    Write(p.Value, Member(path, p.Name), [.. keys, p.Name], depth + 1, JsonSerializer.Serialize(p.Name) + ": ", i < props.Count - 1, lines);
                }

                lines.Add(new PrettyLine(indent + "}" + tail, path, keys));
                return;
            }

            case JsonValueKind.Array:
            {
                List<JsonElement> items = e.EnumerateArray().ToList();
                if (items.Count == 0)
                {
                    lines.Add(new PrettyLine(indent + prefix + "[]" + tail, path, keys));
                    return;
                }

                lines.Add(new PrettyLine(indent + prefix + "[", path, keys));
                for (int i = 0; i < items.Count; i++)
                {
                    Write(items[i], path + "[" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]", keys, depth + 1, "", i < items.Count - 1, lines);
                }

                lines.Add(new PrettyLine(indent + "]" + tail, path, keys));
                return;
            }

            default:
                lines.Add(new PrettyLine(indent + prefix + e.GetRawText() + tail, path, keys));
                return;
        }
    }

    // The same path spelling as JsonBodyComparer.
    private static string Member(string path, string key) =>
        SimpleKey().IsMatch(key) ? path + "." + key : path + "['" + key.Replace("'", "\\'", StringComparison.Ordinal) + "']";

    [GeneratedRegex("^[A-Za-z_$][A-Za-z0-9_$-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex SimpleKey();
}
