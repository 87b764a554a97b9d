using System.Diagnostics;
using System.Xml;
using Keploy.Core.Replay;
using Keploy.Core.Replay.Reporting;

namespace Keploy.Core.Tests.Reporting;

/// <summary>
/// <c>dotnet keploy report</c> and <c>dotnet keploy diff</c> run as the real tool (the built dotnet-keploy.dll) on runs saved by
/// the real report writer.
/// </summary>
public sealed class ReportCommandTests : IDisposable
{
    private readonly string _root = SavedRunFactory.NewRoot();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>test-run-0: test-1 fails (total), test-2 passes, test-3 passes. test-run-1: test-1 fixed, test-2 regressed (status 500).</summary>
    private (string Run1, string Run2) TwoRuns()
    {
        string run1 = SavedRunFactory.WriteRun(
            _root,
            ("test-set-0", [
                new FakeTest("test-1", SavedRunFactory.OrderBody(99.99m), SavedRunFactory.OrderBody(73.50m)),
                new FakeTest("test-2", SavedRunFactory.OrderBody(5m), SavedRunFactory.OrderBody(5m)) { MocksUsed = ["mock-0", "mock-1"] },
            ]),
            ("test-set-1", [new FakeTest("test-3", "{\"ok\":true}", "{\"ok\":true}")]));
        string run2 = SavedRunFactory.WriteRun(
            _root,
            ("test-set-0", [
                new FakeTest("test-1", SavedRunFactory.OrderBody(99.99m), SavedRunFactory.OrderBody(99.99m)),
                new FakeTest("test-2", SavedRunFactory.OrderBody(5m), "{\"error\":\"boom\"}", ActualStatus: 500),
            ]),
            ("test-set-1", [new FakeTest("test-3", "{\"ok\":true}", "{\"ok\":true}")]));
        return (run1, run2);
    }

