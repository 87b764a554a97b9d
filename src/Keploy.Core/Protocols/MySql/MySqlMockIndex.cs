using System.Runtime.CompilerServices;
using Keploy.Core.Models;
using Keploy.Core.Protocols.MySql.Messages;
using Keploy.Core.Replay;
using Keploy.Core.Replay.Matching;

namespace Keploy.Core.Protocols.MySql;

/// <summary>
/// The <c>kind: MySQL</c> mocks of one <see cref="MockPool"/>, decoded once, with each command's <see cref="MatchRequest"/>:
/// per recorded connection (in recorded order) statement ids are resolved to their COM_STMT_PREPARE's SQL, so a recorded
/// COM_STMT_EXECUTE of statement 1 compares with a live execute of whatever id the replayer gave that SQL.
/// </summary>
internal sealed class MySqlMockIndex
{
    private static readonly ConditionalWeakTable<MockPool, MySqlMockIndex> Indexes = new();
    private readonly ConditionalWeakTable<Mock, Indexed> _byMock = new();

    /// <summary>One decoded mock and its view (null for the handshake).</summary>
    public sealed record Indexed(MySqlRecordedMock Recorded, MatchRequest? View);

    private MySqlMockIndex(MockPool pool, Action<string> log)
    {
        Dictionary<string, Dictionary<uint, string>> statements = new();
        foreach (Mock mock in pool.GetAll(MySqlIntegration.MockKind).OrderBy(m => m.RequestTimestamp ?? DateTimeOffset.MinValue))
        {
            MySqlRecordedMock recorded;
            try
            {
                recorded = MySqlMockReader.Read(mock);
            }
            catch (MySqlProtocolException ex)
            {
                log($"unreadable MySQL mock, skipped: {ex.Message}");
                continue;
            }

            if (recorded.IsHandshake)
            {
                Handshakes.Add(recorded);
                _byMock.AddOrUpdate(mock, new Indexed(recorded, null));
                continue;
            }

            string conn = mock.ConnectionId ?? "";
            if (!statements.TryGetValue(conn, out Dictionary<uint, string>? ids))
            {
                statements[conn] = ids = new Dictionary<uint, string>();
            }

            MySqlMessage? command = recorded.Command;
            MatchRequest? view = command is null ? null : MySqlMatcher.View(command, id => ids.TryGetValue(id, out string? q) ? q : null);
            if (command is ComStmtPrepare prep && recorded.Responses.FirstOrDefault()?.Message is ComStmtPrepareOk ok)
            {
                ids[ok.StatementId] = prep.Query;
            }

            _byMock.AddOrUpdate(mock, new Indexed(recorded, view));
        }
    }

    /// <summary>Handshake mocks in recorded order.</summary>
    public List<MySqlRecordedMock> Handshakes { get; } = new();

    /// <summary>The index of a pool (built on first use).</summary>
    public static MySqlMockIndex For(MockPool pool, Action<string> log)
    {
        lock (Indexes)
        {
            if (!Indexes.TryGetValue(pool, out MySqlMockIndex? index))
            {
                index = new MySqlMockIndex(pool, log);
                Indexes.Add(pool, index);
            }

            return index;
        }
    }

    /// <summary>The decoded mock, or null when it was unreadable.</summary>
    public Indexed? Get(Mock mock) => _byMock.TryGetValue(mock, out Indexed? i) ? i : null;
}
