using Keploy.Core.Models;
using Keploy.Core.Protocols.Redis;
using Keploy.Core.Replay;
using Keploy.Core.Storage;
using StackExchange.Redis;

namespace Keploy.Core.Tests.Redis;

/// <summary>
/// Mocks written by Keploy: keploy/samples-java spring-boot-redis (<c>kind: Redis</c>, Lettuce over RESP3) and keploy/samples-go
/// gin-redis (<c>kind: Generic</c>, go-redis over RESP2, legacy v1beta2). Both load, and StackExchange.Redis is answered from them.
/// </summary>
[Trait("Category", "Redis")]
public sealed class KeployRedisFixtureTests
{
    private static string Spring => Path.Combine(TestPaths.Fixtures, "samples-java", "spring-boot-redis", "keploy", "test-set-0", "mocks.yaml");

    private static string Gin => Path.Combine(TestPaths.Fixtures, "samples-go", "gin-redis", "keploy", "test-set-0", "mocks.yaml");

    private static ConfigurationOptions Options(int port, RedisProtocol protocol) => new()
    {
        EndPoints = { { "127.0.0.1", port } },
        AbortOnConnectFail = true,
        ConnectTimeout = 15_000,
        SyncTimeout = 15_000,
        AsyncTimeout = 15_000,
        Protocol = protocol,
    };

    [Fact]
    public void Spring_boot_redis_mocks_load_as_Redis()
    {
        List<Mock> mocks = KeployYaml.ReadMocks(Spring).ToList();
        Assert.Equal(28, mocks.Count);
        List<RedisMock> views = mocks.Select(m => RedisMock.Read(m)!).ToList();
        Assert.All(views, v => Assert.Equal("Redis", v.Kind));
        Assert.All(views, v => Assert.Single(RedisCommand.ParseAll(v.RequestBytes)));
        Assert.Equal("HELLO", RedisCommand.ParseAll(views[0].RequestBytes)[0].Name);
        Assert.Equal(10, views.Count(v => RedisCommand.ParseAll(v.RequestBytes)[0].Name == "HGETALL"));
        Assert.All(mocks, m => Assert.Equal(MockLifetime.Session, m.Lifetime));
    }

    [Fact]
    public void Gin_redis_Generic_mocks_load_as_Redis()
    {
        List<Mock> mocks = KeployYaml.ReadMocks(Gin).ToList();
        Assert.Equal(7, mocks.Count);
        List<RedisMock> views = mocks.Select(m => RedisMock.Read(m)!).ToList();
        Assert.All(views, v => Assert.Equal("Generic", v.Kind));
        Assert.Equal(new[] { "PING", "SET", "SET", "SET", "SET", "SET", "SET" }, views.Select(v => RedisCommand.ParseAll(v.RequestBytes)[0].Name));
        Assert.All(views, v => Assert.Equal("+", System.Text.Encoding.ASCII.GetString(v.ResponseBytes, 0, 1)));
    }

    [Fact]
    public void A_Generic_mock_of_another_protocol_is_not_Redis()
    {
        Mock http = new() { Kind = "Generic", Spec = new YamlDotNet.RepresentationModel.YamlMappingNode() };
        http.Spec.Add("genericrequests", new YamlDotNet.RepresentationModel.YamlSequenceNode(new YamlDotNet.RepresentationModel.YamlMappingNode
        {
            { "origin", "client" },
            { "message", new YamlDotNet.RepresentationModel.YamlSequenceNode(new YamlDotNet.RepresentationModel.YamlMappingNode { { "type", "binary" }, { "data", Convert.ToBase64String(new byte[] { 0x16, 0x03, 0x01 }) } }) },
        }));
        http.Spec.Add("genericresponses", new YamlDotNet.RepresentationModel.YamlSequenceNode());
        Assert.Null(RedisMock.Read(http));
    }

    [Fact]
    public async Task StackExchange_Redis_is_answered_from_the_spring_boot_redis_mocks()
    {
        MockPool pool = new(KeployYaml.ReadMocks(Spring), null);
        var (replay, _) = RedisHarness.StartReplay(pool);
        await using (replay)
        {
            await using ConnectionMultiplexer mux = await ConnectionMultiplexer.ConnectAsync(Options(replay.Port, RedisProtocol.Resp3));
            IDatabase db = mux.GetDatabase();
            // KeyDeleteAsync sends UNLINK to a 7.x server; Lettuce sent DEL, so DEL is sent as recorded.
            Assert.Equal(0, (long)await db.ExecuteAsync("DEL", "products:1"));
            HashEntry[] product = await db.HashGetAllAsync("products:1");
            Assert.Equal("Laptop", product.Single(e => e.Name == "name").Value.ToString());
            Assert.Equal("1200.0", product.Single(e => e.Name == "price").Value.ToString());
            Assert.Equal(1, await db.SetAddAsync("products", "1") ? 1 : 0);
            Assert.Contains(pool.TakeEvents(), e => e.Mock is not null && e.Mock.Name == "mock-4");

            RedisServerException miss = await Assert.ThrowsAsync<RedisServerException>(() => db.StringGetAsync("not-recorded"));
            Assert.Contains("keploy: no mock for GET \"not-recorded\"", miss.Message);
        }
    }

    [Fact]
    public async Task StackExchange_Redis_is_answered_from_the_gin_redis_Generic_mocks()
    {
        MockPool pool = new(KeployYaml.ReadMocks(Gin), null);
        var (replay, _) = RedisHarness.StartReplay(pool);
        await using (replay)
        {
            await using ConnectionMultiplexer mux = await ConnectionMultiplexer.ConnectAsync(Options(replay.Port, RedisProtocol.Resp2));
            IDatabase db = mux.GetDatabase();

            // go-redis wrote `set <key> <otp> ex 14400` (StringSetAsync with an expiry would send SETEX): sent as such, option
            // keyword in upper case (the server reads it case-insensitively, so does the matcher).
            foreach (string otp in new[] { "4203", "9831", "1918" })
            {
                Assert.Equal("OK", (await db.ExecuteAsync("SET", "shivamsouravjha@gmail.com", otp, "EX", "14400")).ToString());
            }

            List<MockEvent> events = pool.TakeEvents().ToList();
            Assert.Equal(3, events.Count(e => e.Mock is not null && e.Mock.Kind == "Generic" && RedisMatcher.Get(e.Mock)!.Command!.Name == "SET"));
            Assert.DoesNotContain(events, e => e.Miss is not null && e.Miss.Summary.StartsWith("Redis SET", StringComparison.Ordinal));

            // The same key with an OTP never recorded is a miss, not a wrong answer.
            await Assert.ThrowsAsync<RedisServerException>(() => db.ExecuteAsync("SET", "shivamsouravjha@gmail.com", "0000", "EX", "14400"));
            Assert.Equal("PONG", (await db.ExecuteAsync("PING")).ToString());
        }
    }
}
