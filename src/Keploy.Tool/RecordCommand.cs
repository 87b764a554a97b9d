using System.CommandLine;
using Keploy.Core.Capture;
using Keploy.Core.Diagnostics;
using Keploy.Core.Proxy;
using Keploy.Core.Record;

namespace Keploy.Tool;

/// <summary><c>dotnet keploy record -c CMD</c>.</summary>
internal static class RecordCommand
{
    public static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        Settings settings = Settings.Resolve(parse, isTest: false);
        ToolConsole console = settings.Console;
        if (string.IsNullOrWhiteSpace(settings.Command))
        {
            console.Error("record needs the app command: dotnet keploy record -c \"<command that starts your app>\"");
            return (int)ExitCode.Failure;
        }

        string? problem = CapturePrerequisites.FindProblem();
        if (problem is not null)
        {
            console.Error(problem);
            return (int)ExitCode.Failure;
        }

        RecordOptions options = new()
        {
            Path = settings.Path,
            AppCommand = settings.Command!,
            ProxyPort = settings.ProxyPort,
            DnsPort = settings.DnsPort,
            PassThroughPorts = settings.PassThroughPorts,
            NotRecordedPorts = settings.NotRecordedPorts,
            RecordTimer = settings.RecordTimer,
            Sanitize = !parse.GetValue(CommandLineOptions.NoSanitize),
            IngressCapture = !parse.GetValue(CommandLineOptions.IngressProxy),
            Debug = console.Debug ? console.DebugLine : null,
        };

        if (settings.IgnoredRecordFilters > 0)
        {
            console.Warn($"keploy.yml record.filters: {settings.IgnoredRecordFilters} rule(s) not applied (only rules with just a port and the exclude policy are); their requests are recorded");
        }

        using ShutdownSignals stop = new(cancellationToken);

        RecordSession session = new(options, ProtocolRegistry.All(settings.MySqlPorts), line => console.Info(line));
        // Keploy's line per test case, at most ThrottledLines.LinesPerWindow a second: under load the rest of a second's are one line.
        using ThrottledLines capturedLines = new(
            console.Info,
            (count, last) => $"🟠 Keploy has captured {ThrottledLines.Count(count)} more test case(s) in that second, not listed one by one (at most {ThrottledLines.LinesPerWindow} lines a second); the last: {last}");
        session.TestCaseRecorded += (testCase, summary) => capturedLines.Add(
            () => $"🟠 Keploy has captured test cases for the user's application. {{\"path\": \"{testCase.FilePath}\", \"testcase name\": \"{testCase.Name}\"}} {summary}",
            testCase.Name);

        console.Info($"recording: {settings.Command} (proxy on port {settings.ProxyPort}; press Ctrl+C to stop)");
        RecordSummary summary;
        try
        {
            summary = await session.RunAsync(stop.Token).ConfigureAwait(false);
        }
        catch (CaptureException ex)
        {
            console.Error(ex.Message);
            return (int)ExitCode.Failure;
        }

        capturedLines.Flush(); // the last second's summary before the totals
        if (summary.Discarded)
        {
            console.Error($"the app exited with code {summary.AppExitCode} before anything was recorded; no test-set was kept (check the app's output above)");
            return (int)ExitCode.Failure;
        }

        console.Info($"recorded {summary.TestCases} test case(s) and {summary.Mocks} mock(s) in keploy/{summary.TestSetId}");
        if (summary.AppExitCode is int code and not 0)
        {
            console.Error($"the app exited on its own with code {code}");
            return (int)ExitCode.Failure;
        }

        return (int)ExitCode.Success;
    }
}
