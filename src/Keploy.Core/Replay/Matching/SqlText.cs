using System.Text;

namespace Keploy.Core.Replay.Matching;

/// <summary>
/// Statement text as SQL replay compares it (PostgreSQL and MySQL): comments removed (driver-added <c>/* ... */</c> and
/// <c>-- ...</c>), whitespace runs collapsed to one space outside quotes (<c>'...'</c> and <c>"..."</c>, doubled quotes kept),
/// trimmed, trailing semicolons dropped.
/// </summary>
internal static class SqlText
{
    /// <summary>The normalised text of <paramref name="sql"/> (see the class summary); never throws.</summary>
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
}
