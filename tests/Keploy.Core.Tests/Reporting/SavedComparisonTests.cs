using Keploy.Core.Replay.Comparison;
using Keploy.Core.Replay.Reporting;

namespace Keploy.Core.Tests.Reporting;

public class SavedComparisonTests
{
    [Fact]
    public void SideBySideMarksFailingNoiseAndAcceptedLines()
    {
        string expected = "{\"total\":10,\"at\":\"2026-01-01\",\"tags\":[\"a\",\"b\"]}";
        string actual = "{\"total\":12,\"at\":\"2026-12-02\",\"tags\":[\"b\",\"a\"]}";
        NoiseRules noise = NoiseRules.Create(new Dictionary<string, List<string>> { ["body.at"] = new() });

        List<DiffRow> rows = SavedComparison.JsonSideBySide(expected, actual, ["$.total"], noise)!;

        DiffRow total = rows.Single(r => r.Left.Contains("\"total\"", StringComparison.Ordinal));
        Assert.Equal(("  \"total\": 10,", DiffCellKind.Failing, "  \"total\": 12,", DiffCellKind.Failing), (total.Left, total.LeftKind, total.Right, total.RightKind));
        DiffRow at = rows.Single(r => r.Left.Contains("\"at\"", StringComparison.Ordinal));
        Assert.Equal((DiffCellKind.Ignored, DiffCellKind.Ignored), (at.LeftKind, at.RightKind));
        // The reordered array differs line by line but is no failure while ordering is ignored.
        Assert.Contains(rows, r => r.LeftKind == DiffCellKind.Accepted || r.RightKind == DiffCellKind.Accepted);
        Assert.DoesNotContain(rows, r => r.Left.Contains("\"a\"", StringComparison.Ordinal) && r.LeftKind == DiffCellKind.Failing);
        Assert.Equal(DiffCellKind.Same, rows[0].LeftKind); // "{"

        Assert.Null(SavedComparison.JsonSideBySide("not json", actual, [], noise));
    }

    [Fact]
    public void RebuiltDiffKeepsOnlySectionsTheRunMarkedFailing()
    {
        string root = SavedRunFactory.NewRoot();
        try
        {
            string runDir = SavedRunFactory.WriteRun(root, ("test-set-0", [
                new FakeTest("test-1", SavedRunFactory.OrderBody(99.99m), SavedRunFactory.OrderBody(73.50m, "2026-12-02T10:00:00Z")),
            ]));
            SavedTest test = SavedReportReader.ReadRun(runDir).Sets[0].Tests[0];
            ComparisonResult c = SavedComparison.Rebuild(test);
            Assert.Equal(["$.total"], c.Differences.Select(d => d.Path));
            Assert.True(c.StatusCode.Normal);
            Assert.Contains(c.HeadersResult, h => h.Expected.Key == "Date" && h.Normal); // auto noise: passed at replay, not shown

            string text = SavedComparison.FailureText(test);
            Assert.Contains("| $.total: 99.99 | $.total: 73.50 |", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Date", text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
