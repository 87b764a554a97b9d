using System.CommandLine;
using Keploy.Core.Capture;
using Keploy.Core.Models;
using Keploy.Core.Replay;
using Keploy.Core.Replay.Coverage;
using Keploy.Core.Replay.Reporting;

namespace Keploy.Tool;

/// <summary><c>dotnet keploy test -c CMD</c>: replay every selected test-set, print diffs and Keploy's summaries, exit 1 unless all pass.</summary>
internal static class TestCommand
{
    public static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        Settings settings = Settings.Resolve(parse, isTest: true);
        ToolConsole console = settings.Console;
        if (string.IsNullOrWhiteSpace(settings.Command))
        {
            // Without the app nothing would answer the replayed requests (and no mock would be served): say so instead.
            console.Error("test needs the app command: dotnet keploy test -c \"<command that starts your app>\" (or command: in keploy.yml)");
            return (int)ExitCode.Failure;
        }

        string? problem = CapturePrerequisites.FindProblem();
        if (problem is not null)
        {
            console.Error(problem);
            return (int)ExitCode.Failure;
        }

        if (settings.FreezeTime && settings.Command is not null && FrozenClock.FindLibrary() is null)
        {
            console.Error(FrozenClock.MissingLibraryMessage());
            return (int)ExitCode.Failure;
        }

        if (settings.FreezeTime && settings.Command is null)
        {
            console.Warn("--freeze-time needs the app started by keploy (-c/--command); the running app's clock is left alone");
        }

        string? reportFormat = parse.GetValue(CommandLineOptions.ReportFormat);
        if (ReportCommand.CheckReportFormat(reportFormat) is string badFormat)
        {
            console.Error(badFormat);
            return (int)ExitCode.Failure;
        }

        ReplayOptions options = settings.ToReplayOptions();
        options.KeepTestResults = false; // printed and reported as they complete, then counted: memory stays flat with the set's size
        options.HtmlReport = true; // report.html written as the tests run too (completed below, after coverage)
        using ShutdownSignals stop = new(cancellationToken);
        System.Diagnostics.Stopwatch total = System.Diagnostics.Stopwatch.StartNew();

        // Coverage: a copy of the .NET app is instrumented and started instead of the original; the OpenAPI document is read now or
        // fetched from the app before it stops. Either failing is a warning: the replay's verdict stands on its own.
        AppCoverageRun coverage;
        try
        {
            coverage = await AppCoverageRun.StartAsync(
                new AppCoverageOptions
                {
                    Command = settings.Command!,
                    WorkingDirectory = options.WorkingDirectory ?? System.IO.Path.GetFullPath(options.Path),
                    SkipCoverage = settings.SkipCoverage,
                    Filter = new CoverageFilter { Include = settings.CoverageInclude, Exclude = settings.CoverageExclude },
                    OpenApiPath = settings.OpenApiPath,
                },
                console.Warn,
                stop.Token).ConfigureAwait(false);
        }
        catch (CoverageException ex)
        {
            console.Error(ex.Message);
            return (int)ExitCode.Failure;
        }

        await using AppCoverageRun coverageRun = coverage;
        if (coverage.CollectsCode)
        {
            console.Info($"coverage: the app runs from an instrumented copy: {coverage.AppCommand}");
        }

        options.AppCommand = coverage.AppCommand;
        options.BeforeAppStop = coverage.BeforeAppStop;
        ReplayRunner runner = new(options);
        ConsoleObserver observer = new(console);
        TestRunResult run = await runner.RunAsync(settings.TestSets, observer, stop.Token).ConfigureAwait(false);
        using Keploy.Core.Replay.Reporting.HtmlReportStream? htmlReport = run.HtmlReport;
        IReadOnlyList<string> coverageLines = await coverage.FinishAsync(run).ConfigureAwait(false);
        foreach (TestSetResult set in run.Sets)
        {
            if (set.Error is not null)
            {
                console.Error($"{set.TestSetId}: {set.Status}: {set.Error}");
            }

            console.Raw(SummaryPrinter.TestSetSummary(set, console.Ansi));
        }

        console.Info($"reports written to {run.ReportDirectory}");
        console.Raw(SummaryPrinter.CompleteSummary(run.Sets, total.Elapsed, console.Ansi));
        foreach (string line in coverageLines)
        {
            console.Raw(line);
        }

        if (run.Sets.Count > 0)
        {
            try
            {
                // Without JUnit the saved reports are not read back: the page was written as the tests ran.
                string html = htmlReport is not null && !ReportCommand.WantsJUnit(reportFormat)
                    ? htmlReport.Complete()
                    : ReportCommand.WriteRunReports(run.ReportDirectory, reportFormat, settings.GlobalNoise, settings.IgnoreOrdering, console);
                console.Info($"HTML report: {html}");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Keploy.Core.Models.KeployFormatException)
            {
                // The run's verdict stands; only the extra report files are missing. `dotnet keploy report --format html` can retry.
                console.Error($"could not write the HTML/JUnit report of {run.ReportDirectory}: {Program.OneLine(ex)}");
            }
        }
        return run.Passed ? (int)ExitCode.Success : (int)ExitCode.Failure;
    }

    /// <summary>Prints a progress line per test and the diff of each failure as it happens.</summary>
    private sealed class ConsoleObserver : IReplayObserver
    {
        private readonly ToolConsole _console;
        private int _index;

        public ConsoleObserver(ToolConsole console)
        {
            _console = console;
        }

        public void TestStarted(string testSetId, TestCase testCase)
        {
            _index++;
            _console.Info($"starting test for {{\"test case\": \"{testCase.Name}\", \"test set\": \"{testSetId}\"}}");
        }

        public void TestCompleted(TestCaseResult result)
        {
            string name = result.TestCase.Name;
            if (result.Status == TestStatus.Passed)
            {
                _console.Raw(_console.Green($"Testrun passed for testcase with id: \"{name}\""));
            }
            else if (result.Status == TestStatus.Ignored)
            {
                _console.Warn($"{name}: {result.FailureMessage}");
            }
            else
            {
                // The failure message already starts with Keploy's "Testrun failed for testcase with id" header when a response was compared.
                string message = result.FailureMessage ?? "";
                if (!message.StartsWith("Testrun failed", StringComparison.Ordinal))
                {
                    _console.Raw(_console.Red($"Testrun failed for testcase with id: \"{name}\""));
                }

                if (message.Length > 0)
                {
                    _console.Raw(message);
                }
            }

            foreach (string note in result.MockNotes)
            {
                _console.Warn($"{name}: {note}");
            }

            _console.Raw("--------------------------------------------------------------------");
            _console.Info($"result {{\"testcase id\": \"{name}\", \"testset id\": \"{result.TestSetId}\", \"passed\": \"{(result.Status == TestStatus.Passed).ToString().ToLowerInvariant()}\", \"time\": \"{result.Duration.TotalMilliseconds:0} ms\", \"progress\": \"{_index}\"}}");
        }

        public void Message(string line) => _console.Info(line);

        public void Warning(string line) => _console.Warn(line);

        public void Debug(string line) => _console.DebugLine(line);
    }
}
