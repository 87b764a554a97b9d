using System.Runtime.CompilerServices;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Postgres.Messages;
using Keploy.Core.Replay;
using Keploy.Core.Replay.Matching;

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
    private readonly Dictionary<string, int[]> _typesBySql = new(StringComparer.Ordinal);

    private PostgresMockIndex(MockPool pool, Action<string> log)
    {
        IEnumerable<Mock> all = pool.GetAll("Postgres", "PostgresV2").OrderBy(m => m.RequestTimestamp ?? DateTimeOffset.MinValue);
        List<(Mock Mock, List<PgMessage> Requests, List<PgFrame> Responses)> decoded = new();
        foreach (Mock mock in all)
        {
            try
            {
                (List<PgFrame> reqFrames, List<PgFrame> resFrames) = PostgresMockReader.ReadFrames(mock);
                List<PgMessage> requests = reqFrames.Select(f => PgMessageDecoder.DecodeFrontend(f, -1)).ToList();
                decoded.Add((mock, requests, resFrames));
                IndexTypes(requests, resFrames);
            }
            catch (Exception ex) when (ex is PgProtocolException or FormatException or InvalidCastException or InvalidOperationException or OverflowException)
            {
                log($"mock {mock.Name}{(mock.Location is null ? "" : " at " + mock.Location)}: unreadable Postgres mock, skipped: {ex.Message}");
            }
        }

        Dictionary<string, Dictionary<string, string>> statementsByConnection = new();
        foreach ((Mock mock, List<PgMessage> requests, List<PgFrame> responses) in decoded)
        {
            string conn = mock.ConnectionId ?? "";
            if (!statementsByConnection.TryGetValue(conn, out Dictionary<string, string>? statements))
            {
                statementsByConnection[conn] = statements = new Dictionary<string, string>();
            }

            List<PgPart> parts = new();
            foreach ((List<PgMessage> req, List<PgFrame> res) in SplitParts(requests, responses))
            {
                (MatchRequest view, List<string> display) = PgBundle.View(req, statements, TypesFor);
                parts.Add(new PgPart(req, res, view, display));
                PgBundle.Track(req, statements);
            }

            PgRecordedMock recorded = new(mock, requests, responses, parts);
            _byMock.AddOrUpdate(mock, recorded);
            IndexDescribes(recorded, statementsByConnection[conn]);
            Handshakes.Add(recorded);
        }
    }

    /// <summary>
    /// Splits a recorded request into the parts a client sends up to Sync/Query/CopyDone/CopyFail, and the answer at its
    /// ReadyForQuery frames. One part when the counts do not agree (the answer is then served whole for the whole request).
    /// </summary>
    internal static List<(List<PgMessage>, List<PgFrame>)> SplitParts(List<PgMessage> requests, List<PgFrame> responses)
    {
        List<List<PgMessage>> req = new() { new List<PgMessage>() };
        foreach (PgMessage m in requests)
        {
            req[^1].Add(m);
            if (m is Sync or Query or CopyDone or CopyFail)
            {
                req.Add(new List<PgMessage>());
            }
        }

        if (req[^1].Count == 0)
        {
            req.RemoveAt(req.Count - 1);
        }
        else if (req.Count > 1 && !req[^1].Any(m => m is Parse or Bind or Execute))
        {
            // Messages after the last Sync that run nothing (a Flush, a Close) belong to the last part.
            req[^2].AddRange(req[^1]);
            req.RemoveAt(req.Count - 1);
        }

        List<List<PgFrame>> res = new() { new List<PgFrame>() };
        foreach (PgFrame f in responses)
        {
            res[^1].Add(f);
            if (f.Letter == 'Z')
            {
                res.Add(new List<PgFrame>());
            }
        }

        if (res[^1].Count == 0)
        {
            res.RemoveAt(res.Count - 1);
        }

        if (req.Count <= 1 || req.Count != res.Count || requests.Any(m => m is CopyData or CopyDone or CopyFail))
        {
            return new List<(List<PgMessage>, List<PgFrame>)> { (requests, responses) };
        }

        return req.Zip(res).Select(x => (x.First, x.Second)).ToList();
    }

    /// <summary>Parameter type OIDs of a statement (normalised SQL) from a recorded Parse or ParameterDescription, or null.</summary>
    public IReadOnlyList<int>? TypesFor(string normalizedSql) => _typesBySql.TryGetValue(normalizedSql, out int[]? t) ? t : null;

    private void IndexTypes(List<PgMessage> requests, List<PgFrame> responses)
    {
        // Parse OIDs first; a ParameterDescription (the answer to Describe 'S') fills statements parsed with unspecified types.
        Queue<string> describedStatements = new();
        Dictionary<string, string> local = new();
        foreach (PgMessage m in requests)
        {
            if (m is Parse p)
            {
                local[p.Statement] = p.Sql;
                if (p.ParameterOids.Any(o => o != 0))
                {
                    _typesBySql.TryAdd(SqlText.Normalize(p.Sql), p.ParameterOids.ToArray());
                }
            }
            else if (m is Describe { Kind: 'S' } d && local.TryGetValue(d.Target, out string? sql))
            {
                describedStatements.Enqueue(sql);
            }
        }

        foreach (PgFrame f in responses)
        {
            if (f.Letter == 't' && describedStatements.Count > 0 && PgMessageDecoder.DecodeBackend(f) is ParameterDescription pd)
            {
                string key = SqlText.Normalize(describedStatements.Dequeue());
                if (!_typesBySql.TryGetValue(key, out int[]? known) || known.All(o => o == 0))
                {
                    _typesBySql[key] = pd.Oids.ToArray();
                }
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
