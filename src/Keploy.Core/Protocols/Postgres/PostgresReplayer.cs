using System.Buffers;
using System.IO.Pipelines;
using Keploy.Core.Models;
using Keploy.Core.Proxy;
using Keploy.Core.Protocols.Postgres.Messages;
using Keploy.Core.Replay;
using Keploy.Core.Replay.Matching;

namespace Keploy.Core.Protocols.Postgres;

/// <summary>
/// Test mode for one connection: plays PostgreSQL from the mocks. SSLRequest → 'S' and TLS with the keploy CA when TLS interception is on, else 'N'; GSSENCRequest → 'N'; StartupMessage → AuthenticationOk
/// at once (any password works), the recorded ParameterStatus set (or a synthesised one), BackendKeyData, ReadyForQuery 'I'. Each
/// request bundle (up to Sync or Query) is matched by <see cref="PgBundle.Signature"/> against
/// <see cref="MockPool.GetCandidates"/> in order (so repeats get their answers in recorded order); the recorded backend bytes are
/// sent, re-assembled when the live driver parses/describes differently. No match → ErrorResponse XX000 naming the closest mock,
/// ReadyForQuery, and <see cref="MockPool.ReportMiss"/>.
/// </summary>
internal sealed class PostgresReplayer
{
    internal static readonly string[] Kinds = { "Postgres", "PostgresV2" };
    private readonly ProxyConnection _connection;
    private readonly MockPool _pool;
    private readonly PostgresMockIndex _index;
    private readonly Dictionary<string, string> _statements = new();
    private readonly Dictionary<string, int[]> _liveTypes = new(StringComparer.Ordinal);
    private readonly Queue<(Mock Owner, PgPart Part)> _pending = new();

    public PostgresReplayer(ProxyConnection connection)
    {
        _connection = connection;
        _pool = connection.Mocks!;
        _index = PostgresMockIndex.For(_pool, connection.Log);
    }

