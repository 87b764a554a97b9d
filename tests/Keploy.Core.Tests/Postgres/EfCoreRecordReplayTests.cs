using System.Net;
using Keploy.Core.Models;
using Keploy.Core.Replay;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Keploy.Core.Tests.Postgres;

/// <summary>The samples/Inventory model: one <c>items</c> table with a unique SKU.</summary>
public sealed class EfItem
{
    public int Id { get; set; }

    public string Sku { get; set; } = "";

    public string Name { get; set; } = "";

    public int Stock { get; set; }

    public decimal Price { get; set; }
}

internal sealed class EfInventoryDb(DbContextOptions<EfInventoryDb> options) : DbContext(options)
{
    public DbSet<EfItem> Items => Set<EfItem>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<EfItem>(item =>
        {
            item.ToTable("items");
            item.HasIndex(i => i.Sku).IsUnique();
            item.Property(i => i.Sku).HasMaxLength(32);
            item.Property(i => i.Price).HasPrecision(10, 2);
        });
    }
}

[Trait("Category", "Postgres")]
public sealed class EfCoreRecordReplayTests
{
    private const string Database = "keploy_ef";

    /// <summary>What samples/Inventory does at start-up and for its endpoints, each step on its own DbContext (pooled connections reused).</summary>
    private static async Task<List<string>> Workload(string cs)
    {
        List<string> seen = new();
        DbContextOptions<EfInventoryDb> options = new DbContextOptionsBuilder<EfInventoryDb>().UseNpgsql(cs).Options;
        await using (EfInventoryDb db = new(options))
        {
            seen.Add("created=" + await db.Database.EnsureCreatedAsync());
            if (!await db.Items.AnyAsync())
            {
                db.Items.AddRange(
                    new EfItem { Sku = "KB-001", Name = "Mechanical keyboard", Stock = 25, Price = 89.90m },
                    new EfItem { Sku = "MS-002", Name = "Wireless mouse", Stock = 4, Price = 24.50m },
                    new EfItem { Sku = "MN-003", Name = "27-inch monitor", Stock = 2, Price = 279.00m });
                seen.Add("seeded=" + await db.SaveChangesAsync());
            }
        }

        await using (EfInventoryDb db = new(options))
        {
            foreach (EfItem i in await db.Items.AsNoTracking().OrderBy(i => i.Sku).ToListAsync())
            {
                seen.Add($"list {i.Id} {i.Sku} {i.Name} {i.Stock} {i.Price}");
            }
        }

        await using (EfInventoryDb db = new(options))
        {
            EfItem? one = await db.Items.AsNoTracking().SingleOrDefaultAsync(i => i.Sku == "MS-002");
            seen.Add($"get {one?.Id} {one?.Stock}");
        }

        await using (EfInventoryDb db = new(options))
        {
            bool exists = await db.Items.AnyAsync(i => i.Sku == "EF-100");
            EfItem added = new() { Sku = "EF-100", Name = "Added by EF", Stock = 10, Price = 4.25m };
            db.Items.Add(added);
            await db.SaveChangesAsync();
            seen.Add($"insert exists={exists} id={added.Id}");
        }

        await using (EfInventoryDb db = new(options))
        {
            EfItem tracked = await db.Items.SingleAsync(i => i.Sku == "EF-100");
            tracked.Stock -= 7;
            seen.Add("update=" + await db.SaveChangesAsync());
        }

        await using (EfInventoryDb db = new(options))
        {
            EfItem? again = await db.Items.AsNoTracking().SingleOrDefaultAsync(i => i.Sku == "EF-100");
            seen.Add($"get {again?.Id} {again?.Stock}");
            int below = 5;
            foreach (EfItem i in await db.Items.AsNoTracking().Where(i => i.Stock < below).OrderBy(i => i.Stock).ThenBy(i => i.Sku).ToListAsync())
            {
                seen.Add($"low {i.Sku} {i.Stock}");
            }
        }

        await using (EfInventoryDb db = new(options))
        {
            // Set-based update (UPDATE ... WHERE with parameters) and a transaction of two changes.
            seen.Add("bulk=" + await db.Items.Where(i => i.Stock < 3).ExecuteUpdateAsync(s => s.SetProperty(i => i.Stock, i => i.Stock + 10)));
            await using var tx = await db.Database.BeginTransactionAsync();
            db.Items.Add(new EfItem { Sku = "EF-101", Name = "In a transaction", Stock = 1, Price = 1m });
            (await db.Items.SingleAsync(i => i.Sku == "KB-001")).Stock = 24;
            seen.Add("tx=" + await db.SaveChangesAsync());
            await tx.CommitAsync();
            seen.Add("count=" + await db.Items.CountAsync());
        }

        return seen;
    }

