using System.Diagnostics;
using System.Net;
using Keploy.Core.Models;
using Keploy.Core.Replay;
using Keploy.NpgsqlOld;
using Xunit.Abstractions;

namespace Keploy.Core.Tests.Postgres;

/// <summary>
/// A session recorded from a client on Npgsql 8.0.3 (tests/Keploy.NpgsqlOld, its own process) against the real server, replayed
/// to the same workload on Npgsql 10 with no server: the newer driver's session statements fall back to the recorded ones with a
/// warning, data statements match as recorded.
/// </summary>
[Trait("Category", "Postgres")]
public sealed class OlderNpgsqlRecordingTests
{
    private static readonly IPEndPoint Server = new(IPAddress.Loopback, 55432);
    private readonly ITestOutputHelper _output;

    public OlderNpgsqlRecordingTests(ITestOutputHelper output)
    {
        _output = output;
    }

    private static string OldClientDll()
    {
        string tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;
        string configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        return Path.Combine(TestPaths.RepoRoot, "tests", "Keploy.NpgsqlOld", "bin", configuration, tfm, "Keploy.NpgsqlOld.dll");
    }

    private static async Task<(int Code, string Out, string Err)> RunOldClientAsync(string connectionString)
    {
        ProcessStartInfo psi = new("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(OldClientDll());
        psi.ArgumentList.Add(connectionString);
        using Process p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(120));
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("the Npgsql 8 client did not finish within 120 s");
        }

        return (p.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task A_session_recorded_with_npgsql_8_replays_to_npgsql_10()
    {
        Assert.True(File.Exists(OldClientDll()), $"{OldClientDll()} not built");
        PostgresTestPaths.EnsureServer();
        MemoryRecorder recorder = new();
        var (proxy, recordLog) = await PgHarness.StartRecordAsync(recorder, Server);
        (int code, string output, string error) result;
        await using (proxy)
        {
            result = await RunOldClientAsync($"Host=127.0.0.1;Port={proxy.Port};Username=keploy;Password=keploy;Database=keploy;SSL Mode=Disable");
            await proxy.StopAsync(TimeSpan.FromSeconds(5));
        }

        Assert.True(result.code == 0, result.output + result.error + string.Join("\n", recordLog));
        string[] lines = result.output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(new[] { "1:part-1:12.50", "2:part-2:25.00" }, lines[..2]);
        Assert.StartsWith("npgsql 8.0.3", lines[2]);
        List<Mock> mocks = recorder.Mocks.ToList();

        MockPool pool = new(mocks, null);
        var (replay, log) = PgHarness.StartReplay(pool);
        await using (replay)
        {
            List<string> replayed;
            try
            {
                replayed = await NpgsqlWorkload.RunAsync($"Host=127.0.0.1;Port={replay.Port};Username=keploy;Password=other;Database=keploy;SSL Mode=Disable");
            }
            catch (Npgsql.PostgresException ex)
            {
                throw new InvalidOperationException(ex.MessageText + "\n" + string.Join("\n", log), ex);
            }

            Assert.Equal(lines[..2], replayed);
            Assert.Equal(10, typeof(Npgsql.NpgsqlConnection).Assembly.GetName().Version!.Major);
            IReadOnlyList<MockEvent> events = pool.TakeEvents();
            Assert.True(events.All(e => e.Miss is null), string.Join("\n", log));
            List<string> warnings = log.Where(l => l.Contains("driver upgrade?", StringComparison.Ordinal)).ToList();
            Assert.True(warnings.Count > 0, "expected fallback warnings:\n" + string.Join("\n", log));
            foreach (string w in warnings)
            {
                _output.WriteLine(w);
            }

            Assert.All(warnings, w =>
            {
                Assert.Contains("was not recorded; served the closest recorded one, mock-", w);
                Assert.Contains("differ at column ", w);
                Assert.True(w.Length < 600, w);
            });
        }
    }
}
