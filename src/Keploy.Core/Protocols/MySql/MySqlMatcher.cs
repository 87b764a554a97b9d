using System.Globalization;
using Keploy.Core.Models;
using Keploy.Core.Protocols.MySql.Messages;
using Keploy.Core.Replay.Matching;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Protocols.MySql;

/// <summary>
/// A MySQL command in the form of the shared <see cref="MockMatchRule"/>: the shape is the command name and its normalised
/// statement text with string literals masked (<see cref="MySqlSql.Literals"/>); COM_STMT_EXECUTE, COM_STMT_CLOSE,
/// COM_STMT_RESET and COM_STMT_SEND_LONG_DATA are shaped by their statement's SQL (statement ids differ between runs), and the
/// literals or execute parameters (<c>$1</c>, <c>$2</c>, ...) are the fields.
/// </summary>
internal static class MySqlMatcher
{
    /// <summary>The view of a command; <paramref name="queryOf"/> resolves a statement id to its SQL.</summary>
    public static MatchRequest View(MySqlMessage command, Func<uint, string?> queryOf)
    {
        switch (command)
        {
            case ComQuery q:
            {
                (string shape, List<MatchField> fields) = MySqlSql.Literals(q.Query);
                return new MatchRequest("COM_QUERY " + shape, fields);
            }

            case ComStmtPrepare p:
                return new MatchRequest("COM_STMT_PREPARE " + MySqlSql.Normalize(p.Query), Array.Empty<MatchField>());
            case ComStmtExecute e:
            {
                List<MatchField> fields = new();
                for (int i = 0; i < e.Parameters.Count; i++)
                {
                    MySqlParameter p = e.Parameters[i];
                    string display = p.IsNull ? "NULL" : (p.Value as YamlScalarNode)?.Value ?? "";
                    fields.Add(new MatchField("$" + (i + 1).ToString(CultureInfo.InvariantCulture), (p.IsNull ? "null" : "v:" + display), display));
                }

                return new MatchRequest($"COM_STMT_EXECUTE {Statement(queryOf, e.StatementId)}", fields);
            }

            case ComStmtClose c:
                return new MatchRequest($"COM_STMT_CLOSE {Statement(queryOf, c.StatementId)}", Array.Empty<MatchField>());
            case ComStmtReset r:
                return new MatchRequest($"COM_STMT_RESET {Statement(queryOf, r.StatementId)}", Array.Empty<MatchField>());
            case ComStmtSendLongData l:
                return new MatchRequest($"COM_STMT_SEND_LONG_DATA {Statement(queryOf, l.StatementId)} {l.ParameterId}",
                    [new MatchField("data", Convert.ToBase64String(l.Data), MySqlYaml.Printable(l.Data))]);
            case ComInitDb d:
                return new MatchRequest("COM_INIT_DB " + d.Schema, Array.Empty<MatchField>());
            case ComChangeUser u:
                return new MatchRequest($"COM_CHANGE_USER {u.User} {u.Database}", Array.Empty<MatchField>());
            case ComSimple s:
                return new MatchRequest(s.PacketType + " " + Convert.ToHexString(s.Rest), Array.Empty<MatchField>());
            default:
                return new MatchRequest(command.PacketType, Array.Empty<MatchField>());
        }
    }

    /// <summary>The request in one line for messages.</summary>
    public static string Describe(MatchRequest view) =>
        view.Fields.Count == 0 ? view.Shape : view.Shape + " (" + string.Join(", ", view.Fields.Select(f => f.Name + "=" + f.Display)) + ")";

    private static string Statement(Func<uint, string?> queryOf, uint id) => queryOf(id) is { } q ? MySqlSql.Normalize(q) : "#" + id.ToString(CultureInfo.InvariantCulture);
}
