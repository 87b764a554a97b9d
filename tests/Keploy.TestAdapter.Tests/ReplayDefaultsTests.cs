using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Keploy.TestAdapter.Engine;

namespace Keploy.TestAdapter.Tests;

/// <summary>
/// The adapter's defaults through the real replay engine (eBPF: needs root): with no proxy port configured two replays at once each get
/// their own free mock proxy port, and an app that exits ends the wait at once with its last output lines.
/// </summary>
[Trait("Category", "Ebpf")]
public sealed class ReplayDefaultsTests
{
    [Fact]
    public async Task TwoReplaysAtOnce_WithNoProxyPortConfigured_BothPass()
    {
        (string root, KeploySettings settings) first = Workspace();
        (string root, KeploySettings settings) second = Workspace();

        Task<(TestSetReplay, List<ReplayedTest>)> a = ReplayAsync(first.root, first.settings);
        Task<(TestSetReplay, List<ReplayedTest>)> b = ReplayAsync(second.root, second.settings);
        (TestSetReplay Outcome, List<ReplayedTest> Tests)[] both = await Task.WhenAll(a, b);

        foreach ((TestSetReplay outcome, List<ReplayedTest> tests) in both)
        {
            Assert.Null(outcome.Error);
            ReplayedTest test = Assert.Single(tests);
            Assert.True(test.Passed, test.Diff);
        }
    }

    [Fact]
    public async Task AppThatExits_EndsTheWaitAtOnce_WithItsLastOutputLines()
    {
        string root = AdapterTestPaths.NewTempDirectory("keploy-exit");
        AdapterTestPaths.WriteTestCase(root, "test-set-0", "test-1", url: $"http://127.0.0.1:{FreePort()}/hello.json");
        KeploySettings settings = new() { AppCommand = "echo 'error CS1002: ; expected'; exit 3", Delay = TimeSpan.FromSeconds(600) };

        Stopwatch elapsed = Stopwatch.StartNew();
        (TestSetReplay outcome, List<ReplayedTest> tests) = await ReplayAsync(root, settings);

        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(120), $"waited {elapsed.Elapsed} for an app that had exited");
        Assert.Empty(tests);
        Assert.NotNull(outcome.Error);
        Assert.Contains("exited (code 3)", outcome.Error);
        Assert.Contains("error CS1002: ; expected", outcome.Error);
    }

    /// <summary>A keploy/ folder with one recorded GET of hello.json from <c>python3 -m http.server</c> on a free port (no keploy.yml).</summary>
    private static (string Root, KeploySettings Settings) Workspace()
    {
        string root = AdapterTestPaths.NewTempDirectory("keploy-defaults");
        File.WriteAllText(Path.Combine(root, "hello.json"), "{\"greeting\":\"hello\"}");
        int port = FreePort();
        AdapterTestPaths.WriteTestCase(root, "test-set-0", "test-1", url: $"http://127.0.0.1:{port}/hello.json", body: "{\\\"greeting\\\":\\\"hello\\\"}");
        return (root, new KeploySettings { AppCommand = $"python3 -m http.server {port} --bind 127.0.0.1" });
    }

    private static async Task<(TestSetReplay Outcome, List<ReplayedTest> Tests)> ReplayAsync(string root, KeploySettings settings)
    {
        List<ReplayedTest> completed = new();
        IReadOnlyList<RecordedTest> tests = RecordedTestScanner.Scan(root, null);
        using CancellationTokenSource timeout = new(TimeSpan.FromMinutes(5));
        TestSetReplay outcome = await new ReplayRunnerReplayer().ReplayAsync(root, "test-set-0", tests, settings, completed.Add, timeout.Token);
        return (outcome, completed);
    }

    private static int FreePort()
    {
        using TcpListener listener = new(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
