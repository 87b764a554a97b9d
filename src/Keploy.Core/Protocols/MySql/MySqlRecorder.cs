using System.Buffers;
using System.IO.Pipelines;
using Keploy.Core.Proxy;
using Keploy.Core.Protocols.MySql.Messages;
using Keploy.Core.Tls;

namespace Keploy.Core.Protocols.MySql;

/// <summary>
/// Record mode for one connection. The connection phase is relayed packet by packet (the server's greeting first; an SSLRequest
/// switches both legs to TLS with the keploy CA on the app's leg when TLS interception is on; the authentication exchange — auth
/// switch, caching_sha2_password fast or full auth with the RSA key request — is relayed as is) and becomes one <c>config</c>
/// mock. The greeting reaches the app without the capabilities this tool cannot record (CLIENT_COMPRESS, zstd, optional result
/// set metadata, MariaDB's extended capabilities, and CLIENT_SSL when TLS interception is off), so app and server speak the
/// plain protocol. Then each command and its answer (<see cref="MySqlResponseReader"/>) become one mock; commands without an
/// answer (COM_STMT_CLOSE, COM_STMT_SEND_LONG_DATA) one mock each. Bytes are relayed as soon as a packet is complete. A LOCAL
/// INFILE request ends recording for the connection (relayed untouched from then on); malformed traffic closes the connection with
/// one logged line; mocks already recorded stay.
/// </summary>
internal sealed class MySqlRecorder
{
    /// <summary>Capabilities removed from the greeting (record) and never offered (replay).</summary>
    internal const uint Unsupported = MySqlCapabilities.Compress | MySqlCapabilities.ZstdCompression | MySqlCapabilities.OptionalResultsetMetadata;

    private readonly ProxyConnection _connection;
    private readonly MySqlSession _session = new();
    private readonly object _gate = new();
    private readonly Queue<Pending> _pending = new();
    private volatile bool _passthrough;

    public MySqlRecorder(ProxyConnection connection)
    {
        _connection = connection;
    }

    private sealed class Pending
    {
        public required MySqlPacket Packet { get; init; }

        public required DateTimeOffset Time { get; init; }

        public MySqlSinglePacket? Command { get; set; }

        public MySqlResponseReader? Reader { get; set; }

        public List<MySqlEntry> Requests { get; } = new();

        public List<MySqlEntry> AuthResponses { get; } = new();
    }

