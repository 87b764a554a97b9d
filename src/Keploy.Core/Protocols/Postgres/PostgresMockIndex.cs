using System.Runtime.CompilerServices;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Postgres.Messages;
using Keploy.Core.Replay;

namespace Keploy.Core.Protocols.Postgres;

/// <summary>
/// The Postgres/PostgresV2 mocks of one <see cref="MockPool"/>, decoded once: per recorded connection (in recorded order) the
/// prepared-statement names are resolved to their SQL so that a Bind to <c>S_1</c> or <c>_p3</c> compares by statement text; the
/// answers to Describe are kept by statement text to fill in a Describe the recording did not need.
/// </summary>
internal sealed class PostgresMockIndex
{
    private static readonly ConditionalWeakTable<MockPool, PostgresMockIndex> Indexes = new();
    private readonly ConditionalWeakTable<Mock, PgRecordedMock> _byMock = new();
    private readonly Dictionary<string, List<PgFrame>> _describeBySql = new(StringComparer.Ordinal);

    private PostgresMockIndex(MockPool pool, Action<string> log)
    {
        IEnumerable<Mock> all = pool.GetAll("Postgres", "PostgresV2").OrderBy(m => m.RequestTimestamp ?? DateTimeOffset.MinValue);
        Dictionary<string, Dictionary<string, string>> statementsByConnection = new();
        List<PgRecordedMock> ok = new();
        foreach (Mock mock in all)
        {
            try
            {
                (List<PgFrame> reqFrames, List<PgFrame> resFrames) = PostgresMockReader.ReadFrames(mock);
                int auth = -1;
                List<PgMessage> requests = new();
                foreach (PgFrame f in reqFrames)
                {
                    requests.Add(PgMessageDecoder.DecodeFrontend(f, auth));
                }

                string conn = mock.ConnectionId ?? "";
                if (!statementsByConnection.TryGetValue(conn, out Dictionary<string, string>? statements))
                {
                    statementsByConnection[conn] = statements = new Dictionary<string, string>();
                }

                List<string> signature = PgBundle.Signature(requests, statements);
                PgBundle.Track(requests, statements);
                PgRecordedMock recorded = new(mock, requests, resFrames, signature);
                _byMock.AddOrUpdate(mock, recorded);
                IndexDescribes(recorded, statements);
                Handshakes.Add(recorded);
            }
            catch (Exception ex) when (ex is PgProtocolException or FormatException or InvalidCastException or InvalidOperationException or OverflowException)
            {
                log($"mock {mock.Name}{(mock.Location is null ? "" : " at " + mock.Location)}: unreadable Postgres mock, skipped: {ex.Message}");
            }
        }
    }

    /// <summary>Every readable mock in recorded order (handshake lookup picks from these).</summary>
    public List<PgRecordedMock> Handshakes { get; } = new();

    public static PostgresMockIndex For(MockPool pool, Action<string> log)
    {
        lock (Indexes)
        {
            if (!Indexes.TryGetValue(pool, out PostgresMockIndex? index))
            {
                index = new PostgresMockIndex(pool, log);
                Indexes.Add(pool, index);
            }

            return index;
        }
    }

    public PgRecordedMock? Get(Mock mock) => _byMock.TryGetValue(mock, out PgRecordedMock? r) ? r : null;

    public List<PgFrame>? DescribeFor(string sql) => _describeBySql.TryGetValue(SqlText.Normalize(sql), out List<PgFrame>? d) ? d : null;

    private void IndexDescribes(PgRecordedMock recorded, Dictionary<string, string> statements)
    {
        List<PgFrame>[]? chunks = PgResponseChunks.Split(recorded.Requests, recorded.Responses);
        if (chunks is null)
        {
            return;
        }

        Dictionary<string, string> local = new(statements);
        string? lastBound = null;
        for (int k = 0; k < recorded.Requests.Count; k++)
        {
            switch (recorded.Requests[k])
            {
                case Parse p:
                    local[p.Statement] = p.Sql;
                    break;
                case Bind b:
                    lastBound = local.GetValueOrDefault(b.Statement);
                    break;
                case Describe d when chunks[k].Count > 0:
                {
                    string? sql = d.Kind == 'S' ? local.GetValueOrDefault(d.Target) : lastBound;
                    if (sql is not null)
                    {
                        // Keep only RowDescription/NoData (a portal Describe has no ParameterDescription).
                        List<PgFrame> rows = chunks[k].Where(f => f.Letter is 'T' or 'n').ToList();
                        _describeBySql.TryAdd(SqlText.Normalize(sql), rows);
                    }

                    break;
                }
            }
        }
    }
}
