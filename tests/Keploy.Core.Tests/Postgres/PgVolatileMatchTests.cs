using System.Net;
using Keploy.Core.Models;
using Keploy.Core.Replay;
using Npgsql;

namespace Keploy.Core.Tests.Postgres;

/// <summary>An app-generated Guid and timestamp bound into an INSERT: recorded against the real server, replayed without it.</summary>
[Trait("Category", "Postgres")]
public sealed class PgVolatileMatchTests
{
    private static readonly IPEndPoint Server = new(IPAddress.Loopback, 55432);

    private static async Task<List<string>> InsertOrders(string cs, Guid[] ids)
    {
        List<string> seen = new();
        await using NpgsqlConnection conn = new(cs);
        await conn.OpenAsync();
        await using (NpgsqlCommand create = new("CREATE TABLE IF NOT EXISTS pgtest_orders (id uuid primary key, created timestamptz not null, note text)", conn))
        {
            await create.ExecuteNonQueryAsync();
        }

        foreach (Guid id in ids)
        {
            await using NpgsqlCommand ins = new("INSERT INTO pgtest_orders (id, created, note) VALUES ($1, $2, $3) RETURNING note", conn);
            ins.Parameters.AddWithValue(id);
            ins.Parameters.AddWithValue(DateTime.UtcNow);
            ins.Parameters.AddWithValue("order " + seen.Count);
            seen.Add((string)(await ins.ExecuteScalarAsync())!);
        }

        return seen;
    }

    private static async Task<List<Mock>> RecordAsync()
    {
        PostgresTestPaths.EnsureServer();
        MemoryRecorder recorder = new();
        var (proxy, _) = await PgHarness.StartRecordAsync(recorder, Server);
        await using (proxy)
        {
            List<string> recorded = await InsertOrders(PgHarness.Via(proxy.Port), new[] { Guid.NewGuid(), Guid.NewGuid() });
            Assert.Equal(new[] { "order 0", "order 1" }, recorded);
            await proxy.StopAsync(TimeSpan.FromSeconds(5));
        }

        return recorder.Mocks.ToList();
    }

    [Fact]
    public async Task Changed_uuid_and_time_parameters_are_served_in_recorded_order_and_reported()
    {
        List<Mock> mocks = await RecordAsync();
        MockPool pool = new(mocks, null);
        var (replay, log) = PgHarness.StartReplay(pool);
        await using (replay)
        {
            Guid a = Guid.NewGuid(), b = Guid.NewGuid();
            List<string> replayed = await InsertOrders(PgHarness.Via(replay.Port), new[] { a, b });
            Assert.Equal(new[] { "order 0", "order 1" }, replayed);
            IReadOnlyList<MockEvent> events = pool.TakeEvents();
            Assert.DoesNotContain(events, e => e.Miss is not null);
            List<string> notes = events.Select(e => e.Note).OfType<string>().ToList();
            Assert.Equal(2, notes.Count);
            Assert.Contains($"$1 uuid {a.ToString()[..8]}… ≠ ", notes[0]);
            Assert.Contains("matched with differences:", notes[0]);
            Assert.Contains("$2 timestamptz", notes[0]);
            Assert.Contains($"$1 uuid {b.ToString()[..8]}… ≠ ", notes[1]);
            Assert.DoesNotContain("$3", notes[0]);
        }
    }

    [Fact]
    public async Task Strict_mocks_turn_the_changed_uuid_into_a_miss_with_decoded_parameters()
    {
        List<Mock> mocks = await RecordAsync();
        MockPool pool = new(mocks, null) { StrictMocks = true };
        var (replay, _) = PgHarness.StartReplay(pool);
        await using (replay)
        {
            Guid a = Guid.NewGuid();
            PostgresException ex = await Assert.ThrowsAsync<PostgresException>(() => InsertOrders(PgHarness.Via(replay.Port), new[] { a }));
            Assert.Equal("XX000", ex.SqlState);
            MockMiss miss = Assert.Single(pool.TakeEvents(), e => e.Miss is not null).Miss!;
            Assert.Contains($"$1='{a}'::uuid", miss.Summary);
            Assert.Contains("::timestamptz", miss.Summary);
            Assert.Contains("$3='order 0'::text", miss.Summary);
            Assert.DoesNotContain("0x", miss.Summary);
            Assert.NotNull(miss.ClosestMock);
        }
    }
}
