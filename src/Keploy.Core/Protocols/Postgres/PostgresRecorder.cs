using System.Buffers;
using System.IO.Pipelines;
using Keploy.Core.Proxy;
using Keploy.Core.Protocols.Postgres.Messages;
using Keploy.Core.Tls;

namespace Keploy.Core.Protocols.Postgres;

/// <summary>
/// Record mode for one connection: relays both directions byte-exact (complete messages are forwarded as soon as they are read),
/// passes an SSLRequest to the server when TLS interception is on (the server's 'S' means TLS on both legs with the keploy CA on
/// the app's leg, then the plaintext is recorded; its 'N' goes to the app), otherwise answers SSLRequest/GSSENCRequest with 'N'
/// itself, and turns each request bundle (frontend messages up to and including Sync,
/// Query, the startup or a password message) plus the backend messages up to ReadyForQuery (or an authentication request that
/// waits for the client) into one mock. Malformed traffic closes the connection with one logged line; mocks already recorded stay.
/// </summary>
internal sealed class PostgresRecorder
{
    private readonly ProxyConnection _connection;
    private readonly object _gate = new();
    private readonly List<(PgFrame Frame, DateTimeOffset Time, PgMessage? Message)> _pending = new();
    private volatile int _lastAuthCode = -1;
    private volatile bool _startupDone;
    private int _authCodeForPending = -1;

