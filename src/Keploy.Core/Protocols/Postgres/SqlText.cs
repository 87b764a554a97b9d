using System.Text;

namespace Keploy.Core.Protocols.Postgres;

/// <summary>Statement text as compared at replay: comments removed (driver-added <c>/* ... */</c> and <c>-- ...</c>), whitespace
/// runs collapsed to one space outside quotes, trimmed, trailing semicolons dropped.</summary>
internal static class SqlText
{
    public static string Normalize(string sql)
    {
        StringBuilder sb = new(sql.Length);
        int i = 0;
        bool space = false;
        while (i < sql.Length)
        {
            char c = sql[i];
            if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                while (i < sql.Length && sql[i] != '\n')
                {
                    i++;
                }

                space = true;
                continue;
            }

            if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                int end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + 2;
                space = true;
                continue;
            }

            if (c is '\'' or '"')
            {
                if (space && sb.Length > 0)
                {
                    sb.Append(' ');
                }

                space = false;
                int j = i + 1;
                while (j < sql.Length)
                {
                    if (sql[j] == c)
                    {
                        if (j + 1 < sql.Length && sql[j + 1] == c)
                        {
                            j += 2;
                            continue;
                        }

                        break;
                    }

                    j++;
                }

                int stop = Math.Min(j + 1, sql.Length);
                sb.Append(sql, i, stop - i);
                i = stop;
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                space = true;
                i++;
                continue;
            }

            if (space && sb.Length > 0)
            {
                sb.Append(' ');
            }

            space = false;
            sb.Append(c);
            i++;
        }

        string result = sb.ToString().Trim();
        while (result.EndsWith(';'))
        {
            result = result[..^1].TrimEnd();
        }

        return result;
    }

    /// <summary>Statements that set up the session rather than touch data: SET, SHOW, RESET, DISCARD, the drivers' catalog queries.</summary>
    public static bool IsSessionStatement(string sql)
    {
        string s = Normalize(sql);
        return s.StartsWith("SET ", StringComparison.OrdinalIgnoreCase)
            || s.StartsWith("SHOW ", StringComparison.OrdinalIgnoreCase)
            || s.StartsWith("RESET ", StringComparison.OrdinalIgnoreCase)
            || s.StartsWith("DISCARD ", StringComparison.OrdinalIgnoreCase)
            || s.Contains("pg_catalog.", StringComparison.OrdinalIgnoreCase)
            || s.Contains("pg_type", StringComparison.OrdinalIgnoreCase)
            || s.StartsWith("SELECT version()", StringComparison.OrdinalIgnoreCase);
    }
}
