using Npgsql;

namespace Keploy.NpgsqlOld;

/// <summary>
/// The session both drivers run (this file is compiled into the Npgsql 8 client and into the tests on Npgsql 10): a pooled data
/// source with type loading, a table created and filled with bound int/text/numeric values, the connection returned to the pool,
/// then reused (Npgsql sends DISCARD ALL with the next query) for a read. Returns what it read, one line per row.
/// </summary>
public static class NpgsqlWorkload
{
    /// <summary>Runs the session against <paramref name="connectionString"/> (pooling is forced on).</summary>
    public static async Task<List<string>> RunAsync(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder = new(connectionString) { Pooling = true };
        await using NpgsqlDataSource source = NpgsqlDataSource.Create(builder.ConnectionString);
        List<string> seen = new();
        await using (NpgsqlConnection conn = await source.OpenConnectionAsync())
        {
            await using (NpgsqlCommand create = new("CREATE TABLE IF NOT EXISTS pgtest_old_driver (id int primary key, name text not null, price numeric(10,2) not null)", conn))
            {
                await create.ExecuteNonQueryAsync();
            }

            await using (NpgsqlCommand del = new("DELETE FROM pgtest_old_driver", conn))
            {
                await del.ExecuteNonQueryAsync();
            }

            for (int i = 1; i <= 2; i++)
            {
                await using NpgsqlCommand ins = new("INSERT INTO pgtest_old_driver (id, name, price) VALUES ($1, $2, $3)", conn);
                ins.Parameters.AddWithValue(i);
                ins.Parameters.AddWithValue("part-" + i);
                ins.Parameters.AddWithValue(12.5m * i);
                await ins.ExecuteNonQueryAsync();
            }
        }

        await using (NpgsqlConnection conn = await source.OpenConnectionAsync())
        {
            await using NpgsqlCommand all = new("SELECT id, name, price FROM pgtest_old_driver ORDER BY id", conn);
            await using NpgsqlDataReader r = await all.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                seen.Add($"{r.GetInt32(0)}:{r.GetString(1)}:{r.GetDecimal(2):0.00}");
            }
        }

        return seen;
    }
}
