using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Keploy.EndToEnd.Tests;

/// <summary>
/// Test-sets stay consistent when the recorder is killed: <c>dotnet keploy record</c> of a small app of this test's own (a Python
/// HTTP server that calls a downstream HTTP server of this test's own for every request), SIGKILLed under load ten times; every
/// test-set is then replayed with the downstream stopped and every test case passes (none lacks a mock). Needs root (eBPF).
/// </summary>
public sealed class CrashConsistencyTests : IDisposable
{
    private const string AppScript = """
        import http.client, http.server, json, os, sys, threading

        mode = sys.argv[1]
        port = int(sys.argv[2])

        class Downstream(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def do_GET(self):
                body = json.dumps({"item": self.path.rsplit("/", 1)[-1], "price": len(self.path) * 3}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass

        local = threading.local()

        class App(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def do_GET(self):
                conn = getattr(local, "conn", None)
                if conn is None:
                    conn = local.conn = http.client.HTTPConnection("127.0.0.1", int(sys.argv[3]), timeout=30)
                try:
                    conn.request("GET", "/d" + self.path)
                    got = conn.getresponse().read()
                except Exception:
                    local.conn = None
                    raise
                body = json.dumps({"path": self.path, "downstream": json.loads(got)}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass

        if mode == "app":
            with open(sys.argv[4], "w") as f:
                f.write(str(os.getpid()))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Downstream if mode == "downstream" else App)
        server.daemon_threads = True
        server.serve_forever()
        """;

    private readonly string _work = Directory.CreateTempSubdirectory("keploy-crash-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    [Trait("Category", "Ebpf")]
    public async Task Recorder_SIGKILLed_under_load_ten_times_leaves_test_sets_that_replay_with_every_mock()
    {
        string script = Path.Combine(_work, "app.py");
        File.WriteAllText(script, AppScript);
        int downstreamPort = FreePort();
        using Process downstream = Start("python3", $"{script} downstream {downstreamPort}", _work);
        await WaitForPortAsync(downstreamPort, TimeSpan.FromSeconds(30));
        int appPort = FreePort();
        string pidFile = Path.Combine(_work, "app.pid");
        string appCommand = $"python3 {script} app {appPort} {downstreamPort} {pidFile}";
        int recorded = 0;
        try
        {
            for (int round = 0; round < 10; round++)
            {
                recorded += await RecordAndKillAsync(round, appCommand, appPort, pidFile);
            }
        }
        finally
        {
            downstream.Kill();
            downstream.WaitForExit();
        }

        string keploy = Path.Combine(_work, "keploy");
        string[] sets = Directory.GetDirectories(keploy, "test-set-*");
        Assert.Equal(10, sets.Length);
        int filesAfterKill = sets.Sum(s => Directory.GetFiles(Path.Combine(s, "tests"), "*.yaml").Length);

        // Replay every test-set with the downstream stopped: every outgoing call must be served from mocks.yaml. Loading a
        // test-set first materialises the test case journal a killed recorder left (whole records; a torn last one dropped).
        (int exit, string output) = Tool(TimeSpan.FromMinutes(10), "test", "-c", appCommand, "-p", _work, "--proxy-port", FreePort().ToString(), "--delay", "30", "--disable-ansi");
        string[] journalsLeft = sets.Where(s => File.Exists(Path.Combine(s, ".tests.journal"))).ToArray();
        Assert.True(journalsLeft.Length == 0, $"test case journals left after the replay (exit {exit}) in {string.Join(", ", journalsLeft.Select(Path.GetFileName))}:\n{Tail(output)}");
        int testFiles = sets.Sum(s => Directory.GetFiles(Path.Combine(s, "tests"), "*.yaml").Length);
        Assert.True(testFiles >= filesAfterKill && testFiles >= 10 * 50, $"only {testFiles} test cases recorded over 10 rounds ({filesAfterKill} files right after the kills)");
        MatchCollection totals = Regex.Matches(output, @"^(\d+) passed, (\d+) failed$", RegexOptions.Multiline);
        Assert.True(totals.Count > 0, "no summary line:\n" + Tail(output));
        int noMock = Regex.Matches(output, "no mock|found no mock|no matching mock", RegexOptions.IgnoreCase).Count;
        Assert.True(exit == 0 && totals[^1].Value == $"{testFiles} passed, 0 failed" && noMock == 0,
            $"exit {exit}, {totals[^1].Value} of {testFiles} test files ({recorded} responses seen while recording), {noMock} lines about missing mocks:\n{Tail(output)}");
    }

    private async Task<int> RecordAndKillAsync(int round, string appCommand, int appPort, string pidFile)
    {
        File.Delete(pidFile);
        var log = new StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using Process tool = StartTool(log, ready, "record", "-c", appCommand, "-p", _work, "--proxy-port", FreePort().ToString(), "--disable-ansi");
        try
        {
            Task finished = await Task.WhenAny(ready.Task, tool.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
            Assert.True(ready.Task.IsCompleted, $"round {round}: the recorder did not start listening on the app's port:\n{Tail(Locked(log))}");

            // Load: 16 clients on keep-alive connections; the recorder is killed while they are sending.
            using var cts = new CancellationTokenSource();
            int responses = 0;
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { Timeout = TimeSpan.FromSeconds(30) };
            Task[] clients = Enumerable.Range(0, 16).Select(c => Task.Run(async () =>
            {
                for (int i = 0; !cts.IsCancellationRequested; i++)
                {
                    try
                    {
                        using HttpResponseMessage r = await http.GetAsync($"http://127.0.0.1:{appPort}/items/r{round}-c{c}-{i}", cts.Token);
                        _ = await r.Content.ReadAsByteArrayAsync(cts.Token);
                        Interlocked.Increment(ref responses);
                    }
                    catch (Exception) when (cts.IsCancellationRequested)
                    {
                        return;
                    }
                    catch (Exception ex) when (ex is HttpRequestException or IOException or SocketException or TaskCanceledException)
                    {
                        // The app not listening yet (the recorder is ready when the app binds), or the recorder gone: retry.
                        await Task.Delay(20);
                    }
                }
            })).ToArray();

            Stopwatch sw = Stopwatch.StartNew();
            while (Volatile.Read(ref responses) < 120 + (round * 15) && sw.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(5);
            }

            Assert.True(Volatile.Read(ref responses) > 0, $"round {round}: no response through the recorder:\n{Tail(Locked(log))}");
            tool.Kill(); // SIGKILL, under load
            await tool.WaitForExitAsync();
            int seen = Volatile.Read(ref responses);
            cts.Cancel();
            await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(60));
            return seen;
        }
        finally
        {
            if (!tool.HasExited)
            {
                tool.Kill();
                tool.WaitForExit();
            }

            // The app is this test's own process (its pid file); stop it if the recorder's death did not.
            if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile), out int pid))
            {
                try
                {
                    using Process app = Process.GetProcessById(pid);
                    app.Kill();
                    app.WaitForExit(30_000);
                }
                catch (ArgumentException)
                {
                }
                catch (InvalidOperationException)
                {
                }
            }