    public async Task RunAsync(CancellationToken ct)
    {
        PipeReader input = _connection.Client.Input;
        PipeWriter output = _connection.Client.Output;
        Keploy.Core.Tls.TlsDuplexPipe? appTls = null;
        try
        {
            while (true)
            {
                PgFrame? f = await PgFrameReader.ReadFrontendAsync(input, untyped: true, ct).ConfigureAwait(false);
                if (f is null)
                {
                    return;
                }

                PgMessage msg = PgMessageDecoder.DecodeFrontend(f.Value);
                if (msg is SslRequest && _connection.Tls is { } tls && appTls is null)
                {
                    // TLS as the real server offered it at record time (or would): 'S', then the keploy CA's leaf.
                    await output.WriteAsync(new[] { (byte)'S' }, ct).ConfigureAwait(false);
                    Keploy.Core.Tls.TlsClientHello? hello = await Keploy.Core.Tls.TlsInterception.PeekClientHelloAsync(input, ct).ConfigureAwait(false);
                    try
                    {
                        appTls = await tls.AcceptAsync(_connection.Client, hello?.ServerName, _connection.Destination.Address, Array.Empty<string>(), ct).ConfigureAwait(false);
                    }
                    catch (Keploy.Core.Tls.TlsClientRejectedException)
                    {
                        tls.ReportRejected(_connection.Destination, hello?.ServerName, _connection.Log);
                        _pool.ReportMiss(new MockMiss("Postgres", $"TLS connection to {_connection.Destination} (the app does not trust the keploy CA)", null, null, _connection.Destination.ToString()));
                        return;
                    }

                    input = appTls.Input;
                    output = appTls.Output;
                    continue;
                }

                if (msg is SslRequest or GssEncRequest)
                {
                    await output.WriteAsync(new[] { (byte)'N' }, ct).ConfigureAwait(false);
                    continue;
                }

                if (msg is CancelRequest)
                {
                    _connection.Log("CancelRequest received; nothing to cancel in test mode");
                    return;
                }

                await WriteAsync(output, StartupAnswer(), ct).ConfigureAwait(false);
                break;
            }

            List<PgMessage> bundle = new();
            while (true)
            {
                PgFrame? f = await PgFrameReader.ReadFrontendAsync(input, untyped: false, ct).ConfigureAwait(false);
                if (f is null)
                {
                    return;
                }

                PgMessage msg = PgMessageDecoder.DecodeFrontend(f.Value);
                if (msg is Terminate)
                {
                    return;
                }

                if (msg is PasswordMessage or SaslInitialResponse or SaslResponse)
                {
                    continue;
                }

                bundle.Add(msg);
                if (msg is Sync or Query or CopyDone or CopyFail)
                {
                    await WriteAsync(output, Answer(bundle), ct).ConfigureAwait(false);
                    PgBundle.Track(bundle, _statements);
                    bundle.Clear();
                }
            }
        }
        catch (PgProtocolException ex)
        {
            _connection.Log($"closing: malformed frontend traffic: {ex.Message}");
        }
        finally
        {
            if (appTls is not null)
            {
                await appTls.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private List<PgFrame> StartupAnswer()
    {
        List<PgFrame> frames = new() { Frame(AuthenticationOk.Encode()) };
        PgRecordedMock? recorded = _index.Handshakes.FirstOrDefault(h => h.Responses.Any(r => r.Letter == 'S') && h.Responses.Any(r => r.Letter == 'Z'));
        if (recorded is not null)
        {
            frames.AddRange(recorded.Responses.Where(r => r.Letter == 'S'));
            frames.Add(recorded.Responses.FirstOrDefault(r => r.Letter == 'K') is { Raw: not null } k ? k : Frame(new BackendKeyData(4242, 4242).Encode()));
        }
        else
        {
            foreach ((string name, string value) in new[]
            {
                ("server_version", "15.0"), ("server_encoding", "UTF8"), ("client_encoding", "UTF8"), ("DateStyle", "ISO, MDY"),
                ("integer_datetimes", "on"), ("IntervalStyle", "postgres"), ("standard_conforming_strings", "on"), ("TimeZone", "UTC"),
                ("is_superuser", "off"), ("application_name", ""), ("default_transaction_read_only", "off"), ("in_hot_standby", "off"),
            })
            {
                frames.Add(Frame(new ParameterStatus(name, value).Encode()));
            }

            frames.Add(Frame(new BackendKeyData(4242, 4242).Encode()));
        }

        frames.Add(Frame(ReadyForQuery.Encode('I')));
        return frames;
    }

    private List<PgFrame> Answer(List<PgMessage> bundle)
    {
        foreach (Parse p in bundle.OfType<Parse>().Where(p => p.ParameterOids.Any(o => o != 0)))
        {
            _liveTypes[SqlText.Normalize(p.Sql)] = p.ParameterOids.ToArray();
        }

        (MatchRequest live, List<string> display) = PgBundle.View(bundle, _statements, TypesFor);

        // The rest of a mock Keploy 2 recorded as one client write (DISCARD ALL + the next query) answers the next request.
        if (_pending.Count > 0)
        {
            (Mock owner, PgPart next) = _pending.Dequeue();
            IReadOnlyList<FieldDifference>? differences = MockMatchRule.IsExact(live, next.View)
                ? Array.Empty<FieldDifference>()
                : _pool.StrictMocks ? null : MockMatchRule.VolatileDifferences(live, next.View, owner.RequestTimestamp, _pool.NoiseNames, DateTimeOffset.Now);
            List<PgFrame>? rest = differences is null ? null : Adapt(next, bundle);
            if (rest is not null)
            {
                _connection.Debug($"postgres: {Summary(display)} served by the next part of {owner.Name}");
                if (differences!.Count > 0)
                {
                    _pool.ReportNote(owner, $"{owner.Name} matched with differences: {FieldDifference.Join(differences)}");
                }

                return rest;
            }

            _pending.Clear();
        }

        List<PgFrame>? answer = null;
        MockMatch? match = MockMatchRule.Find(_pool, _pool.GetCandidates(Kinds), live, mock => _index.Get(mock) is { IsHandshake: false } r ? r.First.View : null, mock =>
        {
            answer = Adapt(_index.Get(mock)!.First, bundle);
            return answer is not null;
        });
        if (match is not null)
        {
            PgRecordedMock recorded = _index.Get(match.Mock)!;
            foreach (PgPart part in recorded.Parts.Skip(1))
            {
                _pending.Enqueue((match.Mock, part));
            }

            _connection.Debug(match.Differences.Count == 0
                ? $"postgres: {Summary(display)} matched {match.Mock.Name}"
                : $"postgres: {Summary(display)} matched {match.Mock.Name} with differences: {FieldDifference.Join(match.Differences)}");
            return answer!;
        }

        // A grouped mock whose leading session part (DISCARD ALL) this client did not send, on a fresh connection for example.
        MockMatch? later = MockMatchRule.Find(_pool, _pool.GetCandidates(Kinds), live, mock => FirstDataPart(_index.Get(mock))?.View, mock =>
        {
            answer = Adapt(FirstDataPart(_index.Get(mock))!, bundle);
            return answer is not null;
        });
        if (later is not null)
        {
            PgRecordedMock recorded = _index.Get(later.Mock)!;
            PgPart used = FirstDataPart(recorded)!;
            foreach (PgPart part in recorded.Parts.SkipWhile(p => !ReferenceEquals(p, used)).Skip(1))
            {
                _pending.Enqueue((later.Mock, part));
            }

            _connection.Debug($"postgres: {Summary(display)} matched a later part of {later.Mock.Name} (its session part was not sent)");
            return answer!;
        }

        if (!_pool.StrictMocks && PgBundle.IsSessionPhase(live) && SessionFallback(live, display, bundle) is { } fallback)
        {
            return fallback;
        }

        return Miss(live, display);
    }

    /// <summary>For a grouped mock: its first part after leading session parts (DISCARD ALL), or null (one part, or no such part).</summary>
    private static PgPart? FirstDataPart(PgRecordedMock? r)
    {
        if (r is null || r.IsHandshake || r.Parts.Count < 2 || !r.First.IsSessionPhase)
        {
            return null;
        }

        return r.Parts.SkipWhile(p => p.IsSessionPhase).FirstOrDefault();
    }

    private IReadOnlyList<int>? TypesFor(string normalizedSql) =>
        _liveTypes.TryGetValue(normalizedSql, out int[]? t) ? t : _index.TypesFor(normalizedSql);

    /// <summary>
    /// A statement of the session phase (type loading, version(), SHOW, SET, DISCARD ALL) that no mock matched: the driver was
    /// probably upgraded. Served from the closest recorded request of the same phase (same leading keyword first, then text
    /// similarity, unconsumed first), with a warning naming both.
    /// </summary>
    private List<PgFrame>? SessionFallback(MatchRequest live, List<string> display, List<PgMessage> bundle)
    {
        HashSet<Mock> unconsumed = new(_pool.GetCandidates(Kinds), ReferenceEqualityComparer.Instance);
        IEnumerable<PgRecordedMock> same = _pool.GetAll(Kinds).Select(m => _index.Get(m)).OfType<PgRecordedMock>()
            .Where(r => !r.IsHandshake && r.Parts.Count == 1 && r.First.IsSessionPhase);
        string verb = FirstWords(live.Shape);
        foreach (PgRecordedMock r in same
            .OrderByDescending(r => FirstWords(r.First.View.Shape) == verb)
            .ThenByDescending(r => TextDiff.Similarity(live.Shape, r.First.View.Shape))
            .ThenByDescending(r => unconsumed.Contains(r.Mock)))
        {
            List<PgFrame>? answer = Adapt(r.First, bundle);
            if (answer is null)
            {
                continue;
            }

            string note = $"driver upgrade? session query '{TextDiff.Truncate(string.Join("; ", display), 80)}' was not recorded; served the closest recorded one, {r.Mock.Name} '{TextDiff.Truncate(string.Join("; ", r.First.Display), 80)}' ({TextDiff.ExplainLines(display, r.First.Display)})";
            _connection.Warn(note);
            _pool.ReportNote(r.Mock, note);
            return answer;
        }

        return null;
    }

    private static string FirstWords(string shape)
    {
        string first = shape.Split('\n')[0];
        string[] words = first.Split(' ', 3);
        return words.Length > 1 ? words[0] + " " + words[1].ToUpperInvariant() : first;
    }

    private static string Summary(IReadOnlyList<string> display) =>
        display.Count == 0 ? "(empty request)" : TextDiff.Truncate(string.Join("; ", display), 300);

    private List<PgFrame>? Adapt(PgPart recorded, List<PgMessage> live)
    {
        int recP = recorded.Requests.Count(m => m is Parse), recD = recorded.Requests.Count(m => m is Describe);
        int liveP = live.Count(m => m is Parse), liveD = live.Count(m => m is Describe);
        if (recP == liveP && recD == liveD)
        {
            return recorded.Responses.ToList();
        }

        List<PgFrame>[]? chunks = PgResponseChunks.Split(recorded.Requests, recorded.Responses);
        if (chunks is null)
        {
            return null;
        }

        Queue<List<PgFrame>> others = new(), describes = new();
        for (int k = 0; k < chunks.Length; k++)
        {
            switch (recorded.Requests[k])
            {
                case Parse:
                    break;
                case Describe:
                    describes.Enqueue(chunks[k]);
                    break;
                default:
                    others.Enqueue(chunks[k]);
                    break;
            }
        }

        Dictionary<string, string> local = new(_statements);
        string? lastBound = null;
        List<PgFrame> result = new();
        foreach (PgMessage m in live)
        {
            switch (m)
            {
                case Parse p:
                    local[p.Statement] = p.Sql;
                    result.Add(Frame(ParseComplete.Encode()));
                    break;
                case Describe d:
                {
                    if (recD == liveD && describes.Count > 0)
                    {
                        result.AddRange(describes.Dequeue());
                        break;
                    }

                    string? sql = d.Kind == 'S' ? local.GetValueOrDefault(d.Target) : lastBound;
                    List<PgFrame>? rows = sql is null ? null : _index.DescribeFor(sql);
                    if (rows is null)
                    {
                        return null;
                    }

                    if (d.Kind == 'S')
                    {
                        result.Add(Frame(new ParameterDescription(Array.Empty<int>()).Encode()));
                    }

                    result.AddRange(rows);
                    break;
                }

                case Bind b:
                    lastBound = local.GetValueOrDefault(b.Statement);
                    if (others.Count == 0)
                    {
                        return null;
                    }

                    result.AddRange(others.Dequeue());
                    break;
                case Flush:
                    break;
                default:
                    if (others.Count == 0)
                    {
                        return null;
                    }

                    result.AddRange(others.Dequeue());
                    break;
            }
        }

        return result;
    }

    private List<PgFrame> Miss(MatchRequest live, List<string> display)
    {
        string summary = display.Count == 0 ? "(empty request)" : string.Join("; ", display);
        (PgRecordedMock? closest, string? diff) = Closest(live, display);
        string message = closest is null
            ? $"keploy: no recorded mock matched {TextDiff.Truncate(summary, 400)}; no Postgres mocks recorded"
            : $"keploy: no recorded mock matched {TextDiff.Truncate(summary, 400)}; closest: {closest.Mock.Name} ({diff})";
        _connection.Log(message);
        _pool.ReportMiss(new MockMiss("Postgres", "Postgres " + summary, closest?.Mock.Name, diff, _connection.Destination.ToString()));
        return new List<PgFrame> { Frame(ErrorResponse.Encode("XX000", message)), Frame(ReadyForQuery.Encode('I')) };
    }

    /// <summary>
    /// The recorded request closest to the live one, aligned by content: each live line is compared with the most similar line of
    /// the candidate (not the one at the same position), so an extra or missing message does not shift every comparison.
    /// </summary>
    private (PgRecordedMock?, string?) Closest(MatchRequest live, List<string> display)
    {
        PgRecordedMock? best = null;
        PgPart? bestPart = null;
        double bestScore = -1;
        foreach (Mock mock in _pool.GetAll(Kinds))
        {
            PgRecordedMock? r = _index.Get(mock);
            if (r is null || r.IsHandshake)
            {
                continue;
            }

            foreach (PgPart part in r.Parts)
            {
                double score = TextDiff.AlignedSimilarity(display, part.Display);
                if (score > bestScore)
                {
                    (best, bestPart, bestScore) = (r, part, score);
                }
            }
        }

        if (best is null || bestPart is null)
        {
            return (null, null);
        }

        string diff = MockMatchRule.IsExact(live, bestPart.View) && _pool.IsConsumed(best.Mock)
            ? "same statement, but its recorded answers were all used already"
            : TextDiff.ExplainLines(display, bestPart.Display);
        return (best, $"{diff}; similarity {bestScore:0.00}");
    }

    private static PgFrame Frame(byte[] raw) => new(raw[0], raw);

    private static async Task WriteAsync(PipeWriter output, List<PgFrame> frames, CancellationToken ct)
    {
        foreach (PgFrame f in frames)
        {
            output.Write(f.Raw);
        }

        await output.FlushAsync(ct).ConfigureAwait(false);
    }
}
