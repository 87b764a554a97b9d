using System.Diagnostics;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Keploy.EndToEnd.Tests;

/// <summary>
/// <c>dotnet keploy test</c> with coverage, through the real tool and kernel (eBPF, root), on samples/Orders and its committed
/// recordings (replayed to a free port with <c>--port</c>): the statement coverage line, Keploy's coverage.yaml, Cobertura and the
/// coverage page linked from report.html; API schema coverage from the app's /openapi/v1.json and from an <c>--openapi</c> file with
/// one operation no test exercises; <c>--skip-coverage</c> leaves all of it out.
/// </summary>
public sealed class CoverageCliTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("keploy-coverage-cli-").FullName;

    public CoverageCliTests()
    {
        CopyDirectory(ToolPaths.Repo("samples/Orders/keploy"), Path.Combine(_work, "keploy"));
        File.Copy(ToolPaths.Repo("samples/Orders/keploy.yml"), Path.Combine(_work, "keploy.yml"));
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    [Trait("Category", "Ebpf")]
    public void Replay_measures_the_app_and_its_api_schema_and_skip_coverage_turns_code_coverage_off()
    {
        string dll = BuildOrders();
        int tests = Directory.GetFiles(Path.Combine(_work, "keploy", "test-set-0", "tests"), "*.yaml").Length;

        // 1. Code coverage and the document the app serves.
        (int exit, string output) = Replay(dll);
        Assert.True(exit == 0, $"replay failed (exit {exit}):\n{output}");
        Assert.Matches(new Regex($@"^{tests} passed, 0 failed$", RegexOptions.Multiline), output);
        Match line = Regex.Match(output, @"^Coverage: (\d+\.\d)% \(statement\), (\d+\.\d)% \(API schema\)$", RegexOptions.Multiline);
        Assert.True(line.Success, "no coverage line:\n" + output);
        Assert.InRange(double.Parse(line.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 50, 100);
        string run = Path.Combine(_work, "keploy", "reports", "test-run-0");
        string yaml = File.ReadAllText(Path.Combine(run, "coverage.yaml"));
        Assert.StartsWith("file_coverage:\n", yaml, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"^    /\S+/samples/Orders/Program\.cs: \d+\.\d\d%$", RegexOptions.Multiline), yaml);
        Assert.Matches(new Regex(@"^total_coverage: \d+\.\d\d%$", RegexOptions.Multiline), yaml);
        Assert.DoesNotContain("/obj/", yaml, StringComparison.Ordinal); // generated code is left out
        Assert.Contains("<coverage line-rate=", File.ReadAllText(Path.Combine(run, "coverage.cobertura.xml")), StringComparison.Ordinal);
        Assert.Contains("/openapi/v1.json", File.ReadAllText(Path.Combine(run, "coverage.html")), StringComparison.Ordinal);
        Assert.Contains("\"coverage\":\"coverage.html\"", File.ReadAllText(Path.Combine(run, "report.html")), StringComparison.Ordinal);

        // 2. An OpenAPI file with one operation the recorded tests never call.
        string openapi = Path.Combine(_work, "openapi.json");
        File.WriteAllText(openapi, """
            {"openapi": "3.0.1", "info": {"title": "Orders", "version": "1"},
             "paths": {"/health": {"get": {"responses": {"200": {"description": "OK"}}}},
                       "/invoices/{id}": {"get": {"responses": {"200": {"description": "OK"}}}}}}
            """);
        (int exit2, string output2) = Replay(dll, "--openapi", openapi, "--skip-coverage");
        Assert.True(exit2 == 0, $"replay failed (exit {exit2}):\n{output2}");
        Assert.Matches(new Regex(@"^Coverage: 50\.0% \(API schema\)$", RegexOptions.Multiline), output2);
        Assert.Contains("\tuntested operations: GET /invoices/{id}", output2, StringComparison.Ordinal);

        // 3. --skip-coverage alone: no coverage line, no coverage files, the app runs from the user's build.
        (int exit3, string output3) = Replay(dll, "--skip-coverage");
        Assert.True(exit3 == 0, $"replay failed (exit {exit3}):\n{output3}");
        Assert.DoesNotMatch(new Regex(@"^Coverage: .*\(statement\)", RegexOptions.Multiline), output3);
        Assert.DoesNotContain("instrumented copy", output3, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_work, "keploy", "reports", "test-run-2", "coverage.yaml")));
    }

    private (int Exit, string Output) Replay(string dll, params string[] extra)
    {
        int port = FreePort();
        return Run("dotnet", [ToolPaths.ToolDll(), "test", "-c", $"dotnet {dll} --urls http://127.0.0.1:{port}", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--health-url", $"http://127.0.0.1:{port}/health", "--proxy-port", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture), "--disable-ansi", .. extra], _work, TimeSpan.FromMinutes(5));
    }

    private static string BuildOrders()
    {
        (int exit, string output) = Run("dotnet", ["build", ToolPaths.Repo("samples/Orders/Orders.csproj"), "-c", "Release", "-v", "q", "-nologo"], ToolPaths.Repo("."), TimeSpan.FromMinutes(5));
        Assert.True(exit == 0, "building samples/Orders failed:\n" + output);
        return ToolPaths.Repo("samples/Orders/bin/Release/net10.0/Orders.dll");
    }

    private static (int Exit, string Output) Run(string file, string[] args, string directory, TimeSpan timeout)
    {
        ProcessStartInfo start = new(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {timeout}");
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static int FreePort() => TestPorts.Free();

    private static void CopyDirectory(string from, string to)
    {
        foreach (string dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }

        Directory.CreateDirectory(to);
        foreach (string f in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(f, Path.Combine(to, Path.GetRelativePath(from, f)));
        }
    }
}
