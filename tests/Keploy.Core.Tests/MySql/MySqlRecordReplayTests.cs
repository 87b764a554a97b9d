using System.Collections.Concurrent;
using System.Net;
using Keploy.Core.Models;
using Keploy.Core.Protocols.MySql;
using Keploy.Core.Proxy;
using Keploy.Core.Replay;
using Keploy.Core.Storage;
using Keploy.Core.Tests.Postgres;
using MySqlConnector;
using MySqlCommand = MySqlConnector.MySqlCommand;

namespace Keploy.Core.Tests.MySql;

internal static class MySqlHarness
{
    public static (ProxyServer Proxy, ConcurrentQueue<string> Log) StartRecord(IMockRecorder recorder, int serverPort)
    {
        ConcurrentQueue<string> log = new();
        ProxyServer proxy = new(new ProxyServerOptions { Mode = ProxyMode.Record, Port = 0, Addresses = new[] { IPAddress.Loopback }, Recorder = recorder },
            new IProtocolIntegration[] { new MySqlIntegration([serverPort]) }, new FixedDestinationResolver(new IPEndPoint(IPAddress.Loopback, serverPort)), log.Enqueue);
        proxy.Start();
        return (proxy, log);
    }

    /// <summary>Test mode; the destination is a closed port (1), so nothing real could answer.</summary>
    public static (ProxyServer Proxy, ConcurrentQueue<string> Log) StartReplay(MockPool pool, int claimedPort = 1)
    {
        ConcurrentQueue<string> log = new();
        ProxyServer proxy = new(new ProxyServerOptions { Mode = ProxyMode.Test, Port = 0, Addresses = new[] { IPAddress.Loopback }, Mocks = pool, Debug = log.Enqueue, Warn = log.Enqueue },
            new IProtocolIntegration[] { new MySqlIntegration([claimedPort]) }, new FixedDestinationResolver(new IPEndPoint(IPAddress.Loopback, claimedPort)), log.Enqueue);
        proxy.Start();
        return (proxy, log);
    }

    public static string Via(int port, string password = "keploy", string database = "keploy") =>
        $"Server=127.0.0.1;Port={port};User ID=keploy;Password={password};Database={database};Pooling=false;SslMode=None;AllowPublicKeyRetrieval=true;Connection Timeout=60;Default Command Timeout=60";

    public static string Type(Mock m) => YamlNodes.GetString(YamlNodes.GetMapping(m.Spec, "metadata"), "type") ?? "";

    public static string Misses(MockPool pool) => string.Join("\n", pool.TakeEvents().Where(e => e.Miss is not null).Select(e => e.Miss!.Summary));
}

[Trait("Category", "MySql")]
public sealed class MySqlRecordReplayTests
{
    /// <summary>Text and prepared statements, two result sets in one COM_QUERY, an error, a rolled-back transaction.</summary>
    private static async Task<List<string>> WorkloadAsync(string connectionString, string table)
    {
        List<string> seen = new();
        await using (MySqlConnection c = new(connectionString))
        {
            await c.OpenAsync();
            await using (MySqlCommand create = new($"CREATE TABLE IF NOT EXISTS {table} (id INT PRIMARY KEY, name VARCHAR(50), price DECIMAL(10,2), qty BIGINT UNSIGNED, made DATETIME(6), note TEXT NULL)", c))
            {
                await create.ExecuteNonQueryAsync();
            }

            await using (MySqlCommand insert = new($"INSERT INTO {table} VALUES (1, 'apple', 1.50, 7, '2026-12-02 03:04:05.123456', NULL), (2, 'pear', 2.25, 9, '2026-12-02 03:04:06', 'ripe')", c))
            {
                seen.Add("inserted " + await insert.ExecuteNonQueryAsync());
            }

            await using (MySqlCommand select = new($"SELECT id, name, price, qty, made, note FROM {table} ORDER BY id", c))
            await using (MySqlDataReader r = await select.ExecuteReaderAsync())
            {
                while (await r.ReadAsync())
                {
                    seen.Add($"text {r.GetInt32(0)} {r.GetString(1)} {r.GetDecimal(2)} {r.GetUInt64(3)} {r.GetDateTime(4):O} {(r.IsDBNull(5) ? "NULL" : r.GetString(5))}");
                }
            }

            await using (MySqlCommand prepared = new($"SELECT id, name, price, qty, made, note FROM {table} WHERE id >= @id AND name <> @name ORDER BY id", c))
            {
                prepared.Parameters.AddWithValue("@id", 1);
                prepared.Parameters.AddWithValue("@name", "nothing");
                await prepared.PrepareAsync();
                for (int round = 0; round < 2; round++)
                {
                    await using MySqlDataReader r = await prepared.ExecuteReaderAsync();
                    while (await r.ReadAsync())
                    {
                        seen.Add($"binary {round} {r.GetInt32(0)} {r.GetString(1)} {r.GetDecimal(2)} {r.GetUInt64(3)} {r.GetDateTime(4):O} {(r.IsDBNull(5) ? "NULL" : r.GetString(5))}");
                    }

                    prepared.Parameters["@id"].Value = 2;
                }
            }

            await using (MySqlCommand multi = new("SELECT 1 AS one; SELECT 'two' AS two, NULL AS nothing", c))
            await using (MySqlDataReader r = await multi.ExecuteReaderAsync())
            {
                do
                {
                    while (await r.ReadAsync())
                    {
                        seen.Add("multi " + string.Join(",", Enumerable.Range(0, r.FieldCount).Select(i => r.GetName(i) + "=" + (r.IsDBNull(i) ? "NULL" : r.GetValue(i)))));
                    }
                }
                while (await r.NextResultAsync());
            }

            try
            {
                await using MySqlCommand bad = new("SELECT * FROM no_such_table_keploy", c);
                await bad.ExecuteScalarAsync();
                seen.Add("no error");
            }
            catch (MySqlException ex)
            {
                seen.Add($"error {ex.Number} {ex.SqlState} {ex.Message}");
            }

            await using (MySqlTransaction tx = await c.BeginTransactionAsync())
            {
                await using MySqlCommand ins = new($"INSERT INTO {table} VALUES (3, 'plum', 3.00, 1, '2026-12-02 03:04:07', NULL)", c, tx);
                seen.Add("in transaction " + await ins.ExecuteNonQueryAsync());
                await tx.RollbackAsync();
            }

            await using (MySqlCommand count = new($"SELECT COUNT(*) FROM {table}", c))
            {
                seen.Add("count " + await count.ExecuteScalarAsync());
            }

            await c.PingAsync();
        }

        return seen;
    }

