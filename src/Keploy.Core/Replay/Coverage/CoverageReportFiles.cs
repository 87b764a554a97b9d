using System.Globalization;
using System.Net;
using System.Text;
using Keploy.Core.Replay.Reporting;
using Keploy.Core.Storage;

namespace Keploy.Core.Replay.Coverage;

/// <summary>
/// Writes a run's coverage files into <c>keploy/reports/test-run-N/</c>, each atomically: Keploy's <c>coverage.yaml</c>
/// (<see cref="CoverageReportBuilder"/>), the Cobertura XML coverlet wrote (<c>coverage.cobertura.xml</c>, for CI publishers and
/// ReportGenerator) and <c>coverage.html</c> (self-contained: totals, per-file line/branch/method coverage, each source file with
/// its hit counts, and the API schema operations). Also the summary line <c>Coverage: 87.0% (statement), 91.0% (API schema)</c>.
/// </summary>
public static class CoverageReportFiles
{
    /// <summary>Keploy's coverage file name.</summary>
    public const string YamlFileName = "coverage.yaml";

    /// <summary>The Cobertura file name.</summary>
    public const string CoberturaFileName = "coverage.cobertura.xml";

    /// <summary>The HTML page's file name (linked from <c>report.html</c>).</summary>
    public const string HtmlFileName = "coverage.html";

    /// <summary>Longest source file shown with its hit counts in the HTML page (bytes); longer ones get the figures only.</summary>
    public const long MaxSourceBytes = 1024 * 1024;

    /// <summary>Writes the files for whichever of <paramref name="code"/> and <paramref name="api"/> is known; returns their paths.</summary>
    /// <param name="runDirectory">The run's report folder.</param>
    /// <param name="code">The app's code coverage, or null.</param>
    /// <param name="coberturaPath">The Cobertura file <paramref name="code"/> was read from (copied), or null.</param>
    /// <param name="api">API schema coverage, or null.</param>
    public static IReadOnlyList<string> Write(string runDirectory, CoberturaReport? code, string? coberturaPath, ApiSchemaCoverageResult? api)
    {
        List<string> written = new();
        if (code is not null)
        {
            string yaml = Path.Combine(runDirectory, YamlFileName);
            KeployYaml.WriteAllTextAtomic(yaml, ReportYaml.ToYaml(CoverageReportBuilder.Build(
                code.Files.Values.Select(f => new KeyValuePair<string, double>(f.Path, f.LinePercent)), code.LinePercent, code.LinesValid, code.LinesCovered)));
            written.Add(yaml);
            if (coberturaPath is not null)
            {
                string cobertura = Path.Combine(runDirectory, CoberturaFileName);
                KeployYaml.WriteAllTextAtomic(cobertura, File.ReadAllText(coberturaPath));
                written.Add(cobertura);
            }
        }

        if (code is not null || api is not null)
        {
            string html = Path.Combine(runDirectory, HtmlFileName);
            KeployYaml.WriteAllTextAtomic(html, RenderHtml(Path.GetFileName(runDirectory), code, api));
            written.Add(html);
        }

        return written;
    }

    /// <summary>
    /// <c>Coverage: 43.0% (statement), 66.7% (API schema)</c> (seed 000's line), either part alone when the other is unknown; null
    /// when both are.
    /// </summary>
    public static string? SummaryLine(CoberturaReport? code, ApiSchemaCoverageResult? api)
    {
        List<string> parts = new();
        if (code is not null)
        {
            parts.Add(Pct(code.LinePercent) + " (statement)");
        }

        if (api is not null)
        {
            parts.Add(Pct(api.Percent) + " (API schema)");
        }

        return parts.Count == 0 ? null : "Coverage: " + string.Join(", ", parts);
    }

    /// <summary>The lines under the summary line: branch and method figures, the API operations no test exercised.</summary>
    public static IReadOnlyList<string> DetailLines(CoberturaReport? code, ApiSchemaCoverageResult? api)
    {
        List<string> lines = new();
        if (code is not null)
        {
            lines.Add($"\tstatements {Inv(code.LinesCovered)}/{Inv(code.LinesValid)}, branches {Inv(code.BranchesCovered)}/{Inv(code.BranchesValid)} ({Pct(code.BranchPercent)}), methods {Inv(code.MethodsCovered)}/{Inv(code.MethodsValid)} ({Pct(code.MethodPercent)}) in {Inv(code.Files.Count)} files");
        }

        if (api is not null)
        {
            lines.Add($"\tAPI schema: {Inv(api.Tested)} of {Inv(api.Operations.Count)} operations tested ({api.Source})");
            if (api.Untested.Count > 0)
            {
                lines.Add("\tuntested operations: " + string.Join(", ", api.Untested));
            }
        }

        return lines;
    }

