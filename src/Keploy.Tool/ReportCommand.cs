using System.CommandLine;
using Keploy.Core.Config;
using Keploy.Core.Replay.Reporting;

namespace Keploy.Tool;

/// <summary>
/// <c>dotnet keploy report</c> (print a saved run: text, JUnit XML or the HTML report) and <c>dotnet keploy diff &lt;run1&gt; &lt;run2&gt;</c>
/// (regressions and fixes between two runs), Keploy's <c>cli/report.go</c> and <c>cli/diff.go</c>. Both read only the saved report
/// YAML under <c>&lt;path&gt;/keploy/reports</c>, and keploy.yml (beside <c>--config-path</c>) for global noise and ordering.
/// </summary>
internal static class ReportCommand
{
    private static readonly Argument<string> Run1 = new("run1") { Description = "The earlier run (test-run-N, N, or a folder)." };

    private static readonly Argument<string> Run2 = new("run2") { Description = "The later run." };

    public static Command BuildReport()
    {
        Command report = new("report", "Print a saved test run (the latest by default) as text, JUnit XML or HTML.");
        foreach (Option option in new Option[]
                 {
                     CommandLineOptions.Path, CommandLineOptions.ConfigPath, CommandLineOptions.TestSets, CommandLineOptions.ReportPath,
                     CommandLineOptions.Summary, CommandLineOptions.TestCases, CommandLineOptions.Format, CommandLineOptions.Full,
                 })
        {
            report.Options.Add(option);
        }

        report.SetAction(parse => Report(parse));
        return report;
    }

    public static Command BuildDiff()
    {
        Command diff = new("diff", "Compare two saved test runs: tests that regressed and tests that were fixed.");
        diff.Arguments.Add(Run1);
        diff.Arguments.Add(Run2);
        diff.Options.Add(CommandLineOptions.Path);
        diff.Options.Add(CommandLineOptions.TestSets);
        diff.SetAction(parse => Diff(parse));
        return diff;
    }

    /// <summary>Writes the run's HTML report (and junit.xml when asked) after <c>test</c>; returns the HTML path.</summary>
    public static string WriteRunReports(string runDirectory, string? reportFormat, GlobalNoiseConfig globalNoise, bool ignoreOrdering, ToolConsole console)
    {
        SavedTestRun run = SavedReportReader.ReadRun(runDirectory);
        if (WantsJUnit(reportFormat))
        {
            string junit = Path.Combine(runDirectory, "junit.xml");
            Keploy.Core.Storage.KeployYaml.WriteAllTextAtomic(junit, JUnitReportWriter.Write(run, globalNoise, ignoreOrdering));
            console.Info($"JUnit report: {junit}");
        }

        return HtmlReportWriter.WriteFile(run, globalNoise, ignoreOrdering);
    }

    /// <summary>Whether <c>--report-format</c> asks for <c>junit.xml</c> besides the HTML report.</summary>
    public static bool WantsJUnit(string? reportFormat) => string.Equals(reportFormat, "junit", StringComparison.OrdinalIgnoreCase);

    /// <summary>Rejects a <c>--report-format</c> other than junit before the run starts.</summary>
    public static string? CheckReportFormat(string? value)
    {
        return value is null || value.Length == 0 || string.Equals(value, "junit", StringComparison.OrdinalIgnoreCase) || string.Equals(value, "html", StringComparison.OrdinalIgnoreCase)
            ? null
            : $"--report-format: '{value}' is not a report format (junit; the HTML report is always written)";
    }

    private static int Report(ParseResult parse)
    {
        ToolConsole console = Console(parse);
        (KeployConfig config, string reports) = Load(parse);
        string format = (parse.GetValue(CommandLineOptions.Format) ?? "text").ToLowerInvariant();
        if (format is not ("text" or "junit" or "html"))
        {
            console.Error($"--format: '{format}' is not a report format (text, junit, html)");
            return (int)ExitCode.Failure;
        }

        string target = SavedReportReader.Resolve(reports, parse.GetValue(CommandLineOptions.ReportPath));
        SavedTestRun run = SavedReportReader.ReadRun(target);
        List<string> sets = CommandLineOptions.SplitList(parse.GetValue(CommandLineOptions.TestSets));
        List<string> cases = CommandLineOptions.SplitList(parse.GetValue(CommandLineOptions.TestCases));
        SavedTestRun selected = SavedReportPrinter.Filter(run, sets, cases);
        switch (format)
        {
            case "junit":
                System.Console.Out.Write(JUnitReportWriter.Write(selected, config.Test.GlobalNoise, config.Test.IgnoreOrdering));
                System.Console.Out.WriteLine();
                break;
            case "html":
                string path = HtmlReportWriter.WriteFile(selected, config.Test.GlobalNoise, config.Test.IgnoreOrdering);
                console.Info($"HTML report: {path}");
                break;
            default:
                System.Console.Out.Write(SavedReportPrinter.Print(selected, new SavedReportOptions
                {
                    TestSets = sets,
                    TestCases = cases,
                    Summary = parse.GetValue(CommandLineOptions.Summary),
                    Full = parse.GetValue(CommandLineOptions.Full),
                    GlobalNoise = config.Test.GlobalNoise,
                    IgnoreOrdering = config.Test.IgnoreOrdering,
                    Ansi = console.Ansi,
                }));
                break;
        }

        return (int)ExitCode.Success;
    }

    private static int Diff(ParseResult parse)
    {
        (_, string reports) = Load(parse);
        string first = SavedReportReader.Resolve(reports, parse.GetValue(Run1));
        string second = SavedReportReader.Resolve(reports, parse.GetValue(Run2));
        SavedTestRun a = SavedReportReader.ReadRun(first);
        SavedTestRun b = SavedReportReader.ReadRun(second);
        TestRunDiff diff = TestRunDiff.Compare(a, b, CommandLineOptions.SplitList(parse.GetValue(CommandLineOptions.TestSets)));
        System.Console.Out.Write(diff.Print(a.Id, b.Id));
        return diff.Regressed.Count > 0 ? (int)ExitCode.Failure : (int)ExitCode.Success;
    }

    private static ToolConsole Console(ParseResult parse) =>
        new(ansi: !parse.GetValue(CommandLineOptions.DisableAnsi) && ToolConsole.DefaultAnsi(), debug: parse.GetValue(CommandLineOptions.Debug));

    private static (KeployConfig Config, string ReportsDirectory) Load(ParseResult parse)
    {
        string configDir = (parse.GetResult(CommandLineOptions.ConfigPath) is null ? null : parse.GetValue(CommandLineOptions.ConfigPath)) ?? ".";
        string configFile = Path.Combine(configDir, "keploy.yml");
        KeployConfig config = File.Exists(configFile) ? KeployConfig.Load(configFile) : new KeployConfig();
        config.ApplyEnvironment();
        string path = parse.GetValue(CommandLineOptions.Path) ?? (string.IsNullOrWhiteSpace(config.Path) ? "." : config.Path);
        return (config, Path.Combine(Path.GetFullPath(path), "keploy", "reports"));
    }
}