    [Fact]
    public async Task Record_against_MariaDB_then_replay_without_it_gives_the_same_results()
    {
        string table = "kt_" + Guid.NewGuid().ToString("N")[..12];
        MemoryRecorder recorder = new();
        List<string> recorded;
        ConcurrentQueue<string> recordLog;
        (ProxyServer proxy, recordLog) = MySqlHarness.StartRecord(recorder, MariaDbServer.Port);
        await using (proxy)
        {
            recorded = await WorkloadAsync(MySqlHarness.Via(proxy.Port), table);
            await proxy.StopAsync(TimeSpan.FromSeconds(5));
        }

        Assert.DoesNotContain(recordLog, l => l.Contains("malformed") || l.Contains("closing"));
        Assert.Contains("inserted 2", recorded);
        Assert.Contains(recorded, s => s.StartsWith("error 1146 42S02", StringComparison.Ordinal));
        Assert.Contains("count 2", recorded);
        Assert.Equal(2, recorded.Count(s => s.StartsWith("binary 0", StringComparison.Ordinal)));
        Assert.Contains("multi two=two,nothing=NULL", recorded);

        // The mocks go through the YAML file format (written, read back) before replay.
        List<Mock> mocks = recorder.Mocks.ToList();
        Assert.All(mocks, m => Assert.Equal("MySQL", m.Kind));
        Assert.Equal("config", MySqlHarness.Type(mocks[0]));
        Assert.Contains(mocks, m => MySqlHarness.Type(m) == "connection");
        string text = KeployYaml.FormatMocks(mocks);
        Assert.DoesNotContain("password: keploy", text);
        List<Mock> reread = KeployYaml.ReadNodes(new StringReader(text), "mocks.yaml").Select(d => KeployYaml.FromNode<Mock>(d.Root, d.Location)).ToList();

        MockPool pool = new(reread, null);
        (ProxyServer replay, ConcurrentQueue<string> log) = MySqlHarness.StartReplay(pool);
        List<string> replayed;
        await using (replay)
        {
            replayed = await WorkloadAsync(MySqlHarness.Via(replay.Port, password: "not-the-password"), table);
        }

        Assert.True(recorded.SequenceEqual(replayed), "recorded:\n" + string.Join("\n", recorded) + "\nreplayed:\n" + string.Join("\n", replayed) + "\nlog:\n" + string.Join("\n", log));
        Assert.Equal("", MySqlHarness.Misses(pool));
    }

    [Fact]
    public async Task MySqlConnector_is_answered_from_the_ecommerce_fixture()
    {
        List<Mock> mocks = KeployYaml.ReadMocks(Path.Combine(TestPaths.Fixtures, "ecommerce_sample_app/keploy/test-set-0/mocks.yaml")).ToList();
        MockPool pool = new(mocks, null);
        (ProxyServer replay, ConcurrentQueue<string> log) = MySqlHarness.StartReplay(pool);
        await using (replay)
        {
            await using MySqlConnection c = new(MySqlHarness.Via(replay.Port, password: "anything", database: "order_db") + ";Allow User Variables=true");
            await c.OpenAsync();
            Assert.Equal("8.0.44", c.ServerVersion);
            await using (MySqlCommand cmd = new("CREATE DATABASE IF NOT EXISTS order_db", c))
            {
                Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
            }

            await using (MySqlCommand cmd = new("SELECT version FROM schema_migrations", c))
            await using (MySqlDataReader r = await cmd.ExecuteReaderAsync())
            {
                Assert.Equal("version", r.GetName(0));
                Assert.False(await r.ReadAsync());
            }

            await using (MySqlCommand cmd = new("INSERT INTO schema_migrations (version) VALUES ('0001')", c))
            {
                Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
            }

            await using (MySqlCommand cmd = new("SET @stmt = IF(@col_exists > 0, 'SELECT 1', 'ALTER TABLE orders ADD COLUMN shipping_address_id VARCHAR(36) NULL AFTER idempotency_key')", c))
            {
                await cmd.ExecuteNonQueryAsync();
            }

            await using (MySqlCommand cmd = new("PREPARE s FROM @stmt", c))
            {
                await cmd.ExecuteNonQueryAsync();
            }
        }

        Assert.True(MySqlHarness.Misses(pool) == "", string.Join("\n", log));
    }
}