    /// <summary><c>43.0%</c>: one decimal, invariant culture.</summary>
    public static string Pct(double value) => value.ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static string Inv(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string RenderHtml(string runId, CoberturaReport? code, ApiSchemaCoverageResult? api)
    {
        StringBuilder sb = new();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Keploy coverage ").Append(H(runId)).Append("</title>\n<style>\n")
            .Append("body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}")
            .Append("th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}td.n{text-align:right}.bar{display:block;height:100%;background:#4caf50}")
            .Append(".bg{display:inline-block;width:6em;height:.7em;background:#e57373;vertical-align:middle}pre{margin:0;font:12px/1.35 monospace}")
            .Append(".hit{background:#e8f5e9}.miss{background:#ffebee}.part{background:#fff8e1}.ln,.hc{display:inline-block;width:4em;color:#888;text-align:right;margin-right:.8em}")
            .Append("summary{cursor:pointer;margin:.3em 0}.untested{color:#c62828}.tested{color:#2e7d32}\n</style></head><body>\n")
            .Append("<h1>Coverage of ").Append(H(runId)).Append("</h1>\n<p><a href=\"report.html\">Test report</a></p>\n");
        if (code is not null)
        {
            sb.Append("<h2>Code</h2>\n<table><tr><th></th><th>Covered</th><th>Total</th><th>Percent</th></tr>\n");
            Row(sb, "Statements (lines)", code.LinesCovered, code.LinesValid, code.LinePercent);
            Row(sb, "Branches", code.BranchesCovered, code.BranchesValid, code.BranchPercent);
            Row(sb, "Methods", code.MethodsCovered, code.MethodsValid, code.MethodPercent);
            sb.Append("</table>\n<table id=\"files\"><tr><th>File</th><th>Lines</th><th>Branches</th><th>Methods</th></tr>\n");
            foreach (CoverageFile f in code.Files.Values)
            {
                int bc = f.Branches.Values.Sum(b => b.Covered), bt = f.Branches.Values.Sum(b => b.Total);
                int mc = f.Methods.Values.Count(c => c), mt = f.Methods.Count;
                sb.Append("<tr><td><a href=\"#f").Append(H(Anchor(f.Path))).Append("\">").Append(H(f.Path)).Append("</a></td>")
                    .Append("<td class=\"n\">").Append(Bar(f.LinePercent)).Append(' ').Append(Pct(f.LinePercent)).Append(" (").Append(Inv(f.LinesCovered)).Append('/').Append(Inv(f.LinesValid)).Append(")</td>")
                    .Append("<td class=\"n\">").Append(Pct(CoberturaReport.Percent(bc, bt))).Append(" (").Append(Inv(bc)).Append('/').Append(Inv(bt)).Append(")</td>")
                    .Append("<td class=\"n\">").Append(Pct(CoberturaReport.Percent(mc, mt))).Append(" (").Append(Inv(mc)).Append('/').Append(Inv(mt)).Append(")</td></tr>\n");
            }

            sb.Append("</table>\n<h2>Sources</h2>\n");
            foreach (CoverageFile f in code.Files.Values)
            {
                sb.Append("<details id=\"f").Append(H(Anchor(f.Path))).Append("\"><summary>").Append(H(f.Path)).Append(" — ").Append(Pct(f.LinePercent)).Append("</summary>\n");
                AppendSource(sb, f);
                sb.Append("</details>\n");
            }
        }

        if (api is not null)
        {
            sb.Append("<h2>API schema</h2>\n<p>").Append(Inv(api.Tested)).Append(" of ").Append(Inv(api.Operations.Count)).Append(" operations tested (")
                .Append(Pct(api.Percent)).Append("), document: ").Append(H(api.Source)).Append("</p>\n<table id=\"operations\"><tr><th>Method</th><th>Path</th><th>Tests</th></tr>\n");
            foreach ((ApiOperation op, int tests) in api.Operations)
            {
                sb.Append("<tr class=\"").Append(tests > 0 ? "tested" : "untested").Append("\"><td>").Append(H(op.Method)).Append("</td><td>").Append(H(op.Path))
                    .Append("</td><td class=\"n\">").Append(tests > 0 ? Inv(tests) : "untested").Append("</td></tr>\n");
            }

            sb.Append("</table>\n");
        }

        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    private static void AppendSource(StringBuilder sb, CoverageFile f)
    {
        string[] lines;
        try
        {
            FileInfo info = new(f.Path);
            if (!info.Exists || info.Length > MaxSourceBytes)
            {
                sb.Append("<p>").Append(info.Exists ? "source too large to show" : "source not found").Append("</p>\n");
                return;
            }

            lines = File.ReadAllLines(f.Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            sb.Append("<p>source unreadable: ").Append(H(e.Message)).Append("</p>\n");
            return;
        }

        sb.Append("<pre>");
        for (int i = 0; i < lines.Length; i++)
        {
            int n = i + 1;
            string cls = "";
            string hits = "";
            if (f.Lines.TryGetValue(n, out long h))
            {
                cls = h == 0 ? "miss" : f.Branches.TryGetValue(n, out var b) && b.Covered < b.Total ? "part" : "hit";
                hits = h.ToString(CultureInfo.InvariantCulture) + "×";
            }

            sb.Append("<span class=\"").Append(cls).Append("\"><span class=\"ln\">").Append(Inv(n)).Append("</span><span class=\"hc\">").Append(hits)
                .Append("</span>").Append(H(lines[i])).Append("</span>\n");
        }

        sb.Append("</pre>\n");
    }

    private static void Row(StringBuilder sb, string name, int covered, int total, double percent) =>
        sb.Append("<tr><td>").Append(name).Append("</td><td class=\"n\">").Append(Inv(covered)).Append("</td><td class=\"n\">").Append(Inv(total))
            .Append("</td><td class=\"n\">").Append(Bar(percent)).Append(' ').Append(Pct(percent)).Append("</td></tr>\n");

    private static string Bar(double percent) =>
        "<span class=\"bg\"><span class=\"bar\" style=\"width:" + percent.ToString("0.#", CultureInfo.InvariantCulture) + "%\"></span></span>";

    private static string Anchor(string path) => Convert.ToHexString(System.Security.Cryptography.SHA1.HashData(Encoding.UTF8.GetBytes(path)))[..12];

    private static string H(string text) => WebUtility.HtmlEncode(text);
}
