using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Xml.Linq;

namespace Keploy.TestAdapter.Tests;

/// <summary>
/// The README's "In <c>dotnet test</c>" section, step by step, on projects made by <c>dotnet new</c>: a web app with two JSON endpoints and an
/// xunit project given only the README's two lines; <c>dotnet keploy record</c> (the packed tool) while curl sends traffic, Ctrl+C (SIGINT);
/// then plain <c>dotnet test</c> with no settings passes the recorded cases, and an edited recorded response fails exactly that case.
/// The app is recorded on a free port and the recorder's proxy gets a free port; <c>dotnet test</c> picks its own (eBPF: needs root).
/// </summary>
[Collection(PackedAdapterCollection.Name)]
[Trait("Category", "Ebpf")]
public sealed class NewProjectAcceptanceTests(PackedAdapterFixture packed)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(120);

    [Fact]
    public void ReadmeSetup_OnDotnetNewProjects_RecordedCasesPass_AndAnEditedResponseFailsExactlyThatCase()
    {
        string root = AdapterTestPaths.NewTempDirectory("keploy-new");
        packed.WriteNuGetConfig(root);
        string service = Path.Combine(root, "MyService");
        string tests = Path.Combine(root, "MyService.Tests");

        // dotnet new web -o MyService; dotnet new xunit -o MyService.Tests (templates ship with the SDK).
        Run(root, "new", "web", "-o", "MyService");
        Run(root, "new", "xunit", "-o", "MyService.Tests");
        File.WriteAllText(Path.Combine(service, "Program.cs"), """
            var builder = WebApplication.CreateBuilder(args);
            var app = builder.Build();

            app.MapGet("/items/{id:int}", (int id) => Results.Json(new { id, name = $"item-{id}", price = id * 2.5 }));
            app.MapGet("/status", () => Results.Json(new { service = "MyService", ok = true }));

            app.Run();
            """);

        // Only the README's two lines.
        string csproj = Path.Combine(tests, "MyService.Tests.csproj");
        string text = File.ReadAllText(csproj);
        int sdk = text.IndexOf("<PackageReference Include=\"Microsoft.NET.Test.Sdk\"", StringComparison.Ordinal);
        int sdkEnd = text.IndexOf('\n', sdk) + 1;
        text = text[..sdkEnd] + $"    <PackageReference Include=\"Keploy.TestAdapter\" Version=\"{packed.Version}\" />\n" + text[sdkEnd..];
        int group = text.IndexOf("</PropertyGroup>", StringComparison.Ordinal);
        text = text[..group] + "  <KeployAppProject>../MyService/MyService.csproj</KeployAppProject>\n  " + text[group..];
        File.WriteAllText(csproj, text);

        // dotnet build MyService; cd MyService.Tests; dotnet keploy record -c "dotnet ../MyService/bin/Debug/net10.0/MyService.dll --urls ..."
        Run(root, "build", "MyService");
        int appPort = FreePort();
        string appUrl = $"http://127.0.0.1:{appPort}";
        string[] paths = { "/items/1", "/items/2", "/status" };
        string recordOutput = Record(tests, $"dotnet ../MyService/bin/Debug/net10.0/MyService.dll --urls {appUrl}", appUrl, paths);
        string testsDir = Path.Combine(tests, "keploy", "test-set-0", "tests");
        Assert.True(Directory.GetFiles(testsDir, "*.yaml").Length == 3, recordOutput);

        // sudo dotnet test
        Dictionary<string, (string Outcome, string Message)> first = Test(tests, out string output);
        string[] recorded = { "test-1", "test-2", "test-3" };
        Assert.True(first.Count == 4, output);
        Assert.All(recorded, name => Assert.True(first.TryGetValue(name, out var r) && r.Outcome == "Passed", $"{name}: {r}\n{output}"));
        Assert.Equal("Passed", first.Single(r => !recorded.Contains(r.Key)).Value.Outcome);

        // Edit one recorded response: exactly that case fails, with the diff.
        string edited = Directory.GetFiles(testsDir, "*.yaml").Single(f => File.ReadAllText(f).Contains("item-2", StringComparison.Ordinal));
        File.WriteAllText(edited, File.ReadAllText(edited).Replace("item-2", "item-9", StringComparison.Ordinal));
        string editedName = Path.GetFileNameWithoutExtension(edited);

        Dictionary<string, (string Outcome, string Message)> second = Test(tests, out output);
        Assert.True(second.Count == 4, output);
        Assert.True(second[editedName].Outcome == "Failed", output);
        Assert.Contains("item-9", second[editedName].Message);
        Assert.Contains("item-2", second[editedName].Message);
        Assert.Single(second, r => r.Value.Outcome == "Failed");
        Assert.Equal(3, second.Count(r => r.Value.Outcome == "Passed"));
        Directory.Delete(root, recursive: true);
    }

    private void Run(string directory, params string[] arguments)
    {
        (int exit, string output) = DotnetCli.Run(directory, packed.Environment, arguments);
        Assert.True(exit == 0, $"dotnet {string.Join(' ', arguments)}:\n{output}");
    }

    /// <summary><c>dotnet test</c> with a TRX logger; the TRX's results by test name.</summary>
    private Dictionary<string, (string Outcome, string Message)> Test(string project, out string output)
    {
        string results = Path.Combine(project, "TestResults", Guid.NewGuid().ToString("N"));
        (_, output) = DotnetCli.Run(project, packed.Environment, "test", "--logger", "trx;LogFileName=run.trx", "--results-directory", results);
        string trx = Path.Combine(results, "run.trx");
        Assert.True(File.Exists(trx), "no TRX written:\n" + output);
        XDocument doc = XDocument.Load(trx);
        XNamespace ns = doc.Root!.Name.Namespace;
        return doc.Descendants(ns + "UnitTestResult").ToDictionary(
            r => (string)r.Attribute("testName")!,
            r => ((string)r.Attribute("outcome")!, r.Element(ns + "Output")?.Element(ns + "ErrorInfo")?.Element(ns + "Message")?.Value ?? ""));
    }

    /// <summary>
    /// Runs <c>dotnet keploy record -c COMMAND --proxy-port FREE</c> in <paramref name="project"/>, curls each path once the app answers, waits
    /// for the test files, then stops the recorder with SIGINT (Ctrl+C) and waits for it to exit 0. Returns its output.
    /// </summary>
    private string Record(string project, string command, string appUrl, string[] paths)
    {
        // setsid: its own process group, so SIGINT to the group is what Ctrl+C in a terminal does (it reaches the dotnet muxer and the
        // dotnet-keploy process it starts). perl resets SIGINT to its default first: a test run started in the background of a
        // non-interactive shell (`cmd &`) inherits SIGINT ignored, the recorder then keeps it ignored (as POSIX asks of background
        // jobs) and never stops; a terminal's foreground job, whose Ctrl+C this emulates, has it at the default.
        ProcessStartInfo info = new("setsid")
        {
            WorkingDirectory = project,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "--wait", "perl", "-e", "$SIG{INT} = 'DEFAULT'; exec { $ARGV[0] } @ARGV or die \"exec $ARGV[0]: $!\\n\"", "dotnet", "keploy", "record", "-c", command, "--proxy-port", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["PATH"] = packed.ToolPath + Path.PathSeparator + System.Environment.GetEnvironmentVariable("PATH");
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        StringBuilder log = new();
        using Process recorder = new() { StartInfo = info };
        recorder.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        recorder.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        recorder.Start();
        recorder.BeginOutputReadLine();
        recorder.BeginErrorReadLine();
        string Log() { lock (log) { return log.ToString(); } }
        try
        {
            Stopwatch waited = Stopwatch.StartNew();
            string testsDir = Path.Combine(project, "keploy", "test-set-0", "tests");
            int sent = 0;
            while (waited.Elapsed < s_wait && !recorder.HasExited && sent < paths.Length)
            {
                if (Curl(appUrl + paths[sent]) is string body)
                {
                    Assert.Contains("{", body);
                    sent++;
                }
                else
                {
                    Thread.Sleep(200);
                }
            }

            Assert.True(sent == paths.Length, $"the app did not answer at {appUrl} within {s_wait.TotalSeconds} s\n{Log()}");
            while (waited.Elapsed < s_wait && (!Directory.Exists(testsDir) || Directory.GetFiles(testsDir, "*.yaml").Length < paths.Length))
            {
                Thread.Sleep(100);
            }

            Assert.True(Kill(-recorder.Id, 2) == 0, "SIGINT to the recorder's process group failed");
            Assert.True(recorder.WaitForExit(s_wait), "the recorder did not stop within 120 s of SIGINT\n" + Log());
            recorder.WaitForExit();
            Assert.True(recorder.ExitCode == 0, $"record exited {recorder.ExitCode}\n{Log()}");
            return Log();
        }
        finally
        {
            if (!recorder.HasExited)
            {
                recorder.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary><c>curl -sf URL</c>: the body, or null when the app did not answer 2xx (not listening yet).</summary>
    private static string? Curl(string url)
    {
        ProcessStartInfo info = new("curl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { "-sf", "--max-time", "10", url })
        {
            info.ArgumentList.Add(argument);
        }

        using Process curl = Process.Start(info)!;
        string body = curl.StandardOutput.ReadToEnd();
        curl.WaitForExit();
        return curl.ExitCode == 0 ? body : null;
    }

    private static int FreePort()
    {
        using TcpListener listener = new(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
