using System.Text;
using Keploy.Core.Protocols.Postgres.Messages;
using Keploy.Core.Replay.Matching;

namespace Keploy.Core.Protocols.Postgres;

/// <summary>
/// The comparable form of a request bundle: one line per Query/Bind/Execute/COPY message with statement text normalised
/// (<see cref="SqlText"/>), prepared-statement and portal names replaced by their SQL, bound parameter values in hex (text
/// parameters as text). Parse and Describe are left out (whether a driver re-parses depends on its connection's history); a bundle
/// with no Bind or Query is described by its Parse statements.
/// </summary>
internal static class PgBundle
{
    public static List<string> Signature(IReadOnlyList<PgMessage> messages, IReadOnlyDictionary<string, string> statements)
    {
        Dictionary<string, string> local = new(statements);
        List<string> lines = new();
        bool hasExec = messages.Any(m => m is Bind or Query);
        foreach (PgMessage m in messages)
        {
            switch (m)
            {
                case Parse p:
                    local[p.Statement] = p.Sql;
                    if (!hasExec)
                    {
                        lines.Add("Parse " + SqlText.Normalize(p.Sql));
                    }

                    break;
                case Query q:
                    lines.Add("Query " + SqlText.Normalize(q.Sql));
                    break;
                case Bind b:
                {
                    string sql = local.TryGetValue(b.Statement, out string? s) ? SqlText.Normalize(s) : $"<unknown statement '{b.Statement}'>";
                    lines.Add("Bind " + sql + RenderParameters(b));
                    break;
                }

                case Execute e:
                    lines.Add(e.MaxRows == 0 ? "Execute" : $"Execute max_rows={e.MaxRows}");
                    break;
                case CopyData d:
                    lines.Add("CopyData " + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(d.Data))[..16]);
                    break;
                case CopyDone:
                    lines.Add("CopyDone");
                    break;
                case CopyFail f:
                    lines.Add("CopyFail " + f.Reason);
                    break;
                case FunctionCall fc:
                    lines.Add("FunctionCall " + Convert.ToHexString(fc.Body));
                    break;
            }
        }

        return lines;
    }

    /// <summary>
    /// The bundle in <see cref="MockMatchRule"/>'s form: the shape is <see cref="Signature"/> with bound values left out (one line
    /// per message, statement text normalised), the fields are the bound values (<c>$1</c>, <c>$2</c>; <c>b2.$1</c> for the second
    /// Bind of a batch), compared as format + bytes and displayed decoded by their type (<see cref="PgValueText"/>). Types come
    /// from the Parse in the bundle, else <paramref name="typesOf"/> (earlier Parse or recorded ParameterDescription by statement).
    /// </summary>
    /// <param name="messages">The bundle's frontend messages.</param>
    /// <param name="statements">Prepared statement name → SQL before this bundle (per connection).</param>
    /// <param name="typesOf">Parameter type OIDs by normalised SQL, or null when unknown.</param>
    /// <returns>The request view and one display line per message (values decoded) for miss messages.</returns>
    public static (MatchRequest View, List<string> Display) View(IReadOnlyList<PgMessage> messages, IReadOnlyDictionary<string, string> statements, Func<string, IReadOnlyList<int>?> typesOf)
    {
        Dictionary<string, string> local = new(statements);
        Dictionary<string, IReadOnlyList<int>> parsedTypes = new(StringComparer.Ordinal);
        List<string> shape = new(), display = new();
        List<MatchField> fields = new();
        bool hasExec = messages.Any(m => m is Bind or Query);
        int binds = messages.Count(m => m is Bind), bindIndex = 0;
        foreach (PgMessage m in messages)
        {
            if (m is Parse p)
            {
                local[p.Statement] = p.Sql;
                if (p.ParameterOids.Any(o => o != 0))
                {
                    parsedTypes[SqlText.Normalize(p.Sql)] = p.ParameterOids;
                }
            }

            if (m is not Bind b)
            {
                string? line = Signature(new[] { m }, local).FirstOrDefault();
                if (m is Parse && hasExec)
                {
                    line = null;
                }

                if (line is not null)
                {
                    shape.Add(line);
                    display.Add(line);
                }

                continue;
            }

            bindIndex++;
            string sql = local.TryGetValue(b.Statement, out string? s) ? SqlText.Normalize(s) : $"<unknown statement '{b.Statement}'>";
            IReadOnlyList<int> oids = parsedTypes.GetValueOrDefault(sql) ?? typesOf(sql) ?? Array.Empty<int>();
            shape.Add($"Bind {sql} ({b.Parameters.Count} parameter{(b.Parameters.Count == 1 ? "" : "s")})");
            StringBuilder line2 = new("Bind " + sql);
            for (int i = 0; i < b.Parameters.Count; i++)
            {
                byte[]? v = b.Parameters[i];
                short format = b.FormatOf(i);
                int oid = i < oids.Count ? oids[i] : 0;
                string name = (binds > 1 ? $"b{bindIndex}." : "") + "$" + (i + 1);
                string value = v is null ? "NULL" : format + ":" + Convert.ToHexString(v);
                string text = v is null ? "NULL" : PgValueText.Text(oid, format, v);
                fields.Add(new MatchField(name, value, text, PgValueText.TypeName(oid)));
                line2.Append(i == 0 ? " (" : ", ").Append('$').Append(i + 1).Append('=').Append(PgValueText.Literal(oid, format, v));
            }

            display.Add(b.Parameters.Count == 0 ? line2.ToString() : line2.Append(')').ToString());
        }

        return (new MatchRequest(string.Join("\n", shape), fields), display);
    }

    /// <summary>
    /// True when the request (a <see cref="View"/> shape) runs statements and every one sets up the session (SET, SHOW, DISCARD,
    /// type loading, version()): the statements a driver upgrade changes.
    /// </summary>
    public static bool IsSessionPhase(MatchRequest view)
    {
        List<string> sql = new();
        foreach (string line in view.Shape.Split('\n'))
        {
            if (line.StartsWith("Query ", StringComparison.Ordinal) || line.StartsWith("Parse ", StringComparison.Ordinal))
            {
                sql.Add(line[6..]);
            }
            else if (line.StartsWith("Bind ", StringComparison.Ordinal))
            {
                int paren = line.LastIndexOf(" (", StringComparison.Ordinal);
                sql.Add(paren > 5 ? line[5..paren] : line[5..]);
            }
        }

        return sql.Count > 0 && sql.All(PgSql.IsSessionStatement);
    }

    /// <summary>Applies the bundle's Parse messages to a statement-name map (per connection).</summary>
    public static void Track(IReadOnlyList<PgMessage> messages, Dictionary<string, string> statements)
    {
        foreach (PgMessage m in messages)
        {
            if (m is Parse p)
            {
                statements[p.Statement] = p.Sql;
            }
            else if (m is Close { Kind: 'S' } c)
            {
                statements.Remove(c.Target);
            }
        }
    }

    public static string RenderParameters(Bind b)
    {
        if (b.Parameters.Count == 0)
        {
            return "";
        }

        StringBuilder sb = new(" (");
        for (int i = 0; i < b.Parameters.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            byte[]? v = b.Parameters[i];
            sb.Append('$').Append(i + 1).Append('=');
            if (v is null)
            {
                sb.Append("NULL");
            }
            else if (b.FormatOf(i) == 0)
            {
                sb.Append('\'').Append(Encoding.UTF8.GetString(v)).Append('\'');
            }
            else
            {
                sb.Append("0x").Append(Convert.ToHexString(v));
            }
        }

        return sb.Append(')').ToString();
    }
}
