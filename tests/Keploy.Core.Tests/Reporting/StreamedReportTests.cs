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
    /// <summary>Entries are written on the writer's thread at most 64 behind: 500 added at once come out complete and in order.</summary>
    [Fact]
    public void A_set_larger_than_the_writers_backlog_equals_the_whole_run_report()
    {
        (string, IReadOnlyList<FakeTest>)[] sets =
        [
            ("test-set-0", Enumerable.Range(1, 500)
                .Select(i => new FakeTest("test-" + i, SavedRunFactory.OrderBody(i), SavedRunFactory.OrderBody(i % 7 == 0 ? i + 1 : i)))
                .ToArray()),
        ];
        string wholeRun = SavedRunFactory.WriteRun(_whole, sets);
        HtmlReportWriter.WriteFile(SavedReportReader.ReadRun(wholeRun));
        string streamedRun = SavedRunFactory.WriteRunStreamed(_streamed, sets);

        Assert.Equal(
            File.ReadAllText(Path.Combine(wholeRun, "test-set-0-report.yaml")).Replace(_whole, "<root>", StringComparison.Ordinal),
            File.ReadAllText(Path.Combine(streamedRun, "test-set-0-report.yaml")).Replace(_streamed, "<root>", StringComparison.Ordinal));
        Assert.Equal(
            File.ReadAllText(Path.Combine(wholeRun, HtmlReportWriter.FileName)).Replace(_whole, "<root>", StringComparison.Ordinal),
            File.ReadAllText(Path.Combine(streamedRun, HtmlReportWriter.FileName)).Replace(_streamed, "<root>", StringComparison.Ordinal));
    }

    /// <summary>An entry that cannot be written (here: the page it also goes to is already closed) fails Complete; no report is left.</summary>
    [Fact]
    public void An_entry_that_cannot_be_written_fails_Complete_and_leaves_no_report()
    {
        Keploy.Core.Storage.TestSetStore store = new(_streamed);
        string runDir = store.CreateNextTestRun();
        HtmlReportStream html = new(runDir, null, false);
        html.Dispose();
        Keploy.Core.Replay.TestSetResult result = new() { TestSetId = "test-set-0", KeepTests = false };
        using (TestReportWriter report = new(runDir, "test-set-0", store.TestSetDirectory("test-set-0"), html))
        {
            Keploy.Core.Replay.TestCaseResult test = new()
            {
                TestCase = new Keploy.Core.Models.TestCase { Kind = "Http", Name = "test-1" },
                TestSetId = "test-set-0",
                Status = Keploy.Core.Replay.TestStatus.Passed,
            };
            report.Add(test);
            result.Add(test);
            result.Status = Keploy.Core.Replay.TestSetStatus.Passed;
            Assert.Throws<ObjectDisposedException>(() => report.Complete(result, DateTimeOffset.UnixEpoch));
        }

        Assert.Empty(Directory.GetFiles(runDir));
    }

    /// <summary>A writer disposed without Complete (the run failed) stops its thread and leaves neither report nor scratch file.</summary>
    [Fact]
    public void A_writer_disposed_without_Complete_leaves_nothing()
    {
        Keploy.Core.Storage.TestSetStore store = new(_streamed);
        string runDir = store.CreateNextTestRun();
        using (TestReportWriter report = new(runDir, "test-set-0", store.TestSetDirectory("test-set-0")))
        {
            for (int i = 0; i < 200; i++)
            {
                report.Add(new Keploy.Core.Replay.TestCaseResult
                {
                    TestCase = new Keploy.Core.Models.TestCase { Kind = "Http", Name = "test-" + i },
                    TestSetId = "test-set-0",
                    Status = Keploy.Core.Replay.TestStatus.Passed,
                });
            }
        }

        Assert.Empty(Directory.GetFiles(runDir));
    }
}