    [Fact]
    public async Task EfCore_inventory_record_then_replay_without_the_server()
    {
        PostgresTestPaths.EnsureServer();
        await using (NpgsqlConnection admin = new(PostgresTestPaths.ConnectionString))
        {
            await admin.OpenAsync();
            await using NpgsqlCommand drop = new($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
            await using NpgsqlCommand create = new($"CREATE DATABASE {Database} OWNER keploy", admin);
            await create.ExecuteNonQueryAsync();
        }

        MemoryRecorder recorder = new();
        List<string> recorded;
        var (proxy, log) = await PgHarness.StartRecordAsync(recorder, new IPEndPoint(IPAddress.Loopback, 55432));
        string recordCs = $"Host=127.0.0.1;Port={proxy.Port};Username=keploy;Password=keploy;Database={Database};SSL Mode=Disable;Pooling=true;Maximum Pool Size=2";
        await using (proxy)
        {
            recorded = await Workload(recordCs);
            NpgsqlConnection.ClearAllPools();
            await proxy.StopAsync(TimeSpan.FromSeconds(5));
        }

        Assert.Contains("created=True", recorded);
        Assert.Contains("seeded=3", recorded);
        Assert.Contains("update=1", recorded);
        Assert.Contains(recorded, s => s.StartsWith("insert exists=False id=4", StringComparison.Ordinal));
        Assert.Contains("get 4 3", recorded);
        Assert.Contains("tx=2", recorded);
        Assert.Contains("count=5", recorded);
        Assert.DoesNotContain(log, l => l.Contains("malformed"));
        List<Mock> mocks = recorder.Mocks.ToList();
        Assert.Contains(mocks, m => PostgresMockText(m).Contains("DISCARD ALL", StringComparison.Ordinal));

        // Replay: destination port 1 (nothing listens there), another password; every answer must come from the mocks.
        MockPool pool = new(mocks, null);
        var (replay, replayLog) = PgHarness.StartReplay(pool);
        await using (replay)
        {
            string replayCs = $"Host=127.0.0.1;Port={replay.Port};Username=keploy;Password=wrong;Database={Database};SSL Mode=Disable;Pooling=true;Maximum Pool Size=2";
            List<string> replayed;
            try
            {
                replayed = await Workload(replayCs);
            }
            catch (Exception ex)
            {
                throw new Xunit.Sdk.XunitException(string.Join("\n", replayLog) + "\n" + ex);
            }

            NpgsqlConnection.ClearAllPools();
            Assert.Equal(recorded, replayed);
            IReadOnlyList<MockEvent> events = pool.TakeEvents();
            Assert.DoesNotContain(events, e => e.Miss is not null);
        }
    }

    private static string PostgresMockText(Mock m) =>
        string.Join("\n", YamlNodes.GetSequence(m.Spec, "postgresrequests")!.Select(n => n.ToString()).Select(DecodePayloads));

    private static string DecodePayloads(string node)
    {
        // Requests keep the raw message as base64 "payload"; decode any base64 run to look for the statement text.
        System.Text.StringBuilder sb = new(node);
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(node, "[A-Za-z0-9+/=]{12,}"))
        {
            try
            {
                sb.Append('\n').Append(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(m.Value)));
            }
            catch (FormatException)
            {
            }
        }

        return sb.ToString();
    }
}
