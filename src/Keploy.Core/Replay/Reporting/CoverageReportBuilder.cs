using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Replay.Reporting;

/// <summary>
/// Builds <c>keploy/reports/test-run-N/coverage.yaml</c> (Keploy <c>models.TestCoverage</c>; keploy/samples-typescript
/// <c>node-jwt</c>): <c>file_coverage: {&lt;abs file&gt;: 87.10%}</c> sorted by path, <c>total_coverage: 67.48%</c>, and v3's
/// <c>loc: {total, covered}</c> when line counts are given. Percentages have two decimals.
/// </summary>
public static class CoverageReportBuilder
{
    /// <summary>Builds the mapping.</summary>
    /// <param name="fileCoverage">Absolute source file path to line coverage in percent (0–100).</param>
    /// <param name="totalCoverage">Total line coverage in percent.</param>
    /// <param name="totalLines">Coverable lines, or null to leave <c>loc</c> out.</param>
    /// <param name="coveredLines">Covered lines (with <paramref name="totalLines"/>).</param>
    public static YamlMappingNode Build(IEnumerable<KeyValuePair<string, double>> fileCoverage, double totalCoverage, long? totalLines = null, long? coveredLines = null)
    {
        YamlMappingNode files = new();
        foreach (KeyValuePair<string, double> f in fileCoverage.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            files.Add(ReportYaml.Str(f.Key), Percent(f.Value));
        }

        YamlMappingNode root = new();
        root.Add("file_coverage", files);
        root.Add("total_coverage", Percent(totalCoverage));
        if (totalLines is not null)
        {
            YamlMappingNode loc = new();
            loc.Add("total", ReportYaml.Int(totalLines.Value));
            loc.Add("covered", ReportYaml.Int(coveredLines ?? 0));
            root.Add("loc", loc);
        }

        return root;
    }

    /// <summary><c>87.10%</c>.</summary>
    public static string FormatPercent(double value) => value.ToString("0.00", CultureInfo.InvariantCulture) + "%";

    private static YamlScalarNode Percent(double value) => new(FormatPercent(value));
}
