using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Keploy.EndToEnd.Tests;

/// <summary>The <c>dotnet keploy</c> command line as a user meets it: real process, real files, exit codes and one-line errors.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("keploy-cli-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public void Malformed_keploy_yml_is_one_line_with_file_line_column_and_exit_1()
    {
        File.WriteAllText(Path.Combine(_work, "keploy.yml"), "path: \".\"\nproxyPort: abc\n");

        (int exit, string stdout, string stderr) = Tool("test", "-c", "true");

        Assert.Equal(1, exit);
        string[] lines = NonEmptyLines(stderr + stdout);
        Assert.Single(lines);
        Assert.Matches(new Regex(@"keploy\.yml:2:12: .*proxyPort"), lines[0]);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_test_file_is_one_line_with_file_line_column_and_exit_1()
    {
        string tests = Path.Combine(_work, "keploy", "test-set-0", "tests");
        Directory.CreateDirectory(tests);
        File.WriteAllText(Path.Combine(tests, "test-1.yaml"), "version: api.keploy.io/v1beta1\nkind: Http\nname: test-1\nspec:\n  req: [unclosed\n");

        (int exit, string stdout, string stderr) = Tool("test", "-c", "true", "--disable-ansi");

        Assert.Equal(1, exit);
        string[] errors = NonEmptyLines(stderr);
        Assert.Single(errors);
        Assert.Matches(new Regex(@"test-1\.yaml:\d+:\d+: "), errors[0]);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_of_a_broken_collection_is_one_line_with_file_line_column_and_exit_1()
    {
        File.WriteAllText(Path.Combine(_work, "c.json"), "{\n  \"info\": { \"name\": \"x\" },\n  \"item\": [ oops ]\n}\n");

        (int exit, string stdout, string stderr) = Tool("import", "postman", "c.json", "--disable-ansi");

        Assert.Equal(1, exit);
        string[] errors = NonEmptyLines(stdout + stderr).Where(l => l.Contains("ERROR", StringComparison.Ordinal)).ToArray();
        Assert.Single(errors);
        Assert.Matches(new Regex(@"ERROR .*c\.json:3:\d+: not valid JSON"), errors[0]);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_work, "keploy")), "a failed import must not leave a test-set");
    }

    [Fact]
    public void Export_postman_writes_a_collection_that_import_reads_back_without_an_app()
    {
        string tests = Path.Combine(_work, "keploy", "test-set-0", "tests");
        Directory.CreateDirectory(tests);
        File.WriteAllText(Path.Combine(tests, "test-1.yaml"), """
            version: api.keploy.io/v1beta1
            kind: Http
            name: test-1
            spec:
              metadata: {}
              req:
                method: GET
                proto_major: 1
                proto_minor: 1
                url: http://127.0.0.1:1/items/KB-001
                header:
                  Accept: application/json
                body: ""
                timestamp: 2026-12-01T10:00:00Z
              resp:
                status_code: 200
                header:
                  Content-Type: application/json
                body: '{"sku":"KB-001"}'
                status_message: OK
                proto_major: 0
                proto_minor: 0
                timestamp: 2026-12-01T10:00:00Z
              objects: []
              assertions:
                noise: {}
              created: 1764583200

            """);

        (int exit, string stdout, _) = Tool("export", "postman", "-o", "out.json", "--disable-ansi");
        Assert.Equal(0, exit);
        Assert.Contains("exported 1 test case(s) of test-set-0", stdout, StringComparison.Ordinal);
        Assert.Contains("{{base_url}}/items/KB-001", File.ReadAllText(Path.Combine(_work, "out.json")), StringComparison.Ordinal);

        (exit, stdout, _) = Tool("import", "postman", "out.json", "--disable-ansi");
        Assert.Equal(0, exit);
        Assert.Contains("imported 1 test case(s) (1 from saved responses) into keploy/test-set-1", stdout, StringComparison.Ordinal);
        Assert.Contains("{\"sku\":\"KB-001\"}", File.ReadAllText(Path.Combine(_work, "keploy", "test-set-1", "tests", "test-1.yaml")), StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_and_all_lower_case_flags_fail_with_exit_1()
    {
        Assert.Equal(1, Tool("test", "--no-such-flag").Exit);
        Assert.Equal(1, Tool("record", "--proxyport", "1234").Exit);
    }

    [Fact]
    public void Config_generate_writes_a_keploy_yml_that_loads_and_refuses_to_overwrite()
    {
        (int exit, _, _) = Tool("config", "--generate");
        Assert.Equal(0, exit);
        string text = File.ReadAllText(Path.Combine(_work, "keploy.yml"));
        Assert.StartsWith("# Generated by Keploy", text, StringComparison.Ordinal);
        Assert.Contains("proxyPort: 16789", text, StringComparison.Ordinal);

        Assert.Equal(1, Tool("config", "--generate").Exit);

        // The generated file is accepted by `test`: the only complaint is that nothing was recorded yet.
        (int testExit, string stdout, string stderr) = Tool("test", "-c", "true", "--disable-ansi");
        Assert.DoesNotContain("keploy.yml:", stdout + stderr, StringComparison.Ordinal);
        Assert.Contains("no test-sets to replay", stderr, StringComparison.Ordinal);
        Assert.Equal(1, testExit);
    }

    [Fact]
    public void Record_without_a_command_says_what_to_do()
    {
        (int exit, string stdout, string stderr) = Tool("record", "--disable-ansi");
        Assert.Equal(1, exit);
        Assert.Contains("record needs the app command", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Ebpf")]
    public void Record_of_an_app_that_exits_at_once_is_exit_1_and_leaves_no_test_set()
    {
        (int exit, string stdout, string stderr) = Tool("record", "-c", "echo starting; exit 3", "--proxy-port", FreePort().ToString(), "--disable-ansi");

        Assert.Equal(1, exit);
        Assert.Contains("the app exited with code 3 before anything was recorded", stdout + stderr, StringComparison.Ordinal);
        string keploy = Path.Combine(_work, "keploy");
        Assert.Empty(Directory.Exists(keploy) ? Directory.GetDirectories(keploy, "test-set-*") : []);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Test_without_a_command_says_so_in_one_line()
    {
        CopyRecordedTestSet();

        (int exit, string stdout, string stderr) = Tool("test", "--disable-ansi");

        Assert.Equal(1, exit);
        string line = Assert.Single(NonEmptyLines(stdout + stderr));
        Assert.Contains("test needs the app command", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_work, "keploy", "reports")), "a report was written");
    }

    [Fact]
    public void Mistyped_flag_is_one_line_pointing_to_help()
    {
        (int exit, string stdout, string stderr) = Tool("test", "--delya", "3");

        Assert.Equal(1, exit);
        string line = Assert.Single(NonEmptyLines(stdout + stderr));
        Assert.Contains("'--delya'", line, StringComparison.Ordinal);
        Assert.EndsWith("see 'dotnet keploy test --help'", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_number_delay_is_one_clear_line()
    {
        (int exit, string stdout, string stderr) = Tool("test", "-c", "true", "--delay", "abc");

        Assert.Equal(1, exit);
        string line = Assert.Single(NonEmptyLines(stdout + stderr));
        Assert.Contains("--delay: 'abc' is not a whole number", line, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("proxy port must be 1-65535", "test", "--proxy-port", "99999")]
    [InlineData("proxy port must be 1-65535", "test", "--proxy-port", "0")]
    [InlineData("proxy port must be 1-65535", "record", "--proxy-port", "99999")]
    [InlineData("port must be 1-65535, or 0", "test", "--port", "70000")]
    [InlineData("delay must be 0 or more seconds", "test", "--delay", "-1")]
    [InlineData("API timeout must be more than 0", "test", "--api-timeout", "0")]
    [InlineData("health poll timeout must be more than 0", "test", "--health-poll-timeout", "0s")]
    [InlineData("'0' is not a port number (1-65535)", "record", "--pass-through-ports", "80,0")]
    public void Out_of_range_values_fail_before_anything_runs(string expected, string command, string flag, string value)
    {
        CopyRecordedTestSet();
        string marker = Path.Combine(_work, "app-ran");

        (int exit, string stdout, string stderr) = Tool(command, "-c", $"touch '{marker}'", flag, value, "--disable-ansi");

        Assert.Equal(1, exit);
        string line = Assert.Single(NonEmptyLines(stdout + stderr));
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.False(File.Exists(marker), "the app was started");
        Assert.False(Directory.Exists(Path.Combine(_work, "keploy", "reports")), "a report was written");
        Assert.Single(Directory.GetDirectories(Path.Combine(_work, "keploy"), "test-set-*"));
    }

    [Fact]
    public void Out_of_range_value_in_keploy_yml_fails_before_anything_runs()
    {
        CopyRecordedTestSet();
        File.WriteAllText(Path.Combine(_work, "keploy.yml"), "proxyPort: 70000\n");

        (int exit, string stdout, string stderr) = Tool("test", "-c", "true", "--disable-ansi");

        Assert.Equal(1, exit);
        Assert.Contains("proxy port must be 1-65535", Assert.Single(NonEmptyLines(stdout + stderr)), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_work, "keploy", "reports")));
    }

    [Fact]
    [Trait("Category", "Ebpf")]
    public async Task Control_bytes_from_the_network_are_escaped_in_the_log()
    {
        int appPort = FreePort();
        string server =
            "python3 -c \"import socket; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); " +
            $"s.bind(('127.0.0.1', {appPort})); s.listen()\n" +
            "while True:\n c, _ = s.accept(); c.recv(65536); c.close()\"";
        ProcessStartInfo start = ToolStart("record", "-c", server, "--proxy-port", FreePort().ToString(), "--disable-ansi");
        using Process tool = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        var escapedSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        tool.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.Append(e.Data).Append('\n');
            }

            if (e.Data.Contains("invalid method", StringComparison.Ordinal))
            {
                escapedSeen.TrySetResult();
            }
        };
        tool.ErrorDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.Append(e.Data).Append('\n');
            }
        };
        tool.BeginOutputReadLine();
        tool.BeginErrorReadLine();
        try
        {
            // The tool's ingress takes the app's port once the app has bound it; until then the connection is refused.
            byte[] hostile = "\u001b[2J\0\u001b]0;owned\u0007GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray();
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    using var client = new System.Net.Sockets.TcpClient();
                    await client.ConnectAsync(System.Net.IPAddress.Loopback, appPort);
                    await client.GetStream().WriteAsync(hostile);
                    client.Client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
                    break;
                }
                catch (System.Net.Sockets.SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(60) && !tool.HasExited)
                {
                    await Task.Delay(100);
                }
            }

            await escapedSeen.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            if (!tool.HasExited)
            {
                Kill(tool.Id, 15);
            }

            Assert.True(tool.WaitForExit(TimeSpan.FromSeconds(60)), "record did not stop on SIGTERM");
        }

        string log;
        lock (output)
        {
            log = output.ToString();
        }

        Assert.Contains("\\x1b[2J\\x00\\x1b]0;owned\\x07GET", log, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', log);
        Assert.DoesNotContain('\0', log);
        Assert.DoesNotContain('\u0007', log);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);

    private static int FreePort() => TestPorts.Free();

    /// <summary>Copies the Orders sample's recorded test-set (samples/Orders.Tests/keploy) into the work folder.</summary>
    private void CopyRecordedTestSet()
    {
        string source = ToolPaths.Repo("samples/Orders.Tests/keploy");
        foreach (string file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(_work, "keploy", Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static string[] NonEmptyLines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private ProcessStartInfo ToolStart(params string[] args)
    {
        ProcessStartInfo start = new("dotnet")
        {
            WorkingDirectory = _work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(ToolPaths.ToolDll());
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    private (int Exit, string Stdout, string Stderr) Tool(params string[] args)
    {
        ProcessStartInfo start = ToolStart(args);
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet keploy " + string.Join(' ', args) + " did not finish");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
