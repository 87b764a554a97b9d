using System.Diagnostics;
using System.Xml.Linq;
using Keploy.Core.Replay.Coverage;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Tests.Coverage;

/// <summary>
/// coverlet on a real app in another process (tests/Keploy.CoverageProbe, lines marked <c>// mark:NAME</c>): a copy of its build
/// folder is instrumented, the app runs from the rewritten command, and the hit counts of chosen lines, the percentages, Keploy's
/// coverage.yaml and the Cobertura file read back are exact. The user's build is never modified.
/// </summary>
public sealed class CoverletSessionTests : IDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromMinutes(3);
    private readonly string _work = Directory.CreateTempSubdirectory("keploy-coverage-test-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private static string ProbeSource => Path.Combine(TestPaths.RepoRoot, "tests", "Keploy.CoverageProbe", "Program.cs");

    private static string ProbeDll
    {
        get
        {
            string configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
            return Path.Combine(TestPaths.RepoRoot, "tests", "Keploy.CoverageProbe", "bin", configuration, "net10.0", "Keploy.CoverageProbe.dll");
        }
    }

    private static int Line(string mark) =>
        Array.FindIndex(File.ReadAllLines(ProbeSource), l => l.EndsWith("// mark:" + mark, StringComparison.Ordinal)) + 1;

    [Fact]
    public async Task Hits_of_two_app_runs_add_up_and_the_report_has_the_exact_counts()
    {
        byte[] original = File.ReadAllBytes(ProbeDll);
        DotnetAppCommand app = DotnetAppCommand.Find($"dotnet {ProbeDll} 3", _work, out string reason)
            ?? throw new InvalidOperationException(reason);
        await using CoverletSession session = await CoverletSession.StartAsync(app, new CoverageFilter(), CancellationToken.None);
        Assert.DoesNotContain(ProbeDll, session.AppCommand, StringComparison.Ordinal);
        Assert.Equal(original, File.ReadAllBytes(ProbeDll)); // the copy is instrumented, not the user's build

        Assert.Equal("5", Run(session.AppCommand).Trim()); // 0 + 1 + 4
        Assert.Equal("5", Run(session.AppCommand).Trim());
        string cobertura = await session.CollectAsync(s_wait);
        CoberturaReport report = CoberturaReport.Load(cobertura);

        CoverageFile file = Assert.Single(report.Files.Values);
        Assert.Equal(ProbeSource, file.Path);
        Assert.Equal(6, file.Lines[Line("loop")]);     // 3 iterations x 2 runs
        Assert.Equal(6, file.Lines[Line("square")]);
        Assert.Equal(0, file.Lines[Line("never")]);
        Assert.Equal(2, file.Lines[Line("once")]);
        Assert.Equal(0, file.Lines[Line("wait")]);
        Assert.Equal(0, file.Lines[Line("unused")]);
        Assert.False(file.Methods.Single(m => m.Key.Contains("Unused", StringComparison.Ordinal)).Value);
        Assert.True(file.Methods.Single(m => m.Key.Contains("Square", StringComparison.Ordinal)).Value);
        Assert.Equal((int)file.Lines.Values.Count(h => h > 0), report.LinesCovered);
        Assert.Equal(100.0 * report.LinesCovered / report.LinesValid, report.LinePercent, 6);
        Assert.True(report.LinesValid - report.LinesCovered >= 4, "never, wait, unused and Unused's braces are missed");
        Assert.InRange(report.BranchesCovered, 1, report.BranchesValid - 1); // `total > 1_000_000` only ever false

        // Cobertura read back: the root's line-rate is the same percentage.
        XElement root = XDocument.Load(cobertura).Root!;
        Assert.Equal((double)root.Attribute("line-rate")!, report.LinePercent / 100, 3);
        Assert.Equal((int)root.Attribute("lines-valid")!, report.LinesValid);

        // Keploy's coverage.yaml (the node-jwt fixture's shape) and the copies beside it.
        IReadOnlyList<string> files = CoverageReportFiles.Write(_work, report, cobertura, null);
        Assert.Equal(["coverage.yaml", "coverage.cobertura.xml", "coverage.html"], files.Select(Path.GetFileName));
        YamlStream yaml = new();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(_work, "coverage.yaml"))));
        YamlMappingNode map = (YamlMappingNode)yaml.Documents[0].RootNode;
        Assert.Equal(["file_coverage", "total_coverage", "loc"], map.Children.Keys.Select(k => ((YamlScalarNode)k).Value));
        YamlMappingNode perFile = (YamlMappingNode)map["file_coverage"];
        Assert.Equal(ProbeSource, ((YamlScalarNode)perFile.Children.Keys.Single()).Value);
        string expected = CoverageReportBuilder_Format(report.LinePercent);
        Assert.Equal(expected, ((YamlScalarNode)perFile.Children.Values.Single()).Value);
        Assert.Equal(expected, ((YamlScalarNode)map["total_coverage"]).Value);
        Assert.Matches(@"^\d{1,3}\.\d\d%$", expected);
        Assert.Equal(report.LinesValid.ToString(System.Globalization.CultureInfo.InvariantCulture), ((YamlScalarNode)((YamlMappingNode)map["loc"])["total"]).Value);
        Assert.Equal(report.LinesValid, CoberturaReport.Load(Path.Combine(_work, "coverage.cobertura.xml")).LinesValid);
        string html = File.ReadAllText(Path.Combine(_work, "coverage.html"));
        Assert.Contains("Keploy.CoverageProbe", html, StringComparison.Ordinal);
        Assert.Contains("mark:never", html, StringComparison.Ordinal); // the source is shown with its hit counts
        Assert.Equal($"Coverage: {CoverageReportFiles.Pct(report.LinePercent)} (statement)", CoverageReportFiles.SummaryLine(report, null));
    }

    [Fact]
    public async Task An_app_stopped_with_SIGTERM_flushes_its_hits()
    {
        DotnetAppCommand app = DotnetAppCommand.Find($"dotnet {ProbeDll} 2 wait", _work, out string reason)
            ?? throw new InvalidOperationException(reason);
        await using CoverletSession session = await CoverletSession.StartAsync(app, new CoverageFilter(), CancellationToken.None);
        ProcessStartInfo start = new("/bin/sh") { RedirectStandardOutput = true, ArgumentList = { "-c", "exec " + session.AppCommand } };
        using (Process probe = Process.Start(start)!)
        {
            Assert.Equal("1", await probe.StandardOutput.ReadLineAsync());
            Assert.Equal("ready", await probe.StandardOutput.ReadLineAsync());
            Assert.Equal(0, Keploy.Core.Capture.LibC.Kill(probe.Id, Keploy.Core.Capture.LibC.SIGTERM));
            Assert.True(probe.WaitForExit(s_wait), "the probe ignored SIGTERM");
        }

        CoberturaReport report = CoberturaReport.Load(await session.CollectAsync(s_wait));
        CoverageFile file = Assert.Single(report.Files.Values);
        Assert.Equal(2, file.Lines[Line("loop")]);
        Assert.Equal(1, file.Lines[Line("wait")]);
        Assert.Equal(0, file.Lines[Line("never")]);
    }

    [Fact]
    public async Task Excluded_assemblies_are_not_measured()
    {
        DotnetAppCommand app = DotnetAppCommand.Find($"dotnet {ProbeDll} 1", _work, out string reason)
            ?? throw new InvalidOperationException(reason);
        await using CoverletSession session = await CoverletSession.StartAsync(app, new CoverageFilter { Exclude = ["Keploy.CoverageProbe"] }, CancellationToken.None);
        Run(session.AppCommand);
        CoberturaReport report = CoberturaReport.Load(await session.CollectAsync(s_wait));
        Assert.Empty(report.Files);
    }

    [Fact]
    public void Malformed_cobertura_names_file_line_and_column()
    {
        string path = Path.Combine(_work, "bad.xml");
        File.WriteAllText(path, "<coverage>\n  <packages>\n</coverage>\n");
        CoverageException e = Assert.Throws<CoverageException>(() => CoberturaReport.Load(path));
        Assert.StartsWith(path + ":3:", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    private static string CoverageReportBuilder_Format(double percent) => Keploy.Core.Replay.Reporting.CoverageReportBuilder.FormatPercent(percent);

    private static string Run(string command)
    {
        ProcessStartInfo start = new("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, ArgumentList = { "-c", command } };
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(s_wait), "the probe did not exit");
        Assert.True(process.ExitCode == 0, $"{command} exited {process.ExitCode}: {process.StandardError.ReadToEnd()}");
        return output;
    }
}