    [Fact]
    public void ReportPrintsTheLatestRunByDefaultWithFailedTestCases()
    {
        TwoRuns();
        (int code, string output) = Tool("report", "-p", _root, "--disable-ansi");
        Assert.Equal(0, code);
        Assert.Contains("Report test-run-1", output, StringComparison.Ordinal);
        Assert.Contains("Testrun failed for testcase with id: \"test-2\"", output, StringComparison.Ordinal);
        Assert.Contains("| 200", output, StringComparison.Ordinal);
        Assert.Contains("| 500", output, StringComparison.Ordinal);
        Assert.Contains("COMPLETE TESTRUN SUMMARY.", output, StringComparison.Ordinal);
        Assert.Contains("FAILED TEST CASES:\n\ttest-set-0/test-2\n", output, StringComparison.Ordinal);
        Assert.EndsWith("2 passed, 1 failed\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportFlagsSelectRunSetsTestCasesSummaryAndFull()
    {
        TwoRuns();
        (int code, string output) = Tool("report", "-p", _root, "-r", "test-run-0", "--summary");
        Assert.Equal(0, code);
        Assert.Contains("Report test-run-0", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Testrun failed", output, StringComparison.Ordinal);
        Assert.Contains("\ttest-set-0\t\t2\t\t1\t\t1\t\t", output, StringComparison.Ordinal);

        (code, output) = Tool("report", "-p", _root, "-r", "0", "-t", "test-set-0", "--tc", "test-2", "--full");
        Assert.Equal(0, code);
        Assert.Contains("test-set-0/test-2: PASSED", output, StringComparison.Ordinal);
        Assert.Contains("mocks used: mock-0, mock-1", output, StringComparison.Ordinal);
        Assert.Contains("expected body: {\"id\":1,\"total\":5", output, StringComparison.Ordinal);
        Assert.DoesNotContain("test-set-1", output, StringComparison.Ordinal);
        Assert.DoesNotContain("test-1", output, StringComparison.Ordinal);

        string reportFile = Path.Combine(_root, "keploy", "reports", "test-run-0", "test-set-1-report.yaml");
        (code, output) = Tool("report", "-p", _root, "--report-path", reportFile);
        Assert.Equal(0, code);
        Assert.EndsWith("1 passed, 0 failed\n", output, StringComparison.Ordinal);

        (code, output) = Tool("report", "-p", _root, "-t", "test-set-9");
        Assert.Equal(1, code);
        Assert.Contains("no report for test-set test-set-9", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal); // one line, no stack trace
    }

    [Fact]
    public void ReportFormatJunitAndHtml()
    {
        TwoRuns();
        (int code, string output) = Tool("report", "-p", _root, "--format", "junit");
        Assert.Equal(0, code);
        XmlDocument doc = new();
        doc.LoadXml(output.Trim());
        Assert.Equal(3, doc.SelectNodes("//testcase")!.Count);
        Assert.Contains("Expect status", ((XmlElement)doc.SelectSingleNode("//testcase[@name='test-2']/failure")!).GetAttribute("message"), StringComparison.Ordinal);

        string html = Path.Combine(_root, "keploy", "reports", "test-run-0", HtmlReportWriter.FileName);
        (code, output) = Tool("report", "-p", _root, "-r", "test-run-0", "--format", "html");
        Assert.Equal(0, code);
        Assert.Contains(html, output, StringComparison.Ordinal);
        string page = File.ReadAllText(html);
        Assert.Contains("\"test-1\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", page.Replace("http://127.0.0.1:5100", "", StringComparison.Ordinal), StringComparison.Ordinal); // self-contained
        Assert.DoesNotContain("<script src", page, StringComparison.Ordinal);

        (code, output) = Tool("report", "-p", _root, "--format", "pdf");
        Assert.Equal(1, code);
        Assert.Contains("--format: 'pdf' is not a report format", output, StringComparison.Ordinal);
    }

    [Fact]
    public void DiffListsRegressionsAndFixes()
    {
        TwoRuns();
        (int code, string output) = Tool("diff", "test-run-0", "test-run-1", "-p", _root);
        Assert.Equal(1, code); // a regression
        Assert.Contains("Comparing test-run-0 -> test-run-1", output, StringComparison.Ordinal);
        Assert.Contains("Regressions (1):\n    test-set-0/test-2: PASSED -> FAILED\n", output, StringComparison.Ordinal);
        Assert.Contains("Fixed (1):\n    test-set-0/test-1: FAILED -> PASSED\n", output, StringComparison.Ordinal);
        Assert.Contains("1 regressed, 1 fixed, 1 unchanged", output, StringComparison.Ordinal);

        (code, output) = Tool("diff", "1", "0", "-p", _root, "-t", "test-set-1");
        Assert.Equal(0, code);
        Assert.Contains("0 regressed, 0 fixed, 1 unchanged", output, StringComparison.Ordinal);

        (code, output) = Tool("diff", "test-run-0", "test-run-7", "-p", _root);
        Assert.Equal(1, code);
        Assert.Contains("no test run or report named test-run-7", output, StringComparison.Ordinal);
    }

    [Fact]
    public void SavedRunsReadBackWithMocksNotesAndTimes()
    {
        (string run1, _) = TwoRuns();
        string report = Path.Combine(run1, "test-set-0-report.yaml");
        // A note in the shape the matcher writes for calls that matched with differences (failure_info.matched_calls[].notes).
        File.WriteAllText(report, File.ReadAllText(report).Replace(
            "        matched_calls:\n            - mock_name: mock-0\n",
            "        matched_calls:\n            - mock_name: mock-0\n              notes:\n                - \"header.X-Trace differs (ignored)\"\n",
            StringComparison.Ordinal));
        SavedTestRun run = SavedReportReader.ReadRun(run1);
        Assert.Equal(["test-set-0", "test-set-1"], run.Sets.Select(s => s.TestSetId));
        SavedTest passed = run.Sets[0].Tests[1];
        Assert.Equal(["mock-0", "mock-1"], passed.MocksUsed);
        Assert.Equal(["mock-0: header.X-Trace differs (ignored)"], passed.Notes);
        Assert.Equal(TimeSpan.FromMilliseconds(12.5), passed.Duration);
        Assert.Equal(TimeSpan.FromMilliseconds(1254), run.Sets[0].Duration);
        Assert.Equal(TimeSpan.FromSeconds(123.5), SavedReportReader.ParseGoDuration("2m3.5s"));
        Assert.Equal(TimeSpan.FromTicks(15), SavedReportReader.ParseGoDuration("1.5µs"));

        TestRunDiff diff = TestRunDiff.Compare(run, run);
        Assert.Empty(diff.Regressed);
        Assert.Equal(3, diff.Unchanged);
    }

    private static (int Code, string Output) Tool(params string[] args)
    {
        ProcessStartInfo psi = new("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(ToolPath());
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["NO_COLOR"] = "1";
        using Process p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet-keploy " + string.Join(' ', args) + " did not finish in 120 s");
        }

        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>The built tool beside this test assembly's configuration (src/Keploy.Tool/bin/&lt;Configuration&gt;/&lt;tfm&gt;/dotnet-keploy.dll).</summary>
    private static string ToolPath()
    {
        DirectoryInfo baseDir = new(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string path = Path.Combine(TestPaths.RepoRoot, "src", "Keploy.Tool", "bin", baseDir.Parent!.Name, baseDir.Name, "dotnet-keploy.dll");
        Assert.True(File.Exists(path), $"{path} not built");
        return path;
    }
}
