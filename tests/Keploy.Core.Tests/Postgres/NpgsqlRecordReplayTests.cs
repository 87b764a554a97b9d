using System.Net;
using Keploy.Core.Models;
using Keploy.Core.Replay;
using Npgsql;

namespace Keploy.Core.Tests.Postgres;

[Trait("Category", "Postgres")]
public sealed class NpgsqlRecordReplayTests
{
    private static readonly IPEndPoint Server = new(IPAddress.Loopback, 55432);

    private static async Task<List<string>> RunWorkload(string cs, bool reversePrepare)
    {
        List<string> seen = new();
        await using NpgsqlConnection conn = new(cs);
        await conn.OpenAsync();
        await using (NpgsqlCommand create = new("CREATE TABLE IF NOT EXISTS pgtest_items (id int primary key, name text)", conn))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using (NpgsqlCommand del = new("DELETE FROM pgtest_items", conn))
        {
            await del.ExecuteNonQueryAsync();
        }

        for (int i = 1; i <= 3; i++)
        {
            await using NpgsqlCommand ins = new("INSERT INTO pgtest_items (id, name) VALUES ($1, $2)", conn);
            ins.Parameters.AddWithValue(i);
            ins.Parameters.AddWithValue("item-" + i);
            await ins.ExecuteNonQueryAsync();
        }

        // Explicitly prepared statements; the order changes the names Npgsql gives them (_p1, _p2).
        NpgsqlCommand byId = new("SELECT name FROM pgtest_items WHERE id = $1", conn);
        byId.Parameters.Add(new NpgsqlParameter { Value = 2 });
        NpgsqlCommand count = new("SELECT count(*) FROM pgtest_items", conn);
        if (reversePrepare)
        {
            await count.PrepareAsync();
            await byId.PrepareAsync();
        }
        else
        {
            await byId.PrepareAsync();
            await count.PrepareAsync();
        }

        seen.Add("byId=" + await byId.ExecuteScalarAsync());
        seen.Add("count=" + await count.ExecuteScalarAsync());

        // The same query twice, with a change in between: answers must come back in recorded order.
        await using (NpgsqlCommand all = new("SELECT id, name FROM pgtest_items ORDER BY id", conn))
        await using (NpgsqlDataReader r = await all.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                seen.Add($"{r.GetInt32(0)}:{r.GetString(1)}");
            }
        }

        await using (NpgsqlCommand upd = new("UPDATE pgtest_items SET name = 'changed' WHERE id = 1", conn))
        {
            await upd.ExecuteNonQueryAsync();
        }

        await using (NpgsqlCommand all = new("SELECT id, name FROM pgtest_items ORDER BY id", conn))
        await using (NpgsqlDataReader r = await all.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                seen.Add($"{r.GetInt32(0)}:{r.GetString(1)}");
            }
        }

        await byId.DisposeAsync();
        await count.DisposeAsync();
        return seen;
    }

    [Fact]
    public async Task Record_then_replay_without_the_server()
    {
        PostgresTestPaths.EnsureServer();
        MemoryRecorder recorder = new();
        List<string> recorded;
        var (proxy, log) = await PgHarness.StartRecordAsync(recorder, Server);
        await using (proxy)
        {
            recorded = await RunWorkload(PgHarness.Via(proxy.Port), reversePrepare: false);
            await proxy.StopAsync(TimeSpan.FromSeconds(5));
        }

        Assert.Contains("byId=item-2", recorded);
        Assert.Contains("1:changed", recorded);
        List<Mock> mocks = recorder.Mocks.ToList();
        Assert.All(mocks, m => Assert.Equal("Postgres", m.Kind));
        Assert.Contains(mocks, m => PgHarness.Type(m) == "config");
        Assert.Contains(mocks, m => PgHarness.Type(m) == "connection");
        Assert.Contains(mocks, m => PgHarness.Type(m) == "mocks");
        Assert.DoesNotContain(log, l => l.Contains("malformed"));

        // Replay: no server involved (destination is port 1), a wrong password, statements prepared in the other order.
        MockPool pool = new(mocks, null);
        var (replay, replayLog) = PgHarness.StartReplay(pool);
        await using (replay)
        {
            List<string> replayed = await RunWorkload(PgHarness.Via(replay.Port, password: "not-the-password"), reversePrepare: true);
            Assert.Equal(recorded, replayed);
            IReadOnlyList<MockEvent> events = pool.TakeEvents();
            Assert.DoesNotContain(events, e => e.Miss is not null);

            // An unrecorded statement: ErrorResponse naming the closest mock, and a reported miss.
            await using NpgsqlConnection conn = new(PgHarness.Via(replay.Port));
            await conn.OpenAsync();
            await using NpgsqlCommand cmd = new("SELECT id, name FROM pgtest_items WHERE id = 99 ORDER BY id", conn);
            PostgresException ex = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteScalarAsync());
            Assert.Equal("XX000", ex.SqlState);
            Assert.Contains("no recorded mock matched", ex.MessageText);
            Assert.Contains("closest: mock-", ex.MessageText);
            MockEvent miss = Assert.Single(pool.TakeEvents(), e => e.Miss is not null);
            Assert.Equal("Postgres", miss.Miss!.Kind);
            Assert.NotNull(miss.Miss.ClosestMock);
        }
    }
}
