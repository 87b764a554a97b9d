using System.Net;
using System.Net.Sockets;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Postgres;
using Keploy.Core.Protocols.Postgres.Messages;
using Keploy.Core.Replay;
using Npgsql;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Tests.Postgres;

[Trait("Category", "Postgres")]
public sealed class PgRobustnessTests
{
    [Fact]
    public void Codec_decodes_real_bytes_and_rejects_truncation()
    {
        byte[] parse = new Parse("s1", "SELECT $1", new[] { 23 }).Encode();
        Assert.Equal(Convert.FromHexString("500000001773310053454C45435420243100000100000017"), parse);
        Parse decoded = Assert.IsType<Parse>(PgMessageDecoder.DecodeFrontend(new PgFrame(parse[0], parse)));
        Assert.Equal("SELECT $1", decoded.Sql);
        byte[] truncated = Convert.FromHexString("500000000A733100"); // claims more than it holds: String missing its NUL
        PgProtocolException ex = Assert.Throws<PgProtocolException>(() => PgMessageDecoder.DecodeFrontend(new PgFrame(truncated[0], truncated)));
        Assert.Contains("Parse", ex.Message);
        Assert.Equal("SSLRequest", PgMessageDecoder.DecodeFrontend(new PgFrame(0, Convert.FromBase64String("AAAACATSFi8="))).Name);
    }

    [Fact]
    public async Task Garbage_from_one_client_keeps_other_connections_mocks()
    {
        PostgresTestPaths.EnsureServer();
        MemoryRecorder recorder = new();
        var (proxy, log) = await PgHarness.StartRecordAsync(recorder, new IPEndPoint(IPAddress.Loopback, 55432));
        await using (proxy)
        {
            await using (NpgsqlConnection good = new(PgHarness.Via(proxy.Port)))
            {
                await good.OpenAsync();
                await using NpgsqlCommand c = new("SELECT 41 + 1", good);
                Assert.Equal(42, await c.ExecuteScalarAsync());

                using Socket bad = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await bad.ConnectAsync(IPAddress.Loopback, proxy.Port);
                byte[] startup = new StartupMessage(StartupMessage.Version30, new[] { KeyValuePair.Create("user", "keploy"), KeyValuePair.Create("database", "keploy") }).Encode();
                await bad.SendAsync(startup);
                await Task.Delay(200);
                await bad.SendAsync(new byte[] { 0xFF, 0, 0, 0, 9, 1, 2, 3, 4 });
                byte[] buf = new byte[4096];
                while (await bad.ReceiveAsync(buf) > 0)
                {
                }

                await using NpgsqlCommand c2 = new("SELECT 'still fine'", good);
                Assert.Equal("still fine", await c2.ExecuteScalarAsync());
            }

            await proxy.StopAsync(TimeSpan.FromSeconds(5));
        }

        Assert.Contains(log, l => l.Contains("malformed frontend traffic") && l.Contains("0xFF"));
        Assert.Contains(recorder.Mocks, m => YamlNodes.GetSequence(m.Spec, "postgresrequests")!.ToString().Contains("U0VMRUNUIDQxICsgMQ", StringComparison.Ordinal) || Decode(m).Contains("SELECT 41 + 1"));
    }

    [Fact]
    public async Task Employee_manager_fixture_answers_npgsql()
    {
        string file = Path.Combine(PostgresTestPaths.Fixtures, "samples-java", "employee-manager", "keploy", "test-set-2", "mocks.yaml");
        YamlStream yaml = new();
        using (StreamReader reader = new(file))
        {
            yaml.Load(reader);
        }

        List<Mock> mocks = new();
        foreach (YamlDocument doc in yaml.Documents)
        {
            YamlMappingNode root = (YamlMappingNode)doc.RootNode;
            Mock m = new() { Kind = YamlNodes.GetString(root, "kind")!, Name = YamlNodes.GetString(root, "name")!, Spec = YamlNodes.GetMapping(root, "spec")! };
            if (YamlNodes.Get(root, "connectionId") is YamlNode c)
            {
                m.SetExtra("connectionId", c);
            }

            mocks.Add(m);
        }

        Assert.Equal(72, mocks.Count);
        MockPool pool = new(mocks, null);
        var (replay, rlog) = PgHarness.StartReplay(pool);
        try
        {
        await using (replay)
        {
            // The recorded server is 15.2 with user keploy-user; any password works.
            await using NpgsqlConnection conn = new($"Host=127.0.0.1;Port={replay.Port};Username=keploy-user;Password=whatever;Database=keploy-test;Pooling=false;SSL Mode=Disable;Server Compatibility Mode=NoTypeLoading");
            await conn.OpenAsync();
            await using NpgsqlCommand show = new("SHOW TRANSACTION ISOLATION LEVEL", conn);
            Assert.Equal("read committed", await show.ExecuteScalarAsync());
            await using NpgsqlCommand schema = new("select current_schema()", conn);
            Assert.Equal("public", await schema.ExecuteScalarAsync());
            Assert.DoesNotContain(pool.TakeEvents(), e => e.Miss is not null);
        }
        }
        catch (Exception ex)
        {
            throw new Xunit.Sdk.XunitException(string.Join("\n", rlog) + "\n" + ex);
        }
    }

    private static string Decode(Mock m) => new YamlStream(new YamlDocument(m.Spec)).ToString() ?? "";
}
