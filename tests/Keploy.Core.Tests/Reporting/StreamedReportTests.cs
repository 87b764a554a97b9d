using Keploy.Core.Replay.Reporting;

namespace Keploy.Core.Tests.Reporting;

/// <summary>
/// The replay writes test-set-M-report.yaml and report.html entry by entry while the tests run (bounded memory); both must be
/// byte for byte what the whole-run builders write from every result held in memory.
/// </summary>
public sealed class StreamedReportTests : IDisposable
{
    private readonly string _whole = SavedRunFactory.NewRoot();
    private readonly string _streamed = SavedRunFactory.NewRoot();

    public void Dispose()
    {
        Directory.Delete(_whole, recursive: true);
        Directory.Delete(_streamed, recursive: true);
    }

    private static (string, IReadOnlyList<FakeTest>)[] Sets() =>
    [
        ("test-set-0", new[]
        {
            new FakeTest("test-1", SavedRunFactory.OrderBody(10), SavedRunFactory.OrderBody(10)),
            new FakeTest("test-2", SavedRunFactory.OrderBody(10), SavedRunFactory.OrderBody(12, "2026-02-02T00:00:00Z")) { MocksUsed = ["mock-1", "mock-2"] },
            new FakeTest("test-3", "<b>not json</b>", "oops", ActualStatus: 500),
        }),
        ("test-set-1", Array.Empty<FakeTest>()),
        ("test-set-2", new[] { new FakeTest("test-1", SavedRunFactory.OrderBody(1), SavedRunFactory.OrderBody(1)) }),
    ];

    [Fact]
    public void Streamed_reports_equal_the_whole_run_reports_byte_for_byte()
    {
        string wholeRun = SavedRunFactory.WriteRun(_whole, Sets());
        HtmlReportWriter.WriteFile(SavedReportReader.ReadRun(wholeRun));
        string streamedRun = SavedRunFactory.WriteRunStreamed(_streamed, Sets());

        foreach (string set in new[] { "test-set-0", "test-set-1", "test-set-2" })
        {
            string expected = File.ReadAllText(Path.Combine(wholeRun, set + "-report.yaml")).Replace(_whole, "<root>", StringComparison.Ordinal);
            string actual = File.ReadAllText(Path.Combine(streamedRun, set + "-report.yaml")).Replace(_streamed, "<root>", StringComparison.Ordinal);
            Assert.Equal(expected, actual);
        }

        string expectedHtml = File.ReadAllText(Path.Combine(wholeRun, HtmlReportWriter.FileName)).Replace(_whole, "<root>", StringComparison.Ordinal);
        string actualHtml = File.ReadAllText(Path.Combine(streamedRun, HtmlReportWriter.FileName)).Replace(_streamed, "<root>", StringComparison.Ordinal);
        Assert.Contains("\\u003cb>not json", actualHtml, StringComparison.Ordinal);
        Assert.Equal(expectedHtml, actualHtml);

        // Only the reports and the page remain: the temporary entry files are gone.
        Assert.Equal(
            new[] { HtmlReportWriter.FileName, "test-set-0-report.yaml", "test-set-1-report.yaml", "test-set-2-report.yaml" },
            Directory.GetFiles(streamedRun).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void Counts_of_results_not_kept_match_the_kept_ones()
    {
        Keploy.Core.Replay.TestSetResult kept = new() { TestSetId = "s" };
        Keploy.Core.Replay.TestSetResult counted = new() { TestSetId = "s", KeepTests = false };
        foreach ((Keploy.Core.Replay.TestStatus status, string name) in new[] { (Keploy.Core.Replay.TestStatus.Passed, "a"), (Keploy.Core.Replay.TestStatus.Failed, "b"), (Keploy.Core.Replay.TestStatus.Ignored, "c"), (Keploy.Core.Replay.TestStatus.Obsolete, "d") })
        {
            Keploy.Core.Replay.TestCaseResult r = new() { TestCase = new Keploy.Core.Models.TestCase { Kind = "Http", Name = name }, TestSetId = "s", Status = status };
            kept.Tests.Add(r);
            counted.Add(r, ("GET", "/" + name));
        }

        Assert.Empty(counted.Tests);
        Assert.Equal((4, 1, 2, 1, 1, 1), (counted.Total, counted.Passed, counted.Failed, counted.FailedOnly, counted.Obsolete, counted.Ignored));
        Assert.Equal((kept.Total, kept.Passed, kept.Failed, kept.FailedOnly, kept.Obsolete, kept.Ignored), (counted.Total, counted.Passed, counted.Failed, counted.FailedOnly, counted.Obsolete, counted.Ignored));
        Assert.Equal(new[] { "b", "d" }, counted.FailedNames);
        Assert.Equal(kept.FailedNames, counted.FailedNames);
        Assert.Equal(new[] { ("GET", "/a"), ("GET", "/b"), ("GET", "/c"), ("GET", "/d") }, counted.HttpRequests);
        Assert.Equal(SummaryPrinter.FinalLine([kept]), SummaryPrinter.FinalLine([counted]));
    }
}
