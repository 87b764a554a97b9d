using System.Diagnostics;
using Keploy.Core.Models;
using Keploy.Core.Tests.Postgres;

namespace Keploy.Core.Tests.Redis;

/// <summary>redis-benchmark (Debian's redis-tools) through the recording proxy: no errors, one mock per command sent.</summary>
[Trait("Category", "Redis")]
public sealed class RedisBenchmarkRecordTests
{
    private static (int Code, string Output) Benchmark(int port, string args)
    {
        ProcessStartInfo psi = new("redis-benchmark", $"-h 127.0.0.1 -p {port} {args}") { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process p = Process.Start(psi)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(180_000))
        {
            p.Kill(entireProcessTree: true);
            return (-1, output + "\n(killed after 180 s)");
        }

        return (p.ExitCode, output + err.Result);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)] // -P 16: 16 commands in flight per connection
    public async Task Redis_benchmark_through_the_recording_proxy(int pipeline)
    {
        MemoryRecorder recorder = new();
        (int Code, string Output) run;
        using (RedisTestServer server = RedisTestServer.Start())
        {
            var (proxy, log) = RedisHarness.StartRecord(recorder, server.Port);
            await using (proxy)
            {
                run = Benchmark(proxy.Port, $"-c 8 -n 2000 -P {pipeline} -t set,get -q");
                await proxy.StopAsync(TimeSpan.FromSeconds(10));
            }

            Assert.DoesNotContain(log, l => l.Contains("malformed") || l.Contains("truncated"));
        }

        Assert.True(run.Code == 0, run.Output);
        Assert.DoesNotContain("error", run.Output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("SET: ", run.Output);
        Assert.Contains("GET: ", run.Output);

        // -n 2000 per test, whatever -P and -c: 2000 SET + 2000 GET commands, each one mock with its own reply. redis-benchmark
        // also asks its settings (CONFIG GET save / appendonly) on a connection of its own: session mocks, counted apart.
        List<Mock> mocks = recorder.Mocks.ToList();
        int set = mocks.Count(m => RedisHarness.Operation(m) == "SET");
        int get = mocks.Count(m => RedisHarness.Operation(m) == "GET");
        int config = mocks.Count(m => RedisHarness.Operation(m) == "CONFIG GET");
        Assert.Equal(2000, set);
        Assert.Equal(2000, get);
        Assert.Equal(set + get + config, mocks.Count);
        Assert.All(mocks.Where(m => RedisHarness.Operation(m) == "SET"), m => Assert.Equal("+OK\r\n", System.Text.Encoding.ASCII.GetString(Keploy.Core.Protocols.Redis.RedisMock.Read(m)!.ResponseBytes)));
    }
}
