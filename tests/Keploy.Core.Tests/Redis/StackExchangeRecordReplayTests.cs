using System.Text;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Redis;
using Keploy.Core.Replay;
using Keploy.Core.Sanitize;
using Keploy.Core.Storage;
using Keploy.Core.Tests.Postgres;
using StackExchange.Redis;

namespace Keploy.Core.Tests.Redis;

/// <summary>
/// StackExchange.Redis 3.4.35 against a real redis-server through the recording proxy, then against the replaying proxy with the
/// server stopped: GET/SET/HSET, a pipelined batch, MULTI/EXEC, pub/sub, BLPOP with a timeout, a 1 MB value; RESP2 and RESP3.
/// </summary>
[Trait("Category", "Redis")]
public sealed class StackExchangeRecordReplayTests
{
    private static ConfigurationOptions Options(int port, bool resp3, string? password = null)
    {
        ConfigurationOptions o = new()
        {
            EndPoints = { { "127.0.0.1", port } },
            AbortOnConnectFail = true,
            ConnectTimeout = 15_000,
            SyncTimeout = 15_000,
            AsyncTimeout = 15_000,
            ConnectRetry = 1,
            ClientName = "keploy-test",
            Password = password,
        };
        o.Protocol = resp3 ? RedisProtocol.Resp3 : RedisProtocol.Resp2;

        return o;
    }

    private static async Task<List<string>> Workload(int port, bool resp3, string? password = null)
    {
        List<string> seen = new();
        await using ConnectionMultiplexer mux = await ConnectionMultiplexer.ConnectAsync(Options(port, resp3, password));
        IDatabase db = mux.GetDatabase();
        await db.StringSetAsync("user:1", "alice");
        seen.Add("get=" + await db.StringGetAsync("user:1"));
        seen.Add("missing=" + (await db.StringGetAsync("user:none")).IsNull);
        await db.HashSetAsync("h:1", new[] { new HashEntry("name", "laptop"), new HashEntry("price", "1200") });
        seen.Add("hgetall=" + string.Join(",", (await db.HashGetAllAsync("h:1")).OrderBy(e => (string)e.Name!).Select(e => $"{e.Name}={e.Value}")));

        // Pipelined: 20 commands written before any answer is read.
        IBatch batch = db.CreateBatch();
        List<Task<long>> incrs = Enumerable.Range(0, 20).Select(_ => batch.StringIncrementAsync("counter")).ToList();
        batch.Execute();
        seen.Add("incr=" + string.Join(",", await Task.WhenAll(incrs)));

        // MULTI/EXEC.
        ITransaction tx = db.CreateTransaction();
        Task<bool> txSet = tx.StringSetAsync("tx:k", "v1");
        Task<long> txIncr = tx.StringIncrementAsync("tx:n", 5);
        seen.Add("exec=" + await tx.ExecuteAsync());
        seen.Add($"tx={await txSet},{await txIncr}");

        // Large value (1 MB, streamed through).
        string big = new('x', 1 << 20);
        await db.StringSetAsync("big", big);
        seen.Add("big=" + (await db.StringGetAsync("big")).ToString().Length);

        // Blocking: BLPOP on an empty list times out after 1 s; on a filled one it answers at once.
        RedisResult timedOut = await db.ExecuteAsync("BLPOP", "empty:list", 1);
        seen.Add("blpop-timeout=" + timedOut.IsNull);
        await db.ListRightPushAsync("q", "job-1");
        RedisResult popped = await db.ExecuteAsync("BLPOP", "q", 5);
        seen.Add("blpop=" + string.Join(",", ((RedisResult[])popped!).Select(r => r.ToString())));

        // Pub/sub: a message published on one connection arrives on the subscription.
        ISubscriber sub = mux.GetSubscriber();
        TaskCompletionSource<string> got = new(TaskCreationOptions.RunContinuationsAsynchronously);
        await sub.SubscribeAsync(RedisChannel.Literal("news"), (_, message) => got.TrySetResult(message!));
        long receivers = await db.PublishAsync(RedisChannel.Literal("news"), "hello subscribers");
        seen.Add("receivers=" + receivers);
        seen.Add("message=" + await got.Task.WaitAsync(TimeSpan.FromSeconds(20)));
        await sub.UnsubscribeAllAsync();
        return seen;
    }

