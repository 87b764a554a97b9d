using System.Text;
using Keploy.Core.Replay.Matching;

namespace Keploy.Core.Protocols.MySql;

/// <summary>
/// Statement text as MySQL replay compares it: normalised by the shared rule (<see cref="SqlText.Normalize"/>: comments
/// dropped, whitespace collapsed, trailing semicolons dropped), then each single-quoted string literal taken out as a field
/// (<c>'?'</c> in the shape), so that two statements differing only in a uuid or a time literal have the same shape and the shared
/// <see cref="MockMatchRule"/> can match them as volatile.
/// </summary>
internal static class MySqlSql
{
    public static string Normalize(string sql) => SqlText.Normalize(sql);

    /// <summary>The shape (literals replaced by <c>'?'</c>) and the literals as fields <c>lit1</c>, <c>lit2</c>, ...</summary>
    public static (string Shape, List<MatchField> Fields) Literals(string sql)
    {
        string s = Normalize(sql);
        StringBuilder shape = new(s.Length);
        List<MatchField> fields = new();
        int i = 0;
        while (i < s.Length)
        {
            char c = s[i];
            if (c != '\'')
            {
                shape.Append(c);
                i++;
                continue;
            }

            StringBuilder lit = new();
            int j = i + 1;
            while (j < s.Length)
            {
                if (s[j] == '\\' && j + 1 < s.Length)
                {
                    lit.Append(s[j + 1]);
                    j += 2;
                    continue;
                }

                if (s[j] == '\'')
                {
                    if (j + 1 < s.Length && s[j + 1] == '\'')
                    {
                        lit.Append('\'');
                        j += 2;
                        continue;
                    }

                    break;
                }

                lit.Append(s[j]);
                j++;
            }

            string value = lit.ToString();
            fields.Add(new MatchField("lit" + (fields.Count + 1), value, value));
            shape.Append("'?'");
            i = Math.Min(j + 1, s.Length);
        }

        return (shape.ToString(), fields);
    }

    /// <summary>Statements that set up the session rather than touch data (SET, SHOW, USE, SELECT @@..., VERSION(), DATABASE()).</summary>
    public static bool IsSessionStatement(string sql)
    {
        string s = Normalize(sql);
        return s.StartsWith("SET ", StringComparison.OrdinalIgnoreCase) && !s.StartsWith("SET @", StringComparison.OrdinalIgnoreCase)
            || s.StartsWith("SHOW ", StringComparison.OrdinalIgnoreCase)
            || s.StartsWith("USE ", StringComparison.OrdinalIgnoreCase)
            || s.StartsWith("SELECT @@", StringComparison.OrdinalIgnoreCase)
            || s.Equals("SELECT VERSION()", StringComparison.OrdinalIgnoreCase)
            || s.Equals("SELECT DATABASE()", StringComparison.OrdinalIgnoreCase);
    }
}
