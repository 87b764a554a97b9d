using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Keploy.EndToEnd.Tests;

/// <summary>
/// <c>dotnet keploy test --freeze-time</c> through the real tool and kernel (eBPF, root): a session token that expires seconds after
/// it was recorded is still valid at replay only when the app's clock is frozen at the recorded time (libfaketime). A .NET app
/// (samples/Payments: JsonWebTokenHandler's lifetime check on DateTime.UtcNow, DateTimeOffset.UtcNow) and a Python one.
/// Free ports for the app and the proxy.
/// </summary>
public sealed class FreezeTimeTests : IDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);
    private readonly string _work = Directory.CreateTempSubdirectory("keploy-freeze-").FullName;
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    [Trait("Category", "Ebpf")]
    public async Task Dotnet_jwt_that_expired_after_recording_fails_without_freeze_time_and_passes_with_it()
    {
        string dll = BuildPayments();
        int appPort = FreePort();
        string command = $"dotnet {dll} --urls http://127.0.0.1:{appPort}";
        // The token itself is new at each issue; the session check is what this test is about.
        File.WriteAllText(Path.Combine(_work, "keploy.yml"), "test:\n    globalNoise:\n        global:\n            body: {token: []}\n");

        DateTimeOffset issued = default;
        await RecordAsync(command, new() { ["SESSION_TTL_SECONDS"] = "3" }, appPort, async http =>
        {
            issued = DateTimeOffset.UtcNow;
            using HttpResponseMessage created = await http.PostAsJsonAsync($"http://127.0.0.1:{appPort}/sessions", new { user = "alice" });
            Assert.Equal(201, (int)created.StatusCode);
            string token = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
            using HttpRequestMessage check = new(HttpMethod.Get, $"http://127.0.0.1:{appPort}/sessions/current");
            check.Headers.Authorization = new("Bearer", token);
            using HttpResponseMessage current = await http.SendAsync(check);
            string body = await current.Content.ReadAsStringAsync();
            Assert.Contains("\"sessionValid\":true", body, StringComparison.Ordinal);
        });
        Assert.Equal(2, Directory.GetFiles(Path.Combine(_work, "keploy", "test-set-0", "tests"), "*.yaml").Length);

        // Past the token's expiry (3 s, exp rounded down to the second).
        TimeSpan left = issued + TimeSpan.FromSeconds(5) - DateTimeOffset.UtcNow;
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left);
        }

        (int exit, string output) = Replay(command);
        Assert.True(exit == 1, $"without --freeze-time the expired session must fail (exit {exit}):\n{output}");
        Assert.Matches(new Regex(@"^1 passed, 1 failed$", RegexOptions.Multiline), output);
        Assert.Contains("sessionValid", output, StringComparison.Ordinal);

        (int frozenExit, string frozen) = Replay(command, "--freeze-time");
        Assert.True(frozenExit == 0, $"with --freeze-time every test must pass (exit {frozenExit}):\n{frozen}");
        Assert.Matches(new Regex(@"^2 passed, 0 failed$", RegexOptions.Multiline), frozen);
        Assert.Contains("freeze-time: the app's clock starts at", frozen, StringComparison.Ordinal);

        // DateTimeOffset.UtcNow in the app read the recorded time, not today's: checkedAt in the replayed answer (noise, so not
        // compared) is within 2 s of the recorded request.
        string report = File.ReadAllText(Directory.GetFiles(Path.Combine(_work, "keploy", "reports"), "*.yaml", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).Last());
        Match checkedAt = Regex.Match(report, @"actual: '\{[^']*""checkedAt"":""([^""]+)""");
        Assert.True(checkedAt.Success, "no checkedAt in the replayed answer:\n" + report);
        Match recorded = Regex.Match(File.ReadAllText(Path.Combine(_work, "keploy", "test-set-0", "tests", "test-2.yaml")), @"^\s+timestamp: (\S+)$", RegexOptions.Multiline);
        TimeSpan skew = DateTimeOffset.Parse(checkedAt.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            - DateTimeOffset.Parse(recorded.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(skew.Duration() < TimeSpan.FromSeconds(2), $"the app's clock at replay was {skew} away from the recorded request time");
        Assert.Empty(LeftoverSharedMemory());
    }

    [Fact]
    [Trait("Category", "Ebpf")]
    public async Task Python_app_reads_the_recorded_time_with_freeze_time()
    {
        string script = Path.Combine(_work, "app.py");
        File.WriteAllText(script, PythonApp);
        int appPort = FreePort();
        string command = $"python3 {script} {appPort}";
        File.WriteAllText(Path.Combine(_work, "keploy.yml"), "test:\n    globalNoise:\n        global:\n            body: {exp: []}\n");

        long exp = 0;
        await RecordAsync(command, new(), appPort, async http =>
        {
            JsonElement token = await http.GetFromJsonAsync<JsonElement>($"http://127.0.0.1:{appPort}/token");
            exp = token.GetProperty("exp").GetInt64();
            string check = await http.GetStringAsync($"http://127.0.0.1:{appPort}/check?exp={exp}");
            Assert.Contains("\"valid\": true", check, StringComparison.Ordinal);
        });

        TimeSpan left = DateTimeOffset.FromUnixTimeSeconds(exp + 1) - DateTimeOffset.UtcNow;
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left);
        }

        (int exit, string output) = Replay(command);
        Assert.True(exit == 1, $"without --freeze-time the expired check must fail (exit {exit}):\n{output}");
        Assert.Matches(new Regex(@"^1 passed, 1 failed$", RegexOptions.Multiline), output);

        (int frozenExit, string frozen) = Replay(command, "--freeze-time");
        Assert.True(frozenExit == 0, $"with --freeze-time every test must pass (exit {frozenExit}):\n{frozen}");
        Assert.Matches(new Regex(@"^2 passed, 0 failed$", RegexOptions.Multiline), frozen);
    }

    [Fact]
    public void Missing_libfaketime_is_one_line_naming_the_package()
    {
        string tests = Path.Combine(_work, "keploy", "test-set-0", "tests");
        Directory.CreateDirectory(tests);
        (int exit, string output) = Tool(
            ["test", "-c", "true", "--freeze-time", "--disable-ansi"],
            new() { ["KEPLOY_LIBFAKETIME"] = Path.Combine(_work, "no-such-libfaketime.so.1") },
            TimeSpan.FromMinutes(2));

        Assert.Equal(1, exit);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Single(lines);
        Assert.Contains("apt-get install -y libfaketime", lines[0], StringComparison.Ordinal);
        Assert.Contains("KEPLOY_LIBFAKETIME", lines[0], StringComparison.Ordinal);
    }

    // Issues {"exp": now + 3} and answers whether now is still before a given exp; time.time() goes through libc's clock_gettime.
    private const string PythonApp = """
        import json, sys, time
        from http.server import BaseHTTPRequestHandler, HTTPServer

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                if self.path == "/token":
                    answer = {"exp": int(time.time()) + 3}
                elif self.path.startswith("/check?exp="):
                    answer = {"valid": time.time() < int(self.path.split("=", 1)[1])}
                else:
                    self.send_error(404)
                    return
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
        """;

    private static string BuildPayments()
    {
        string project = ToolPaths.Repo("samples/Payments/Payments.csproj");
        (int exit, string output) = Run("dotnet", ["build", project, "-c", "Release", "-v", "q", "-nologo"], null, ToolPaths.Repo("."), TimeSpan.FromMinutes(5));
        Assert.True(exit == 0, "building samples/Payments failed:\n" + output);
        return ToolPaths.Repo("samples/Payments/bin/Release/net10.0/Payments.dll");
    }

    /// <summary>Records the app with the real tool while <paramref name="traffic"/> runs, then stops the recorder with SIGTERM.</summary>
    private async Task RecordAsync(string command, Dictionary<string, string> environment, int appPort, Func<HttpClient, Task> traffic)
    {
        ProcessStartInfo start = ToolStart(["record", "-c", command, "--proxy-port", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture), "--disable-ansi"], environment);
        using Process recorder = Process.Start(start)!;
        System.Text.StringBuilder log = new();
        recorder.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        recorder.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        recorder.BeginOutputReadLine();
        recorder.BeginErrorReadLine();
        try
        {
            Stopwatch waited = Stopwatch.StartNew();
            while (!await AcceptsAsync(appPort))
            {
                Assert.False(recorder.HasExited, "the recorder exited:\n" + log);
                Assert.True(waited.Elapsed < s_wait, $"nothing listened on {appPort} within {s_wait}:\n{log}");
                await Task.Delay(200);
            }

            using HttpClient http = new() { Timeout = TimeSpan.FromSeconds(30) };
            await traffic(http);
            await Task.Delay(1000);   // the last exchange is written
        }
        finally
        {
            if (!recorder.HasExited)
            {
                using Process kill = Process.Start("kill", ["-TERM", recorder.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
                kill.WaitForExit();
            }

            if (!recorder.WaitForExit(s_wait))
            {
                recorder.Kill(entireProcessTree: true);
            }

            recorder.WaitForExit();
        }

        Assert.True(recorder.ExitCode == 0, $"record exited {recorder.ExitCode}:\n{log}");
    }

    private (int Exit, string Output) Replay(string command, params string[] extra) =>
        Tool(["test", "-c", command, "--proxy-port", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture), "--delay", "60", "--disable-ansi", .. extra], new(), TimeSpan.FromMinutes(3));

    private (int Exit, string Output) Tool(string[] args, Dictionary<string, string> environment, TimeSpan timeout) =>
        Run("dotnet", [ToolPaths.ToolDll(), .. args], environment, _work, timeout);

    private ProcessStartInfo ToolStart(string[] args, Dictionary<string, string> environment)
    {
        ProcessStartInfo start = new("dotnet") { WorkingDirectory = _work, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(ToolPaths.ToolDll());
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach ((string key, string value) in environment)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    private static (int Exit, string Output) Run(string file, string[] args, Dictionary<string, string>? environment, string directory, TimeSpan timeout)
    {
        ProcessStartInfo start = new(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach ((string key, string value) in environment ?? new())
        {
            start.Environment[key] = value;
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

    private static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using TcpClient client = new();
            await client.ConnectAsync("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort() => TestPorts.Free();

    /// <summary>
    /// libfaketime's shared memory (<c>/dev/shm/faketime_shm_PID</c>) made since this test started by a process that is gone: the
    /// tool removes what the app it started left.
    /// </summary>
    private List<string> LeftoverSharedMemory() =>
        Directory.GetFiles("/dev/shm", "faketime_shm_*")
            .Where(f => File.GetLastWriteTimeUtc(f) >= _started.UtcDateTime.AddSeconds(-1))
            .Where(f => !Directory.Exists("/proc/" + Path.GetFileName(f)["faketime_shm_".Length..]))
            .ToList();
}