    private static string Yaml(IEnumerable<Mock> mocks) => KeployYaml.FormatMocks(mocks);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Record_then_replay_with_the_server_stopped(bool resp3)
    {
        MemoryRecorder recorder = new();
        List<string> recorded;
        using (RedisTestServer server = RedisTestServer.Start())
        {
            var (proxy, log) = RedisHarness.StartRecord(recorder, server.Port);
            await using (proxy)
            {
                recorded = await Workload(proxy.Port, resp3);
                await proxy.StopAsync(TimeSpan.FromSeconds(5));
            }

            Assert.DoesNotContain(log, l => l.Contains("malformed") || l.Contains("truncated"));
        }

        Assert.Equal(new[]
        {
            "get=alice", "missing=True", "hgetall=name=laptop,price=1200", "incr=" + string.Join(",", Enumerable.Range(1, 20)), "exec=True",
            "tx=True,5", "big=1048576", "blpop-timeout=True", "blpop=q,job-1", "receivers=1", "message=hello subscribers",
        }, recorded);

        List<Mock> mocks = recorder.Mocks.ToList();
        Assert.All(mocks, m => Assert.Equal("Redis", m.Kind));
        Assert.Equal(20, mocks.Count(m => RedisHarness.Operation(m) == "INCR"));
        Assert.Contains(mocks, m => RedisHarness.Operation(m) == "MULTI");
        Assert.Contains(mocks, m => RedisHarness.Operation(m) == "EXEC");
        Assert.Contains(mocks, m => RedisHarness.Operation(m) == "push");
        Assert.Contains(mocks, m => RedisHarness.Operation(m) == "CLIENT SETNAME" && RedisHarness.Type(m) == "config");
        if (resp3)
        {
            Assert.Contains(mocks, m => RedisHarness.Operation(m) == "HELLO" && RedisMock.Read(m)!.ResponseBytes[0] == (byte)'%');
        }
        else
        {
            Assert.DoesNotContain(mocks, m => RedisMock.Read(m)!.ResponseBytes.FirstOrDefault() is (byte)'%' or (byte)'>');
        }

        Mock blpop = mocks.First(m => RedisHarness.Operation(m) == "BLPOP");
        Assert.True(blpop.ResponseTimestamp - blpop.RequestTimestamp >= TimeSpan.FromMilliseconds(500), "the recorded BLPOP keeps its wait");

        // Write-back: our mocks, written and read back, write the same text again.
        string dir = Path.Combine(Path.GetTempPath(), "keploy-redis-wb-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            string file = Path.Combine(dir, "mocks.yaml");
            string text = Yaml(mocks);
            File.WriteAllText(file, text);
            List<Mock> back = KeployYaml.ReadMocks(file).ToList();
            Assert.Equal(mocks.Count, back.Count);
            List<Mock> rebuilt = back.Select(m =>
            {
                Mock r = RedisMock.Read(m)!.ToMock();
                r.Name = m.Name;
                return r;
            }).ToList();
            Assert.Equal(text, Yaml(rebuilt));

            // Replay from the file, server gone.
            MockPool pool = new(back, null);
            var (replay, replayLog) = RedisHarness.StartReplay(pool);
            await using (replay)
            {
                List<string> replayed = await Workload(replay.Port, resp3);
                Assert.Equal(recorded, replayed);
                List<MockEvent> events = pool.TakeEvents().ToList();
                Assert.DoesNotContain(events, e => e.Miss is not null && e.Miss.Summary.Contains("INCR", StringComparison.Ordinal));
                Assert.DoesNotContain(events, e => e.Miss is not null && !IsClientHousekeeping(e.Miss.Summary));

                // An unrecorded command: a RESP error naming the miss and the closest mock, and a reported miss.
                await using ConnectionMultiplexer mux = await ConnectionMultiplexer.ConnectAsync(Options(replay.Port, resp3));
                RedisServerException ex = await Assert.ThrowsAsync<RedisServerException>(() => mux.GetDatabase().StringGetAsync("user:2"));
                Assert.Contains("keploy: no mock for GET \"user:2\"", ex.Message);
                Assert.Contains("closest: mock-", ex.Message);
                Assert.Contains(pool.TakeEvents(), e => e.Miss is { Kind: "Redis" } m && m.Summary == "Redis GET \"user:2\"" && m.ClosestMock is not null);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>What StackExchange.Redis sends on its own at a changing pace (heartbeats, tie-breaker reads).</summary>
    internal static bool IsClientHousekeeping(string summary) => summary.StartsWith("Redis ECHO", StringComparison.Ordinal) || summary.Contains("__Booksleeve", StringComparison.Ordinal);

    [Fact]
    public async Task AUTH_password_never_in_the_mocks_and_replay_accepts_any_password()
    {
        const string password = "s3cret-Redis-pw";
        MemoryRecorder recorder = new();
        Sanitizer sanitizer = new(new SecretStore());
        using (RedisTestServer server = RedisTestServer.Start(password))
        {
            var (proxy, _) = RedisHarness.StartRecord(recorder, server.Port);
            await using (proxy)
            {
                await using ConnectionMultiplexer mux = await ConnectionMultiplexer.ConnectAsync(Options(proxy.Port, resp3: false, password));
                await mux.GetDatabase().StringSetAsync("auth:k", "v");
                Assert.Equal("v", (string?)await mux.GetDatabase().StringGetAsync("auth:k"));
                await proxy.StopAsync(TimeSpan.FromSeconds(5));
            }
        }

        List<Mock> mocks = recorder.Mocks.ToList();
        Assert.Contains(mocks, m => RedisHarness.Operation(m) == "AUTH");
        foreach (Mock m in mocks)
        {
            sanitizer.Document(m);
        }

        string text = Yaml(mocks);
        Assert.DoesNotContain(password, text);
        Assert.Contains("{{string .secret.redis_auth }}", text);
        Assert.Contains(password, sanitizer.Store.Get("redis_auth"));

        MockPool pool = new(mocks, null);
        var (replay, _) = RedisHarness.StartReplay(pool);
        await using (replay)
        {
            await using ConnectionMultiplexer mux = await ConnectionMultiplexer.ConnectAsync(Options(replay.Port, resp3: false, "another password"));
            Assert.Equal("v", (string?)await mux.GetDatabase().StringGetAsync("auth:k"));
        }
    }
}