    public PostgresRecorder(ProxyConnection connection)
    {
        _connection = connection;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        IDuplexPipe appSide = _connection.Client;
        IDuplexPipe? upstream = null;
        TlsDuplexPipe? appTls = null;
        try
        {
            // Startup phase: SSLRequest/GSSENCRequest answered until a StartupMessage or CancelRequest arrives.
            PgFrame first;
            while (true)
            {
                PgFrame? f = await PgFrameReader.ReadFrontendAsync(appSide.Input, untyped: true, cancellationToken).ConfigureAwait(false);
                if (f is null)
                {
                    return;
                }

                PgMessage msg = PgMessageDecoder.DecodeFrontend(f.Value);
                if (msg is SslRequest && _connection.Tls is { } tls && appTls is null)
                {
                    if (tls.IsPinned(_connection.Destination))
                    {
                        _connection.Log("SSLRequest from an app that refused the keploy CA before; relaying the connection untouched (not recorded)");
                        upstream ??= await _connection.ConnectUpstreamAsync!(cancellationToken).ConfigureAwait(false);
                        await upstream.Output.WriteAsync(f.Value.Raw, cancellationToken).ConfigureAwait(false);
                        await PipeRelay.BothWaysAsync(appSide, upstream, cancellationToken).ConfigureAwait(false);
                        return;
                    }

                    // Ask the real server; the app gets the server's answer. 'S': TLS on both legs, then record the plaintext.
                    DateTimeOffset t = DateTimeOffset.UtcNow;
                    upstream ??= await _connection.ConnectUpstreamAsync!(cancellationToken).ConfigureAwait(false);
                    await upstream.Output.WriteAsync(f.Value.Raw, cancellationToken).ConfigureAwait(false);
                    int answer = await ReadByteAsync(upstream.Input, cancellationToken).ConfigureAwait(false);
                    if (answer < 0)
                    {
                        _connection.Log("server closed the connection after the SSLRequest");
                        return;
                    }

                    if (answer == 'S')
                    {
                        try
                        {
                            // The app's sslmode is unknown (require does not verify): the server's certificate is accepted as is.
                            upstream = await tls.ConnectAsync(upstream, _connection.Destination.Address.ToString(), verify: false, askHttp11: false, cancellationToken).ConfigureAwait(false);
                        }
                        catch (TlsUpstreamException ex)
                        {
                            upstream = null; // disposed by ConnectAsync
                            _connection.Log($"TLS handshake with the server failed after it accepted the SSLRequest ({ex.Message}); closing");
                            return;
                        }

                        await appSide.Output.WriteAsync(new[] { (byte)'S' }, cancellationToken).ConfigureAwait(false);
                        Record(new PgExchange(_connection.Id, new[] { f.Value }, Array.Empty<PgFrame>(), t, DateTimeOffset.UtcNow, true, -1), refusal: true, answer: 'S');
                        TlsClientHello? hello = await TlsInterception.PeekClientHelloAsync(appSide.Input, cancellationToken).ConfigureAwait(false);
                        try
                        {
                            appTls = await tls.AcceptAsync(appSide, hello?.ServerName, _connection.Destination.Address, Array.Empty<string>(), cancellationToken).ConfigureAwait(false);
                        }
                        catch (TlsClientRejectedException)
                        {
                            tls.ReportRejected(_connection.Destination, hello?.ServerName, _connection.Log);
                            return;
                        }

                        appSide = appTls;
                        continue;
                    }

                    await appSide.Output.WriteAsync(new[] { (byte)answer }, cancellationToken).ConfigureAwait(false);
                    Record(new PgExchange(_connection.Id, new[] { f.Value }, Array.Empty<PgFrame>(), t, DateTimeOffset.UtcNow, true, -1), refusal: true, answer: (char)answer);
                    if (answer != 'N')
                    {
                        // An ErrorResponse (servers before 7.x): relay the rest untouched.
                        await PipeRelay.BothWaysAsync(appSide, upstream, cancellationToken).ConfigureAwait(false);
                        return;
                    }

                    continue;
                }

                if (msg is SslRequest or GssEncRequest)
                {
                    DateTimeOffset t = DateTimeOffset.UtcNow;
                    await appSide.Output.WriteAsync(new[] { (byte)'N' }, cancellationToken).ConfigureAwait(false);
                    Record(new PgExchange(_connection.Id, new[] { f.Value }, Array.Empty<PgFrame>(), t, DateTimeOffset.UtcNow, true, -1), refusal: true);
                    ReadResult peek = await appSide.Input.ReadAsync(cancellationToken).ConfigureAwait(false);
                    appSide.Input.AdvanceTo(peek.Buffer.Start, peek.Buffer.Start);
                    if (peek.Buffer.IsEmpty && peek.IsCompleted)
                    {
                        _connection.Log($"client closed after its {msg.Name} was refused with 'N': it probably requires encryption (sslmode=require/gssencmode=require); use sslmode=prefer or disable when recording");
                        return;
                    }

                    continue;
                }

                first = f.Value;
                break;
            }

            bool firstSent = false;
            if (appTls is not null && upstream is not null && PgMessageDecoder.DecodeFrontend(first) is StartupMessage)
            {
                (upstream, firstSent) = await AvoidChannelBindingAsync(first, upstream, cancellationToken).ConfigureAwait(false);
            }

            upstream ??= await _connection.ConnectUpstreamAsync!(cancellationToken).ConfigureAwait(false);
            await RelayAsync(first, firstSent, appSide, upstream, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (upstream is IAsyncDisposable d)
            {
                await d.DisposeAsync().ConfigureAwait(false);
            }

            if (appTls is not null)
            {
                await appTls.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<int> ReadByteAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult r = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (!r.Buffer.IsEmpty)
            {
                int b = r.Buffer.FirstSpan[0];
                reader.AdvanceTo(r.Buffer.GetPosition(1));
                return b;
            }

            reader.AdvanceTo(r.Buffer.End);
            if (r.IsCompleted)
            {
                return -1;
            }
        }
    }

    /// <summary>
    /// SCRAM-SHA-256-PLUS binds the authentication to the server's TLS certificate, which the app cannot see through the proxy (it
    /// sees the keploy leaf), so it would fail. When the server offers it over TLS, the proxy's leg to the server is opened again
    /// without TLS (the server then offers plain SCRAM-SHA-256, which passes through); a server that accepts only TLS keeps the TLS
    /// leg and the reason is logged. The StartupMessage has been sent on the returned upstream; its first answer is left unread.
    /// </summary>
    private async Task<(IDuplexPipe Upstream, bool FirstSent)> AvoidChannelBindingAsync(PgFrame startup, IDuplexPipe tlsUpstream, CancellationToken ct)
    {
        await tlsUpstream.Output.WriteAsync(startup.Raw, ct).ConfigureAwait(false);
        PgFrame? answer = await PeekBackendAsync(tlsUpstream.Input, ct).ConfigureAwait(false);
        if (answer is not { } a || PgMessageDecoder.DecodeBackend(a) is not AuthenticationSasl sasl
            || !sasl.Mechanisms.Any(m => m.EndsWith("-PLUS", StringComparison.Ordinal)))
        {
            return (tlsUpstream, true);
        }

        IDuplexPipe plain = await _connection.ConnectUpstreamAsync!(ct).ConfigureAwait(false);
        await plain.Output.WriteAsync(startup.Raw, ct).ConfigureAwait(false);
        PgFrame? plainAnswer = await PeekBackendAsync(plain.Input, ct).ConfigureAwait(false);
        if (plainAnswer is { Letter: 'R' })
        {
            _connection.Log("the server offers SCRAM channel binding (SCRAM-SHA-256-PLUS) over TLS, which cannot pass through TLS interception; the app's connection is TLS, the recorder's connection to the server is not");
            if (tlsUpstream is IAsyncDisposable d)
            {
                await d.DisposeAsync().ConfigureAwait(false);
            }

            return (plain, true);
        }

        if (plain is IAsyncDisposable p)
        {
            await p.DisposeAsync().ConfigureAwait(false);
        }

        _connection.Log($"the server offers SCRAM channel binding (SCRAM-SHA-256-PLUS) and accepts only TLS: the app's authentication through the recorder fails unless it disables channel binding while recording (Npgsql `Channel Binding=Disable`, libpq `channel_binding=disable`) or the port is passed through (--pass-through-ports {_connection.Destination.Port})");
        return (tlsUpstream, true);
    }

    private static async Task<PgFrame?> PeekBackendAsync(PipeReader reader, CancellationToken ct)
    {
        while (true)
        {
            ReadResult r = await reader.ReadAsync(ct).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = r.Buffer;
            if (PgFrameReader.TryRead(ref buffer, untyped: false, frontend: false, out PgFrame frame))
            {
                reader.AdvanceTo(r.Buffer.Start, r.Buffer.Start);
                return frame;
            }

            reader.AdvanceTo(r.Buffer.Start, r.Buffer.End);
            if (r.IsCompleted)
            {
                return null;
            }
        }
    }

    private async Task RelayAsync(PgFrame first, bool firstSent, IDuplexPipe appSide, IDuplexPipe upstream, CancellationToken cancellationToken)
    {
        using CancellationTokenSource both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        lock (_gate)
        {
            _pending.Add((first, DateTimeOffset.UtcNow, null));
        }

        if (!firstSent)
        {
            await upstream.Output.WriteAsync(first.Raw, cancellationToken).ConfigureAwait(false);
        }
        if (PgMessageDecoder.DecodeFrontend(first) is CancelRequest)
        {
            _connection.Log("CancelRequest relayed to the server (not recorded)");
            lock (_gate)
            {
                _pending.Clear();
            }
        }

        _handOffArmed = HandOffEnabled && SocketRelay.IsSupported && appSide is DuplexPipe && upstream is DuplexPipe;
        Task<byte[]?> up = RecordingRelay.PumpAsync(appSide.Input, upstream.Output, new Direction(this, frontend: true), both, _connection.Log);
        Task<byte[]?> down = RecordingRelay.PumpAsync(upstream.Input, appSide.Output, new Direction(this, frontend: false), both, _connection.Log);
        byte[]? serverRest = await down.ConfigureAwait(false);
        if (serverRest is null)
        {
            await up.ConfigureAwait(false);
            return;
        }

        // The startup is over (its ReadyForQuery went to the client): stop the client's direction too, then hand both sockets to
        // the relay thread with a tap that records what follows. Bytes the pumps read past their last whole message are shown to
        // the tap and sent on here first, so every byte still crosses once and in order.
        appSide.Input.CancelPendingRead();
        byte[]? clientRest = await up.ConfigureAwait(false);
        if (clientRest is null)
        {
            return; // the client's direction ended meanwhile (its end closed the server's socket)
        }

        Tap tap = new(this);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        if (!tap.Take(fromClient: true, clientRest, now) || !tap.Take(fromClient: false, serverRest, now))
        {
            return;
        }

        try
        {
            await upstream.Output.WriteAsync(clientRest, cancellationToken).ConfigureAwait(false);
            await appSide.Output.WriteAsync(serverRest, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            return;
        }

        await SocketRelay.Recording.RelayAsync(((DuplexPipe)appSide).Socket, ((DuplexPipe)upstream).Socket, tap, cancellationToken).ConfigureAwait(false);
        if (!cancellationToken.IsCancellationRequested)
        {
            tap.ReportTruncated();
        }
    }

    /// <summary>
    /// Whether a connection whose startup is over is handed to <see cref="SocketRelay.Recording"/> (one thread relays and records
    /// it: no thread-pool hop per message) rather than kept on the pipe pumps. On where the relay runs, for connections without
    /// TLS; <c>KEPLOY_SOCKET_RELAY=0</c> in the environment keeps every connection on the pumps.
    /// </summary>
    internal static bool HandOffEnabled { get; set; } = Environment.GetEnvironmentVariable("KEPLOY_SOCKET_RELAY") != "0";

    private bool _handOffArmed;

    /// <summary>
    /// The record side of a connection relayed by <see cref="SocketRelay"/>: the bytes of each direction gathered into whole
    /// messages (the rest kept for the next read), each message observed as the pumps observe it. Runs on the relay's thread;
    /// malformed traffic or a failing recorder ends the pair with one logged line.
    /// </summary>
    private sealed class Tap(PostgresRecorder recorder) : IRelayTap
    {
        private readonly Gather _client = new();
        private readonly Gather _server = new();

        public bool Received(bool fromA, ReadOnlySpan<byte> bytes) => Take(fromA, bytes, DateTimeOffset.UtcNow);

        public bool Take(bool fromClient, ReadOnlySpan<byte> bytes, DateTimeOffset now)
        {
            Gather g = fromClient ? _client : _server;
            g.Append(bytes);
            try
            {
                ReadOnlySequence<byte> rest = new(g.Buffer, 0, g.Count);
                long start = rest.Length;
                while (PgFrameReader.TryRead(ref rest, untyped: false, fromClient, out PgFrame frame))
                {
                    if (fromClient)
                    {
                        recorder.OnFrontend(frame, now);
                    }
                    else
                    {
                        recorder.OnBackend(frame, now);
                    }
                }

                g.Consume((int)(start - rest.Length));
                return true;
            }
            catch (PgProtocolException ex)
            {
                recorder._connection.Log($"closing: malformed {(fromClient ? "frontend" : "backend")} traffic: {ex.Message}");
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
            {
                recorder._connection.Log($"closing: the recording failed: {ex.Message}");
            }

            return false;
        }

        public void ReportTruncated()
        {
            foreach ((Gather g, bool frontend) in new[] { (_client, true), (_server, false) })
            {
                if (g.Count > 0)
                {
                    recorder._connection.Log($"{(frontend ? "client" : "server")} closed in the middle of a {PgMessageNames.Name(g.Buffer[0], frontend)} ({g.Count} byte(s) of a truncated message)");
                }
            }
        }
    }

    /// <summary>Bytes of one direction not yet part of a whole message: a buffer that grows to the largest message seen.</summary>
    private sealed class Gather
    {
        public byte[] Buffer = new byte[4096];
        public int Count;

        public void Append(ReadOnlySpan<byte> bytes)
        {
            if (Count + bytes.Length > Buffer.Length)
            {
                Array.Resize(ref Buffer, Math.Max(Buffer.Length * 2, Count + bytes.Length));
            }

            bytes.CopyTo(Buffer.AsSpan(Count));
            Count += bytes.Length;
        }

        public void Consume(int n)
        {
            if (n == 0)
            {
                return;
            }

            Buffer.AsSpan(n, Count - n).CopyTo(Buffer);
            Count -= n;
        }
    }

    /// <summary>
    /// One direction for <see cref="RecordingRelay"/>: complete messages only. Client messages are queued before they are relayed
    /// (so the answer always finds its request pending), and so are server messages during the startup (the authentication state
    /// decides how the client's answer decodes); after the startup server messages are relayed first, so the client does not wait
    /// for the recording.
    /// </summary>
    private sealed class Direction(PostgresRecorder recorder, bool frontend) : IRelayParser
    {
        private readonly List<PgFrame> _frames = new();

        public bool ObserveFirst => frontend || !recorder._startupDone;

        public bool RelayPartial => false;

        public bool HandOff => !frontend && recorder._handOffArmed && recorder._startupDone;

        public long Take(ReadOnlySequence<byte> buffer)
        {
            _frames.Clear();
            ReadOnlySequence<byte> rest = buffer;
            while (PgFrameReader.TryRead(ref rest, untyped: false, frontend, out PgFrame frame))
            {
                _frames.Add(frame);
            }

            return buffer.Length - rest.Length;
        }

        public void Observe(DateTimeOffset now) => recorder.Observe(_frames, frontend, now);

        public string Truncated(ReadOnlySequence<byte> rest) =>
            $"{(frontend ? "client" : "server")} closed in the middle of a {PgMessageNames.Name(rest.FirstSpan[0], frontend)} ({rest.Length} byte(s) of a truncated message)";

        public string? Malformed(Exception ex) =>
            ex is PgProtocolException ? $"closing: malformed {(frontend ? "frontend" : "backend")} traffic: {ex.Message}" : null;
    }

    private void Observe(List<PgFrame> frames, bool frontend, DateTimeOffset now)
    {
        foreach (PgFrame frame in frames)
        {
            if (frontend)
            {
                OnFrontend(frame, now);
            }
            else
            {
                OnBackend(frame, now);
            }
        }
    }

    private void OnFrontend(PgFrame frame, DateTimeOffset now)
    {
        // Decoding validates the body; a malformed message throws and closes the connection. After the startup the decoded
        // message goes with the exchange, so the mock writer does not decode it again (during it, the authentication state
        // decides the decoding, and the writer decodes with the state the bundle began in).
        PgMessage decoded = PgMessageDecoder.DecodeFrontend(frame, _lastAuthCode);
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                _authCodeForPending = _lastAuthCode;
            }

            _pending.Add((frame, now, _startupDone ? decoded : null));
        }
    }

    private readonly List<PgFrame> _responses = new();
    private readonly List<PgMessage> _responseMessages = new();

    private void OnBackend(PgFrame frame, DateTimeOffset now)
    {
        PgMessage msg = PgMessageDecoder.DecodeBackend(frame);
        _responses.Add(frame);
        _responseMessages.Add(msg);
        bool boundary = false;
        if (msg is Authentication a)
        {
            _lastAuthCode = a.Code;
            boundary = a.AwaitsClient;
        }
        else if (msg is ReadyForQuery)
        {
            boundary = true;
        }

        if (!boundary)
        {
            return;
        }

        PgFrame[] requests;
        PgMessage[]? requestMessages;
        DateTimeOffset reqTime = now;
        int authBefore;
        bool copyIn = false;
        foreach (PgFrame r in _responses)
        {
            if (r.Type is (byte)'G' or (byte)'W')
            {
                copyIn = true;
                break;
            }
        }

        lock (_gate)
        {
            authBefore = _authCodeForPending;
            int take = 0;
            bool sawCopyEnd = false;
            for (; take < _pending.Count; take++)
            {
                byte t = _pending[take].Frame.Type;
                if (copyIn && !sawCopyEnd)
                {
                    if (t is (byte)'c' or (byte)'f')
                    {
                        sawCopyEnd = true;
                    }

                    continue;
                }

                if (t is 0 or (byte)'S' or (byte)'Q' or (byte)'p' or (byte)'F')
                {
                    if (!copyIn || sawCopyEnd || t != (byte)'Q')
                    {
                        take++;
                        break;
                    }
                }
            }

            take = Math.Min(take, _pending.Count);
            if (take > 0)
            {
                reqTime = _pending[0].Time;
            }

            requests = new PgFrame[take];
            requestMessages = new PgMessage[take];
            for (int i = 0; i < take; i++)
            {
                requests[i] = _pending[i].Frame;
                if (_pending[i].Message is { } m && requestMessages is not null)
                {
                    requestMessages[i] = m;
                }
                else
                {
                    requestMessages = null;
                }
            }

            _pending.RemoveRange(0, take);
            _authCodeForPending = _lastAuthCode;
        }

        PgExchange x = new(_connection.Id, requests, _responses.ToArray(), reqTime, now, !_startupDone, authBefore)
        {
            RequestMessages = _startupDone ? requestMessages : null,
            ResponseMessages = _startupDone ? _responseMessages.ToArray() : null,
        };
        _responses.Clear();
        _responseMessages.Clear();
        if (msg is ReadyForQuery)
        {
            _startupDone = true;
        }

        Record(x, refusal: false);
    }

    private void Record(PgExchange x, bool refusal, char answer = 'N')
    {
        if (_connection.Recorder is null)
        {
            return;
        }

        // Written on the relaying task, after the server's bytes went to the client: nothing is queued, so nothing can be lost.
        Write(x, refusal, answer);
    }

    /// <summary>The bytes on the wire of <paramref name="frames"/> (what the writer's queue is bounded by).</summary>
    private static long RawBytes(IReadOnlyList<PgFrame> frames)
    {
        long n = 0;
        for (int i = 0; i < frames.Count; i++)
        {
            n += frames[i].Raw.Length;
        }

        return n;
    }

    private void Write(PgExchange x, bool refusal, char answer)
    {
        if (!refusal && _connection.Recorder is IDeferredMockRecorder deferred)
        {
            // The exchange is finished (its lists are copies): build the mock on the recorder's writer, off this connection.
            deferred.Record(() => PostgresMockWriter.Build(x), RawBytes(x.Requests) + RawBytes(x.Responses), "Postgres", (output, name) => PostgresMockText.Write(output, x, name));
            return;
        }

        if (refusal)
        {
            x = x with { Responses = Array.Empty<PgFrame>() };
        }

        var mock = PostgresMockWriter.Build(x);
        if (refusal)
        {
            // The one-byte 'N' (or 'S') answer is not a framed message; write it as Keploy does (payload Tg==, or Uw== for 'S').
            YamlDotNet.RepresentationModel.YamlSequenceNode responses = (YamlDotNet.RepresentationModel.YamlSequenceNode)mock.Spec.Children[new YamlDotNet.RepresentationModel.YamlScalarNode("postgresresponses")];
            responses.Children.Clear();
            responses.Add(new YamlDotNet.RepresentationModel.YamlMappingNode { { "payload", Convert.ToBase64String(new[] { (byte)answer }) }, { "auth_type", "0" } });
        }

        _connection.Recorder!.Record(mock);
    }
}
