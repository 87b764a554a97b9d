// Shared by the Shop services that use MySqlConnector directly (products, orders): each has its own database in the one MariaDB
// server and creates it, and its tables, when it starts.
using Dapper;
using MySqlConnector;

namespace Shop;

/// <summary>Start-up schema creation for a service's own MariaDB database.</summary>
public static class ShopDatabase
{
    /// <summary>
    /// Creates the connection string's database if it does not exist (connecting without one), then runs each DDL statement in
    /// it. Throws <see cref="InvalidOperationException"/> when the connection string names no database, and MySqlConnector's
    /// <see cref="MySqlException"/> when the server refuses.
    /// </summary>
    public static async Task CreateAsync(string connectionString, IEnumerable<string> ddl, CancellationToken ct = default)
    {
        var builder = new MySqlConnectionStringBuilder(connectionString);
        string database = builder.Database;
        if (string.IsNullOrEmpty(database))
        {
            throw new InvalidOperationException("The connection string names no Database.");
        }

        builder.Database = "";
        await using (var server = new MySqlConnection(builder.ConnectionString))
        {
            await server.ExecuteAsync(new CommandDefinition($"CREATE DATABASE IF NOT EXISTS `{database.Replace("`", "``", StringComparison.Ordinal)}`", cancellationToken: ct));
        }

        await using var db = new MySqlConnection(connectionString);
        foreach (string statement in ddl)
        {
            await db.ExecuteAsync(new CommandDefinition(statement, cancellationToken: ct));
        }
    }
}
