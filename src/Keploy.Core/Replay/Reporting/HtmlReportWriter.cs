using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Keploy.Core.Config;
using Keploy.Core.Models;
using Keploy.Core.Replay.Comparison;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Replay.Reporting;

/// <summary>
/// Writes the self-contained HTML report of a saved run (<c>keploy/reports/test-run-N/report.html</c>): CSS and JS inline, no
/// network. The page shows the run's totals, links to the other runs' reports, the test-sets with pass/fail counts and times, and
/// the tests as a filterable list (text filter, status and test-set filters, rows rendered a page at a time). A test's details
/// (request, expected and actual response, Keploy's diff, the side-by-side JSON view with noise shown as ignored, the mocks it used
/// and the calls that found none, "matched with differences" notes) are rendered only when the row is expanded, from one JSON
/// document embedded in the page. Failed tests carry their diff rows; passed tests carry the actual body only when it differs from
/// the expected one, to keep the file small at 10,000 tests.
/// </summary>
public static class HtmlReportWriter
{
    /// <summary>The report's file name inside the run folder.</summary>
    public const string FileName = "report.html";

    /// <summary>Longest body text embedded per side (UTF-8 bytes; longer ones are cut as <see cref="DiffRenderer.Truncate"/> does).</summary>
    public const int MaxBodyBytes = DiffRenderer.MaxValueBytes;

    /// <summary>Writes <c>report.html</c> into the run's folder atomically and returns its path.</summary>
    public static string WriteFile(SavedTestRun run, GlobalNoiseConfig? globalNoise = null, bool ignoreOrdering = true)
    {
        string path = Path.Combine(run.Directory, FileName);
        Storage.KeployYaml.WriteAllTextAtomic(path, Render(run, globalNoise, ignoreOrdering));
        return path;
    }

    /// <summary>The whole HTML page.</summary>
    public static string Render(SavedTestRun run, GlobalNoiseConfig? globalNoise = null, bool ignoreOrdering = true)
    {
        string data = BuildData(run, globalNoise, ignoreOrdering);
        StringBuilder sb = new(data.Length + HtmlReportTemplate.Page.Length + 256);
        string title = "Keploy report " + run.Id;
        sb.Append(HtmlReportTemplate.Page
            .Replace("{{TITLE}}", System.Net.WebUtility.HtmlEncode(title), StringComparison.Ordinal)
            .Replace("{{DATA}}", data, StringComparison.Ordinal));
        return sb.ToString();
    }

