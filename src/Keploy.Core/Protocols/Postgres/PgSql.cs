using Keploy.Core.Replay.Matching;

namespace Keploy.Core.Protocols.Postgres;

/// <summary>PostgreSQL statement classification on the shared normalised text (<see cref="SqlText.Normalize"/>).</summary>
internal static class PgSql
{
    /// <summary>Statements that set up the session rather than touch data: SET, SHOW, RESET, DISCARD, the drivers' catalog queries.</summary>
    public static bool IsSessionStatement(string sql)
    {
        string s = SqlText.Normalize(sql);
        return s.StartsWith("SET ", StringComparison.OrdinalIgnoreCase)
            || s.StartsWith("SHOW ", StringComparison.OrdinalIgnoreCase)
            || s.StartsWith("RESET ", StringComparison.OrdinalIgnoreCase)
            || s.StartsWith("DISCARD ", StringComparison.OrdinalIgnoreCase)
            || s.Contains("pg_catalog.", StringComparison.OrdinalIgnoreCase)
            || s.Contains("pg_type", StringComparison.OrdinalIgnoreCase)
            || s.StartsWith("SELECT version()", StringComparison.OrdinalIgnoreCase);
    }
}
