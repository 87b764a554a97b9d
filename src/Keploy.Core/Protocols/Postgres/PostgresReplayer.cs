using System.Buffers;
using System.IO.Pipelines;
using Keploy.Core.Models;
using Keploy.Core.Proxy;
using Keploy.Core.Protocols.Postgres.Messages;
using Keploy.Core.Replay;

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
        List<string> signature = PgBundle.Signature(bundle, _statements);
        foreach (Mock mock in _pool.GetCandidates(Kinds))
        {
            PgRecordedMock? recorded = _index.Get(mock);
            if (recorded is null || recorded.IsHandshake || !recorded.Signature.SequenceEqual(signature))
            {
                continue;
            }

            List<PgFrame>? answer = Adapt(recorded, bundle);
            if (answer is null)
            {
                continue;
            }

            if (_pool.TryConsume(mock))
            {
                return answer;
            }
        }

        return Miss(signature);
    }

    private List<PgFrame>? Adapt(PgRecordedMock recorded, List<PgMessage> live)
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

    private List<PgFrame> Miss(List<string> signature)
    {
        string summary = signature.Count == 0 ? "(empty request)" : string.Join("; ", signature);
        (PgRecordedMock? closest, string? diff) = Closest(signature);
        string message = closest is null
            ? $"keploy: no recorded mock matched {summary}; no Postgres mocks recorded"
            : $"keploy: no recorded mock matched {summary}; closest: {closest.Mock.Name} ({diff})";
        _connection.Log(message);
        _pool.ReportMiss(new MockMiss("Postgres", "Postgres " + summary, closest?.Mock.Name, diff, _connection.Destination.ToString()));
        return new List<PgFrame> { Frame(ErrorResponse.Encode("XX000", message)), Frame(ReadyForQuery.Encode('I')) };
    }

    private (PgRecordedMock?, string?) Closest(List<string> signature)
    {
        PgRecordedMock? best = null;
        double bestScore = -1;
        string? bestDiff = null;
        foreach (Mock mock in _pool.GetAll(Kinds))
        {
            PgRecordedMock? r = _index.Get(mock);
            if (r is null || r.IsHandshake)
            {
                continue;
            }

            double score = 0;
            string? diff = null;
            int n = Math.Max(signature.Count, r.Signature.Count);
            for (int i = 0; i < n; i++)
            {
                string a = i < signature.Count ? signature[i] : "(nothing)";
                string b = i < r.Signature.Count ? r.Signature[i] : "(nothing)";
                if (a == b)
                {
                    score += 1;
                }
                else
                {
                    score += Similarity(a, b);
                    diff ??= $"recorded '{b}', got '{a}'";
                }
            }

            score /= Math.Max(n, 1);
            if (diff is null && _pool.IsConsumed(mock))
            {
                diff = "same statement, but its recorded answers were all used already";
            }

            if (score > bestScore)
            {
                best = r;
                bestScore = score;
                bestDiff = diff ?? "same statement";
            }
        }

        return (best, best is null ? null : $"{bestDiff}; similarity {bestScore:0.00}");
    }

    private static double Similarity(string a, string b)
    {
        int prefix = 0;
        while (prefix < a.Length && prefix < b.Length && a[prefix] == b[prefix])
        {
            prefix++;
        }

        return (double)prefix / Math.Max(Math.Max(a.Length, b.Length), 1);
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