            await WaitForPortFreeAsync(appPort, TimeSpan.FromSeconds(30));
        }
    }

    private static Process StartTool(StringBuilder log, TaskCompletionSource ready, params string[] args)
    {
        ProcessStartInfo start = new("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(ToolPaths.ToolDll());
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        Process process = Process.Start(start)!;
        DataReceivedEventHandler onLine = (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (log)
            {
                log.AppendLine(e.Data);
            }

            if (e.Data.Contains("recording incoming HTTP there", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        process.OutputDataReceived += onLine;
        process.ErrorDataReceived += onLine;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private (int Exit, string Output) Tool(TimeSpan timeout, params string[] args)
    {
        var log = new StringBuilder();
        using Process process = StartTool(log, new TaskCompletionSource(), args);
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"keploy {string.Join(' ', args)} did not finish within {timeout}:\n{Tail(Locked(log))}");
        }

        process.WaitForExit();
        return (process.ExitCode, Locked(log));
    }

    private static Process Start(string file, string arguments, string workingDirectory)
    {
        return Process.Start(new ProcessStartInfo(file, arguments) { WorkingDirectory = workingDirectory, UseShellExecute = false })!;
    }

    private static int FreePort() => TestPorts.Free();

    private static async Task WaitForPortAsync(int port, TimeSpan timeout)
    {
        Stopwatch sw = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (sw.Elapsed < timeout)
            {
                await Task.Delay(100);
            }
        }
    }

    private static async Task WaitForPortFreeAsync(int port, TimeSpan timeout)
    {
        Stopwatch sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
            }
            catch (SocketException)
            {
                return;
            }

            await Task.Delay(100);
        }
    }

    private static string Locked(StringBuilder sb)
    {
        lock (sb)
        {
            return sb.ToString();
        }
    }

    private static string Tail(string text) => text.Length <= 6000 ? text : text[^6000..];
}