    /// <summary>The JSON writer options of the embedded document (Utf8JsonWriter, relaxed escaping; '&lt;' escaped afterwards).</summary>
    internal static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string BuildData(SavedTestRun run, GlobalNoiseConfig? globalNoise, bool ignoreOrdering)
    {
        using MemoryStream stream = new();
        using (Utf8JsonWriter w = new(stream, JsonOptions))
        {
            WriteDataStart(w, run);

            // tests: [setIndex, name, status, ms, method, url, notes]; details in the same order.
            w.WriteStartArray("tests");
            for (int s = 0; s < run.Sets.Count; s++)
            {
                foreach (SavedTest t in run.Sets[s].Tests)
                {
                    WriteRow(w, s, t);
                }
            }

            w.WriteEndArray();

            w.WriteStartArray("details");
            foreach (SavedTest t in run.Tests)
            {
                WriteDetails(w, t, globalNoise, ignoreOrdering);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return EscapeForScript(Encoding.UTF8.GetString(stream.ToArray()));
    }

    /// <summary>Inside <c>&lt;script type="application/json"&gt;</c>: no "&lt;/script" or "&lt;!--" may appear; '&lt;' only occurs inside JSON strings.</summary>
    internal static string EscapeForScript(string json) => json.Replace("<", "\\u003c", StringComparison.Ordinal);

    /// <summary>Writes <c>{"run": {...}, "runs": [...], "sets": [...],</c> (the object is left open for <c>tests</c> and <c>details</c>).</summary>
    internal static void WriteDataStart(Utf8JsonWriter w, SavedTestRun run)
    {
        w.WriteStartObject();
        w.WriteStartObject("run");
        w.WriteString("id", run.Id);
        w.WriteString("dir", run.Directory);
        long created = run.Sets.Count == 0 ? 0 : run.Sets.Max(s => s.CreatedAt);
        w.WriteString("created", created > 0 ? DateTimeOffset.FromUnixTimeSeconds(created).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "");
        w.WriteNumber("ms", Math.Round(run.Duration.TotalMilliseconds, 1));
        if (File.Exists(Path.Combine(run.Directory, Coverage.CoverageReportFiles.HtmlFileName)))
        {
            // The coverage page of this run (Replay/Coverage), and coverage.yaml's total_coverage when written.
            w.WriteString("coverage", Coverage.CoverageReportFiles.HtmlFileName);
            string yaml = Path.Combine(run.Directory, Coverage.CoverageReportFiles.YamlFileName);
            string? total = File.Exists(yaml)
                ? File.ReadLines(yaml).FirstOrDefault(l => l.StartsWith("total_coverage: ", StringComparison.Ordinal))?["total_coverage: ".Length..].Trim()
                : null;
            w.WriteString("coverageTotal", total ?? "");
        }

        w.WriteEndObject();

        w.WriteStartArray("runs");
        string? reports = Path.GetDirectoryName(run.Directory);
        foreach (string dir in reports is null ? new List<string>() : SavedReportReader.ListRuns(reports))
        {
            string id = Path.GetFileName(dir);
            bool self = string.Equals(Path.GetFullPath(dir), Path.GetFullPath(run.Directory), StringComparison.Ordinal);
            if (self || File.Exists(Path.Combine(dir, FileName)))
            {
                w.WriteStartArray();
                w.WriteStringValue(id);
                w.WriteStringValue(self ? "" : "../" + id + "/" + FileName);
                w.WriteEndArray();
            }
        }

        w.WriteEndArray();

        w.WriteStartArray("sets");
        foreach (SavedTestSet set in run.Sets)
        {
            w.WriteStartObject();
            w.WriteString("id", set.TestSetId);
            w.WriteString("status", set.Status);
            if (set.FailureReason is not null)
            {
                w.WriteString("reason", set.FailureReason);
            }

            w.WriteNumber("total", set.Total);
            w.WriteNumber("passed", set.Passed);
            w.WriteNumber("failed", set.Failed);
            w.WriteNumber("ignored", set.Ignored);
            w.WriteNumber("ms", Math.Round(set.Duration.TotalMilliseconds, 1));
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <summary>One row of <c>tests</c>: <c>[setIndex, name, status, ms, method, url, notes]</c>.</summary>
    internal static void WriteRow(Utf8JsonWriter w, int setIndex, SavedTest t)
    {
        w.WriteStartArray();
        w.WriteNumberValue(setIndex);
        w.WriteStringValue(t.TestCaseId);
        w.WriteStringValue(t.Status);
        w.WriteNumberValue(Math.Round(t.Duration.TotalMilliseconds, 1));
        w.WriteStringValue(YamlNodes.GetString(t.Request, "method") ?? "");
        w.WriteStringValue(YamlNodes.GetString(t.Request, "url") ?? "");
        w.WriteNumberValue(t.Notes.Count);
        w.WriteEndArray();
    }

    /// <summary>One entry of <c>details</c> (request, status codes, headers, bodies, noise, mocks) of <paramref name="t"/>.</summary>
    internal static void WriteDetails(Utf8JsonWriter w, SavedTest t, GlobalNoiseConfig? globalNoise, bool ignoreOrdering)
    {
        NoiseRules noise = SavedComparison.Noise(t, globalNoise);
        w.WriteStartObject();

        w.WriteStartObject("req");
        w.WriteString("method", YamlNodes.GetString(t.Request, "method") ?? "");
        w.WriteString("url", YamlNodes.GetString(t.Request, "url") ?? "");
        WriteHeaderMap(w, "header", YamlNodes.GetMapping(t.Request, "header"));
        w.WriteString("body", DiffRenderer.Truncate(YamlNodes.GetString(t.Request, "body") ?? ""));
        w.WriteEndObject();

        w.WriteNumber("es", t.StatusCode.Expected);
        w.WriteNumber("as", t.StatusCode.Actual);

        // headers: [name, expected, actual, kind] with kind f(ailing) n(oise, ignored) s(ame)
        w.WriteStartArray("headers");
        foreach (HeaderResult h in t.Headers)
        {
            string name = h.Expected.Key.Length > 0 ? h.Expected.Key : h.Actual.Key;
            string? actual = h.Actual.Value.Count == 0 ? null : string.Join(", ", h.Actual.Value);
            string kind = !h.Normal ? "f" : noise.MatchHeader(name, actual) != NoiseVerdict.NotNoisy ? "n" : h.Expected.Value.SequenceEqual(h.Actual.Value) ? "s" : "a";
            w.WriteStartArray();
            w.WriteStringValue(name);
            w.WriteStringValue(string.Join(", ", h.Expected.Value));
            if (actual is null)
            {
                w.WriteNullValue();
            }
            else
            {
                w.WriteStringValue(actual);
            }

            w.WriteStringValue(kind);
            w.WriteEndArray();
        }

        w.WriteEndArray();
        WriteHeaderMap(w, "actualHeader", YamlNodes.GetMapping(t.ActualResponse, "header"));

        BodyResult? body = t.Bodies.Count > 0 ? t.Bodies[0] : null;
        string expectedBody = body?.Expected ?? "";
        string actualBody = body?.Actual ?? (YamlNodes.GetString(t.ActualResponse, "body") ?? "");
        w.WriteString("bodyType", body?.Type ?? "");
        w.WriteString("eb", DiffRenderer.Truncate(expectedBody));
        if (!string.Equals(expectedBody, actualBody, StringComparison.Ordinal))
        {
            w.WriteString("ab", DiffRenderer.Truncate(actualBody));
        }

        if (t.Noise.Count > 0)
        {
            w.WriteStartArray("noise");
            foreach (string key in t.Noise.Keys)
            {
                w.WriteStringValue(key);
            }

            w.WriteEndArray();
        }

        if (t.Failed)
        {
            ComparisonResult c = SavedComparison.Rebuild(t, globalNoise, ignoreOrdering);
            w.WriteString("diff", SavedComparison.FailureText(t, globalNoise, ignoreOrdering));
            List<DiffRow>? rows = body is { Normal: false }
                && Encoding.UTF8.GetByteCount(expectedBody) <= MaxBodyBytes * 10 && Encoding.UTF8.GetByteCount(actualBody) <= MaxBodyBytes * 10
                ? SavedComparison.JsonSideBySide(expectedBody, actualBody, SavedComparison.FailingBodyPaths(c), noise)
                : null;
            if (rows is not null)
            {
                // rows: [left, leftKind, right, rightKind]; kinds: s same, f failing, n noise (ignored), a accepted, e empty
                w.WriteStartArray("rows");
                foreach (DiffRow r in rows)
                {
                    w.WriteStartArray();
                    w.WriteStringValue(r.Left);
                    w.WriteStringValue(Kind(r.LeftKind));
                    w.WriteStringValue(r.Right);
                    w.WriteStringValue(Kind(r.RightKind));
                    w.WriteEndArray();
                }

                w.WriteEndArray();
            }
        }

        if (t.MocksUsed.Count > 0)
        {
            w.WriteStartArray("mocks");
            foreach (string m in t.MocksUsed)
            {
                w.WriteStringValue(m);
            }

            w.WriteEndArray();
        }

        if (t.UnmatchedCalls.Count > 0)
        {
            w.WriteStartArray("misses");
            foreach (MockMiss m in t.UnmatchedCalls)
            {
                w.WriteStartObject();
                w.WriteString("kind", m.Kind);
                w.WriteString("summary", DiffRenderer.Truncate(m.Summary));
                w.WriteString("destination", m.Destination);
                w.WriteString("closest", m.ClosestMock ?? "");
                w.WriteString("diff", DiffRenderer.Truncate(m.Diff ?? ""));
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        if (t.Notes.Count > 0)
        {
            w.WriteStartArray("notes");
            foreach (string n in t.Notes)
            {
                w.WriteStringValue(n);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static string Kind(DiffCellKind kind) => kind switch
    {
        DiffCellKind.Failing => "f",
        DiffCellKind.Ignored => "n",
        DiffCellKind.Accepted => "a",
        DiffCellKind.Empty => "e",
        _ => "s",
    };

    private static void WriteHeaderMap(Utf8JsonWriter w, string name, YamlMappingNode? headers)
    {
        w.WriteStartArray(name);
        if (headers is not null)
        {
            foreach (KeyValuePair<YamlNode, YamlNode> pair in headers.Children)
            {
                w.WriteStartArray();
                w.WriteStringValue(((YamlScalarNode)pair.Key).Value ?? "");
                w.WriteStringValue((pair.Value as YamlScalarNode)?.Value ?? "");
                w.WriteEndArray();
            }
        }

        w.WriteEndArray();
    }
}
