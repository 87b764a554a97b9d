using System.Text;
using Keploy.Core.Protocols.Postgres.Messages;

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