    public async Task RunAsync(CancellationToken ct)
    {
        IDuplexPipe app = _connection.Client;
        IDuplexPipe upstream = await _connection.ConnectUpstreamAsync!(ct).ConfigureAwait(false);
        TlsDuplexPipe? appTls = null;
        try
        {
            (IDuplexPipe App, IDuplexPipe Upstream, bool Ok)? phase = await HandshakeAsync(app, upstream, ct).ConfigureAwait(false);
            if (phase is not { Ok: true } p)
            {
                return;
            }

            app = p.App;
            upstream = p.Upstream;
            appTls = app as TlsDuplexPipe;
            using CancellationTokenSource both = CancellationTokenSource.CreateLinkedTokenSource(ct);
            Task up = RecordingRelay.PumpAsync(app.Input, upstream.Output, new Direction(this, client: true), both, _connection.Log);
            Task down = RecordingRelay.PumpAsync(upstream.Input, app.Output, new Direction(this, client: false), both, _connection.Log);
            await Task.WhenAll(up, down).ConfigureAwait(false);
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

    private async Task<(IDuplexPipe, IDuplexPipe, bool)?> HandshakeAsync(IDuplexPipe app, IDuplexPipe upstream, CancellationToken ct)
    {
        MySqlPacket? g = await MySqlPacketReader.ReadAsync(upstream.Input, ct).ConfigureAwait(false);
        if (g is not { } greeting)
        {
            _connection.Log("server closed before its greeting");
            return null;
        }

        DateTimeOffset start = DateTimeOffset.UtcNow;
        if (greeting.First != 10)
        {
            // An ERR greeting (too many connections, host blocked): relay it and what follows untouched.
            await WriteAsync(app.Output, greeting.SequenceId, greeting.Payload, ct).ConfigureAwait(false);
            _connection.Log($"server greeting is not HandshakeV10 (0x{greeting.First:X2}); relaying the connection untouched (not recorded)");
            await PipeRelay.BothWaysAsync(app, upstream, ct).ConfigureAwait(false);
            return null;
        }

        HandshakeV10 hs = HandshakeV10.Decode(greeting.Payload);
        uint remove = Unsupported | (_connection.Tls is null ? MySqlCapabilities.Ssl : 0);
        HandshakeV10 offered = hs with { CapabilityFlags = hs.CapabilityFlags & ~remove, Reserved = new byte[10] };
        byte[] offeredPayload = offered.Encode(_session);
        _session.ServerCapabilities = offered.CapabilityFlags;
        await WriteAsync(app.Output, greeting.SequenceId, offeredPayload, ct).ConfigureAwait(false);
        List<MySqlEntry> requests = new(), responses = new() { new MySqlEntry(offered, offeredPayload.Length, greeting.SequenceId) };
        MySqlMessage last = offered;
        bool gotResponse = false;
        while (true)
        {
            MySqlPacket? c = await MySqlPacketReader.ReadAsync(app.Input, ct).ConfigureAwait(false);
            if (c is not { } cp)
            {
                return null;
            }

            if (!gotResponse && SslRequest.Is(cp.Payload))
            {
                if (_connection.Tls is not { } tls)
                {
                    _connection.Log("SSLRequest although CLIENT_SSL was not offered; closing");
                    return null;
                }

                await WriteAsync(upstream.Output, cp.SequenceId, cp.Payload, ct).ConfigureAwait(false);
                requests.Add(new MySqlEntry(SslRequest.Decode(cp.Payload), cp.Payload.Length, cp.SequenceId));
                try
                {
                    upstream = await tls.ConnectAsync(upstream, _connection.Destination.Address.ToString(), verify: false, askHttp11: false, ct).ConfigureAwait(false);
                }
                catch (TlsUpstreamException ex)
                {
                    _connection.Log($"TLS handshake with the server failed after the SSLRequest ({ex.Message}); closing");
                    return null;
                }

                TlsClientHello? hello = await TlsInterception.PeekClientHelloAsync(app.Input, ct).ConfigureAwait(false);
                try
                {
                    app = await tls.AcceptAsync(app, hello?.ServerName, _connection.Destination.Address, Array.Empty<string>(), ct).ConfigureAwait(false);
                }
                catch (TlsClientRejectedException)
                {
                    tls.ReportRejected(_connection.Destination, hello?.ServerName, _connection.Log);
                    return null;
                }

                continue;
            }

            MySqlSinglePacket msg;
            if (!gotResponse)
            {
                HandshakeResponse41 r = HandshakeResponse41.Decode(cp.Payload);
                _session.ClientCapabilities = r.CapabilityFlags;
                gotResponse = true;
                msg = r;
            }
            else
            {
                msg = MySqlRequestDecoder.DecodeAuthData(cp, last);
            }

            await WriteAsync(upstream.Output, cp.SequenceId, cp.Payload, ct).ConfigureAwait(false);
            requests.Add(new MySqlEntry(msg, cp.Payload.Length, cp.SequenceId));
            while (true)
            {
                MySqlPacket? s = await MySqlPacketReader.ReadAsync(upstream.Input, ct).ConfigureAwait(false);
                if (s is not { } sp)
                {
                    _connection.Log("server closed during authentication");
                    return null;
                }

                await WriteAsync(app.Output, sp.SequenceId, sp.Payload, ct).ConfigureAwait(false);
                MySqlSinglePacket m = MySqlRequestDecoder.DecodeAuthServer(sp);
                responses.Add(new MySqlEntry(m, sp.Payload.Length, sp.SequenceId, m is AuthMoreData { IsPublicKey: true } ? [new("auth operation", "public key response")] : null));
                last = m;
                if (m is OkPacket or ErrPacket)
                {
                    Record(new MySqlExchange(_connection.Id, requests, responses, start, DateTimeOffset.UtcNow, Handshake: true));
                    if (m is ErrPacket err)
                    {
                        _connection.Log($"authentication failed: {err.ErrorCode} {err.ErrorMessage}");
                        await PipeRelay.BothWaysAsync(app, upstream, ct).ConfigureAwait(false);
                        return null;
                    }

                    return (app, upstream, true);
                }

                if (m is AuthMoreData { Data: [AuthMoreData.FastAuthSuccess] })
                {
                    continue;
                }

                break;
            }
        }
    }

    private static async Task WriteAsync(PipeWriter output, byte seq, byte[] payload, CancellationToken ct)
    {
        MySqlPacketReader.Write(output, seq, payload);
        await output.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>One direction for <see cref="RecordingRelay"/>: complete packets only, client packets observed before they go on;
    /// after a LOCAL INFILE request every byte goes on untouched.</summary>
    private sealed class Direction(MySqlRecorder recorder, bool client) : IRelayParser
    {
        private readonly List<MySqlPacket> _packets = new();

        public bool ObserveFirst => client;

        public bool RelayPartial => false;

        public long Take(System.Buffers.ReadOnlySequence<byte> buffer)
        {
            _packets.Clear();
            if (recorder._passthrough)
            {
                return buffer.Length;
            }

            System.Buffers.ReadOnlySequence<byte> rest = buffer;
            while (MySqlPacketReader.TryRead(ref rest, out MySqlPacket p))
            {
                _packets.Add(p);
            }

            return buffer.Length - rest.Length;
        }

        public void Observe(DateTimeOffset now)
        {
            if (_packets.Count > 0 && !recorder._passthrough)
            {
                recorder.Observe(_packets, client, now);
            }
        }

        public string Truncated(System.Buffers.ReadOnlySequence<byte> rest) =>
            $"{(client ? "client" : "server")} closed in the middle of a packet ({rest.Length} byte(s) of a truncated packet)";

        public string? Malformed(Exception ex) =>
            ex is MySqlProtocolException ? $"closing: malformed {(client ? "client" : "server")} traffic: {ex.Message}" : null;
    }

    private void Observe(List<MySqlPacket> packets, bool client, DateTimeOffset now)
    {
        lock (_gate)
        {
            foreach (MySqlPacket p in packets)
            {
                if (_passthrough)
                {
                    return;
                }

                if (client)
                {
                    OnClient(p, now);
                }
                else
                {
                    OnServer(p, now);
                }
            }
        }
    }

    private void OnClient(MySqlPacket p, DateTimeOffset now)
    {
        if (p.SequenceId != 0 && _pending.Count > 0 && _pending.Peek().Command is ComChangeUser)
        {
            // The client's part of a COM_CHANGE_USER authentication exchange.
            Pending head = _pending.Peek();
            MySqlMessage? last = head.AuthResponses.Count > 0 ? head.AuthResponses[^1].Message : null;
            head.Requests.Add(new MySqlEntry(MySqlRequestDecoder.DecodeAuthData(p, last), p.Payload.Length, p.SequenceId));
            return;
        }

        _pending.Enqueue(new Pending { Packet = p, Time = now });
        Drain(now);
    }

    /// <summary>Decodes the head command when it is next; records the head commands the server does not answer.</summary>
    private void Drain(DateTimeOffset now)
    {
        while (_pending.Count > 0)
        {
            Pending head = _pending.Peek();
            if (head.Command is not null)
            {
                return;
            }

            head.Command = MySqlRequestDecoder.Decode(head.Packet, _session);
            head.Requests.Add(new MySqlEntry(head.Command, head.Packet.Payload.Length, head.Packet.SequenceId));
            byte command = head.Packet.Payload[0];
            if (!MySqlCommand.HasNoResponse(command))
            {
                head.Reader = head.Command is ComChangeUser ? null : new MySqlResponseReader(command, _session);
                return;
            }

            _pending.Dequeue();
            if (command != MySqlCommand.Quit)
            {
                Record(new MySqlExchange(_connection.Id, head.Requests, Array.Empty<MySqlEntry>(), head.Time, now, Handshake: false));
            }
        }
    }

    private void OnServer(MySqlPacket p, DateTimeOffset now)
    {
        if (_pending.Count == 0 || _pending.Peek().Command is null)
        {
            throw new MySqlProtocolException($"server packet (sequence id {p.SequenceId}, 0x{p.First:X2}) without a pending command");
        }

        Pending head = _pending.Peek();
        IReadOnlyList<MySqlEntry> responses;
        if (head.Command is ComChangeUser)
        {
            MySqlSinglePacket m = MySqlRequestDecoder.DecodeAuthServer(p);
            head.AuthResponses.Add(new MySqlEntry(m, p.Payload.Length, p.SequenceId));
            if (m is not (OkPacket or ErrPacket))
            {
                return;
            }

            _session.Statements.Clear();
            responses = head.AuthResponses;
        }
        else
        {
            if (!head.Reader!.Add(p))
            {
                return;
            }

            if (head.Reader.LocalInfile)
            {
                _passthrough = true;
                _connection.Log("LOAD DATA LOCAL INFILE: the file's contents are not recorded; the rest of this connection is relayed untouched");
                return;
            }

            if (head.Reader.Prepared is { } ok && head.Command is ComStmtPrepare prep)
            {
                _session.Statements[ok.StatementId] = new MySqlStatement(prep.Query, ok.NumParams, ok.NumColumns);
            }

            if (head.Command is ComResetConnection && head.Reader.Entries is [{ Message: OkPacket }])
            {
                _session.Statements.Clear();
            }

            responses = head.Reader.Entries;
        }

        _pending.Dequeue();
        Record(new MySqlExchange(_connection.Id, head.Requests, responses, head.Time, now, Handshake: false));
        Drain(now);
    }

    private void Record(MySqlExchange x)
    {
        if (_connection.Recorder is IDeferredMockRecorder deferred)
        {
            deferred.Record(() => MySqlMockWriter.Build(x), x.Requests.Sum(e => (long)e.PayloadLength + 4) + x.Responses.Sum(e => (long)e.PayloadLength + 4));
        }
        else
        {
            _connection.Recorder?.Record(MySqlMockWriter.Build(x));
        }
    }
}
