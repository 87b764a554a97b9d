using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Keploy.Core.Diagnostics;
using Keploy.Core.Replay;
using Keploy.Core.Tls;

namespace Keploy.Core.Proxy;

/// <summary>Whether the proxy records real traffic or serves mocks.</summary>
public enum ProxyMode
{
    /// <summary>Relay to the real destination and record mocks.</summary>
    Record,

    /// <summary>Answer from mocks; never contact real destinations.</summary>
    Test,
}

/// <summary>Settings of a <see cref="ProxyServer"/>.</summary>
public sealed class ProxyServerOptions
{
    /// <summary>Record or test.</summary>
    public ProxyMode Mode { get; set; } = ProxyMode.Record;

    /// <summary>TCP port to listen on (Keploy's <c>--proxy-port</c>, 16789); 0 picks a free port.</summary>
    public int Port { get; set; } = 16789;

    /// <summary>Addresses to listen on (loopback IPv4 and IPv6 by default; IPv6 is skipped when unavailable).</summary>
    public IReadOnlyList<IPAddress> Addresses { get; set; } = new[] { IPAddress.Loopback, IPAddress.IPv6Loopback };

    /// <summary>Record mode: where mocks go.</summary>
    public IMockRecorder? Recorder { get; set; }

    /// <summary>Test mode: the mocks to serve.</summary>
    public MockPool? Mocks { get; set; }

    /// <summary>
    /// How long the client may stay silent before the proxy lets the server speak first. Record mode: after this wait the real
    /// destination is opened and whichever side sends first decides: the client (its bytes go through protocol detection, the
    /// integration gets the already-open upstream) or the server (the connection is recorded as Generic, greeting first). Test
    /// mode: after this wait a Generic greeting mock for the destination, if any, is served. 250 ms.
    /// </summary>
    public TimeSpan ServerFirstWait { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Record mode: how long detection waits for more of a prefix some integration cannot decide on yet
    /// (<see cref="ProtocolMatch.NeedMoreData"/>) before giving the connection to the Generic fallback. 2 s. Test mode waits
    /// <see cref="TestFirstBytesTimeout"/> instead.
    /// </summary>
    public TimeSpan FirstBytesTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Test mode: how long to wait for the client's first bytes. Nothing real can answer a silent client in test mode, so waiting
    /// longer costs nothing and a slow client is still served from its mocks.
    /// </summary>
    public TimeSpan TestFirstBytesTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most bytes read while deciding the protocol.</summary>
    public int MaxDetectionBytes { get; set; } = 64 * 1024;

    /// <summary>Debug lines (<c>--debug</c>): protocol chosen per connection, mock matched, fallbacks. Null: none.</summary>
    public Action<string>? Debug { get; set; }

    /// <summary>Warning lines (a driver-upgrade fallback). Null: they go to the log.</summary>
    public Action<string>? Warn { get; set; }

    /// <summary>
    /// TLS interception: when set, a connection starting with a TLS ClientHello is terminated with a leaf certificate from its CA
    /// (record mode: after TLS to the real destination succeeded), and protocol detection runs again on the decrypted bytes. Null:
    /// TLS connections are relayed untouched (record) or refused (test) as any unrecognised protocol.
    /// </summary>
    public Keploy.Core.Tls.TlsInterception? Tls { get; set; }
}

/// <summary>
/// The outgoing proxy: accepts the app's redirected connections, finds each one's original destination, picks the protocol from
/// the first bytes (Keploy's dispatch: each integration's <c>Match</c> in priority order) and hands the connection to it for
/// record or replay. A TLS ClientHello is terminated first when <see cref="ProxyServerOptions.Tls"/> is set (see
/// <see cref="Keploy.Core.Tls.TlsInterception"/>) and the decrypted bytes are detected again. What no integration claims, and a
/// connection whose server speaks first (<see cref="ProxyServerOptions.ServerFirstWait"/>), goes to the fallback integration
/// (<see cref="IProtocolIntegration.IsFallback"/>: Generic); without one it is relayed untouched in record mode and refused with a
/// reported miss in test mode. One bad connection never affects the others.
/// </summary>
public sealed class ProxyServer : IAsyncDisposable
{
    private readonly ProxyServerOptions _options;
    private readonly IReadOnlyList<IProtocolIntegration> _integrations;
    private readonly IProtocolIntegration? _fallback;
    private readonly IDestinationResolver _resolver;
    private readonly Action<string> _log;
    private readonly List<Socket> _listeners = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _acceptLoops = new();
    private readonly HashSet<Task> _connections = new();
    private long _nextConnectionId;

    /// <summary>Creates a proxy; call <see cref="Start"/> to listen.</summary>
    /// <param name="options">Mode, port, recorder or mocks.</param>
    /// <param name="integrations">Protocols, tried in <see cref="IProtocolIntegration.Priority"/> order.</param>
    /// <param name="resolver">Original-destination lookup (eBPF map, or fixed).</param>
    /// <param name="log">One line per event.</param>
    public ProxyServer(ProxyServerOptions options, IEnumerable<IProtocolIntegration> integrations, IDestinationResolver resolver, Action<string> log)
    {
        _options = options;
        List<IProtocolIntegration> all = integrations.OrderBy(i => i.Priority).ToList();
        _fallback = all.LastOrDefault(i => i.IsFallback);
        _integrations = all.Where(i => !i.IsFallback).ToList();
        _resolver = resolver;
        _log = log;
    }

    /// <summary>The port actually listened on (differs from the option when it was 0).</summary>
    public int Port { get; private set; }

    /// <summary>Number of connections accepted so far.</summary>
    public long ConnectionCount => Interlocked.Read(ref _nextConnectionId);

    /// <summary>Binds the listeners. Throws <see cref="SocketException"/> when the port is taken (one-line message by the caller).</summary>
    public void Start()
    {
        int port = _options.Port;
        foreach (IPAddress address in _options.Addresses)
        {
            if (address.AddressFamily == AddressFamily.InterNetworkV6 && !Socket.OSSupportsIPv6)
            {
                continue;
            }

            Socket listener = new(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                if (address.AddressFamily == AddressFamily.InterNetworkV6)
                {
                    listener.DualMode = false;
                }

                listener.Bind(new IPEndPoint(address, port));
                listener.Listen(512);
            }
            catch (SocketException) when (address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                listener.Dispose();
                continue;
            }
            catch
            {
                listener.Dispose();
                throw;
            }

            port = ((IPEndPoint)listener.LocalEndPoint!).Port;
            _listeners.Add(listener);
        }

        Port = port;
        foreach (Socket listener in _listeners)
        {
            _acceptLoops.Add(Task.Run(() => AcceptLoopAsync(listener)));
        }
    }

    /// <summary>Stops listening, waits for open connections to end (up to <paramref name="drain"/>), then closes them.</summary>
    public async Task StopAsync(TimeSpan drain)
    {
        foreach (Socket listener in _listeners)
        {
            listener.Dispose();
        }

        Task[] open;
        lock (_connections)
        {
            open = _connections.ToArray();
        }

        await Task.WhenAny(Task.WhenAll(open), Task.Delay(drain)).ConfigureAwait(false);
        _stop.Cancel();
        await Task.WhenAll(_acceptLoops).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync(TimeSpan.Zero).ConfigureAwait(false);
        }

        // _stop is not disposed: connection tasks may still read its (cancelled) token while they unwind.
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception)
            {
                return;
            }

            long id = Interlocked.Increment(ref _nextConnectionId) - 1;
            Task task = Task.Run(() => HandleAsync(id, client));
            lock (_connections)
            {
                _connections.Add(task);
            }

            _ = task.ContinueWith(
                t =>
                {
                    lock (_connections)
                    {
                        _connections.Remove(t);
                    }
                },
                TaskScheduler.Default);
        }
    }

    private async Task HandleAsync(long id, Socket socket)
    {
        IPEndPoint remote = (IPEndPoint)socket.RemoteEndPoint!;
        if (!_resolver.TryResolve(remote, out IPEndPoint destination))
        {
            _log($"proxy: connection {id} from {remote}: no original destination recorded for this connection; closing it");
            socket.Dispose();
            return;
        }

        string prefix = $"proxy: connection {id} to {destination}";
        await using DuplexPipe client = DuplexPipe.Create(socket);
        CancellationToken ct = _stop.Token;
        Action<string> log = line => _log(LogText.Escape($"{prefix}: {line}"));
        DuplexPipe? early = null;
        try
        {
            IProtocolIntegration? integration;
            TlsClientHello? hello = null;
            (bool serverFirst, early, IProtocolIntegration? greeter) = await FirstSpeakerAsync(client.Input, destination, ct).ConfigureAwait(false);
            if (serverFirst)
            {
                integration = greeter ?? (early is null ? _fallback : await ClaimGreetingAsync(early.Input, destination, ct).ConfigureAwait(false));
            }
            else
            {
                (integration, hello) = await DetectAsync(client.Input, destination, _options.Tls is not null, ct).ConfigureAwait(false);
            }

            if (hello is not null)
            {
                if (early is not null)
                {
                    await early.DisposeAsync().ConfigureAwait(false);
                    early = null;
                }

                await HandleTlsAsync(id, client, destination, hello, log, prefix, ct).ConfigureAwait(false);
                return;
            }

            DuplexPipe? opened = early;
            ProxyConnection connection = new(id, destination, client, log)
            {
                ConnectUpstreamAsync = _options.Mode == ProxyMode.Record
                    ? async token => Interlocked.Exchange(ref opened, null) ?? await DuplexPipe.ConnectAsync(destination, token).ConfigureAwait(false)
                    : null,
                Recorder = _options.Mode == ProxyMode.Record ? _options.Recorder : null,
                Mocks = _options.Mode == ProxyMode.Test ? _options.Mocks : null,
                Debug = DebugFor(prefix),
                Warn = WarnFor(prefix),
                Tls = _options.Tls,
            };
            connection.Debug(integration is null ? "no protocol recognised" : serverFirst ? $"the server spoke first: protocol {integration.Kind} chosen" : $"protocol {integration.Kind} chosen");
            await RunAsync(integration, connection, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            _log(LogText.Escape($"{prefix}: closed: {ex.GetType().Name}: {ex.Message}"));
        }
        finally
        {
            if (early is not null)
            {
                await early.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Waits <see cref="ProxyServerOptions.ServerFirstWait"/> for the client's first bytes. When it stays silent, record mode opens
    /// the real destination and waits for whichever side speaks first; test mode asks each integration for a greeting mock
    /// (<see cref="IProtocolIntegration.HasGreetingMock"/>). Returns whether the server speaks first, the upstream opened meanwhile
    /// (record mode), which the chosen integration receives, and in test mode the integration holding the greeting.
    /// Nothing is consumed from either side.
    /// </summary>
    private async Task<(bool ServerFirst, DuplexPipe? Upstream, IProtocolIntegration? Greeter)> FirstSpeakerAsync(PipeReader input, IPEndPoint destination, CancellationToken ct)
    {
        if (_fallback is null || _integrations.Any(i => i.MatchesByPortOnly(destination)))
        {
            return (false, null, null);
        }

        ReadResult first = await ReadWithTimeoutAsync(input, _options.ServerFirstWait, ct).ConfigureAwait(false);
        input.AdvanceTo(first.Buffer.Start, first.Buffer.Start);
        if (!first.IsCanceled || !first.Buffer.IsEmpty)
        {
            return (false, null, null);
        }

        if (_options.Mode == ProxyMode.Test)
        {
            IProtocolIntegration? greeter = _options.Mocks is { } pool ? _integrations.Append(_fallback).FirstOrDefault(i => i.HasGreetingMock(pool, destination)) : null;
            return (greeter is not null, null, greeter);
        }

        DuplexPipe upstream;
        try
        {
            upstream = await DuplexPipe.ConnectAsync(destination, ct).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            return (false, null, null); // the integration's own connect reports it
        }

        try
        {
            Task<ReadResult> fromClient = input.ReadAsync(ct).AsTask();
            Task<ReadResult> fromServer = upstream.Input.ReadAsync(ct).AsTask();
            bool serverFirst = await Task.WhenAny(fromClient, fromServer).ConfigureAwait(false) == fromServer && !fromClient.IsCompleted;
            ReadResult c = serverFirst ? await StopReadAsync(input, fromClient).ConfigureAwait(false) : await fromClient.ConfigureAwait(false);
            input.AdvanceTo(c.Buffer.Start, c.Buffer.Start);
            ReadResult u = serverFirst ? await fromServer.ConfigureAwait(false) : await StopReadAsync(upstream.Input, fromServer).ConfigureAwait(false);
            upstream.Input.AdvanceTo(u.Buffer.Start, u.Buffer.Start);
            return (serverFirst, upstream, null);
        }
        catch
        {
            await upstream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The first integration whose <see cref="IProtocolIntegration.MatchGreeting"/> claims the server's first bytes (read
    /// until each says yes or no, bounded by <see cref="ProxyServerOptions.MaxDetectionBytes"/> and
    /// <see cref="ProxyServerOptions.FirstBytesTimeout"/>), else the fallback. Nothing is consumed.</summary>
    private async Task<IProtocolIntegration?> ClaimGreetingAsync(PipeReader greeting, IPEndPoint destination, CancellationToken ct)
    {
        DateTime deadline = DateTime.UtcNow + _options.FirstBytesTimeout;
        while (true)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            ReadResult result = await ReadWithTimeoutAsync(greeting, left < TimeSpan.Zero ? TimeSpan.Zero : left, ct).ConfigureAwait(false);
            bool needMore = false;
            foreach (IProtocolIntegration integration in _integrations)
            {
                ProtocolMatch match = integration.MatchGreeting(result.Buffer, destination);
                if (match == ProtocolMatch.Yes)
                {
                    greeting.AdvanceTo(result.Buffer.Start, result.Buffer.Start);
                    return integration;
                }

                needMore |= match == ProtocolMatch.NeedMoreData;
            }

            if (!needMore || result.IsCompleted || result.IsCanceled || result.Buffer.Length >= _options.MaxDetectionBytes)
            {
                greeting.AdvanceTo(result.Buffer.Start, result.Buffer.Start);
                return _fallback;
            }

            greeting.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    /// <summary>Reads with a time limit; on timeout the result has <see cref="ReadResult.IsCanceled"/> set (and possibly bytes
    /// that arrived meanwhile). The caller calls AdvanceTo as after any read.</summary>
    private static async Task<ReadResult> ReadWithTimeoutAsync(PipeReader input, TimeSpan timeout, CancellationToken ct)
    {
        ValueTask<ReadResult> pending = input.ReadAsync(ct);
        if (pending.IsCompleted)
        {
            return pending.Result;
        }

        Task<ReadResult> read = pending.AsTask();
        using CancellationTokenSource delay = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (await Task.WhenAny(read, Task.Delay(timeout, delay.Token)).ConfigureAwait(false) == read)
        {
            delay.Cancel();
            return await read.ConfigureAwait(false);
        }

        return await StopReadAsync(input, read).ConfigureAwait(false);
    }

    /// <summary>Ends a pending read with <see cref="PipeReader.CancelPendingRead"/> without losing bytes or leaving the cancel flag
    /// set for the next reader.</summary>
    private static async Task<ReadResult> StopReadAsync(PipeReader input, Task<ReadResult> read)
    {
        input.CancelPendingRead();
        ReadResult result = await read.ConfigureAwait(false);
        if (!result.IsCanceled)
        {
            // The read completed before the cancel landed: the flag is still set; a TryRead clears it.
            input.AdvanceTo(result.Buffer.Start, result.Buffer.Start);
            if (input.TryRead(out ReadResult again))
            {
                result = again;
            }
        }

        return result;
    }

    private async Task RunAsync(IProtocolIntegration? integration, ProxyConnection connection, CancellationToken ct)
    {
        integration ??= _fallback;
        if (integration is null)
        {
            await PassthroughAsync(connection, ct).ConfigureAwait(false);
        }
        else if (_options.Mode == ProxyMode.Record)
        {
            await integration.RecordAsync(connection, ct).ConfigureAwait(false);
        }
        else
        {
            await integration.ReplayAsync(connection, ct).ConfigureAwait(false);
        }
    }

    private Action<string> DebugFor(string prefix) => _options.Debug is { } debug ? line => debug(LogText.Escape($"{prefix}: {line}")) : _ => { };

    private Action<string> WarnFor(string prefix) => _options.Warn is { } warn ? line => warn(LogText.Escape($"{prefix}: {line}")) : line => _log(LogText.Escape($"{prefix}: {line}"));

    private async Task HandleTlsAsync(long id, DuplexPipe client, IPEndPoint destination, TlsClientHello hello, Action<string> log, string prefix, CancellationToken ct)
    {
        TlsInterception tls = _options.Tls!;
        bool record = _options.Mode == ProxyMode.Record;
        string name = hello.ServerName is { Length: > 0 } sni ? $"{sni} ({destination})" : destination.ToString();
        string? refusal = tls.IsPinned(destination)
            ? "the app refused the keploy CA for this destination before"
            : hello.Alpn.Count > 0 && TlsInterception.Understood(hello.Alpn).Count == 0
                ? $"TLS with ALPN {string.Join(",", hello.Alpn)} (only HTTP/1.1 and HTTP/2 are understood inside TLS)"
                : null;
        if (refusal is not null)
        {
            await NotInterceptedAsync(client, destination, $"tls to {name}: {refusal}", log, ct).ConfigureAwait(false);
            return;
        }

        TlsDuplexPipe? upstream = null;
        if (record)
        {
            DuplexPipe raw;
            try
            {
                raw = await DuplexPipe.ConnectAsync(destination, ct).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                log($"tls: cannot connect to {name}: {ex.Message}; closing");
                return;
            }

            try
            {
                upstream = await tls.ConnectAsync(raw, hello.ServerName is { Length: > 0 } host ? host : destination.Address.ToString(), verify: true, TlsInterception.Understood(hello.Alpn), ct).ConfigureAwait(false);
            }
            catch (TlsUpstreamException ex)
            {
                // The app would have met this server as it is: let it, untouched.
                await NotInterceptedAsync(client, destination, $"tls: the real server {name} failed the TLS handshake or is not trusted as the app would trust it ({ex.Message})", log, ct).ConfigureAwait(false);
                return;
            }
        }

        try
        {
            TlsDuplexPipe app;
            try
            {
                // Offer the app what the real server chose (record), or what the app prefers (test: the mocks answer either way).
                string? agreed = upstream?.Stream.NegotiatedApplicationProtocol.ToString();
                IReadOnlyList<string> offer = upstream is null ? hello.Alpn : [agreed is { Length: > 0 } ? agreed : TlsInterception.Http11];
                app = await tls.AcceptAsync(client, hello.ServerName, destination.Address, offer, ct).ConfigureAwait(false);
            }
            catch (TlsClientRejectedException)
            {
                tls.ReportRejected(destination, hello.ServerName, log);
                _options.Mocks?.ReportMiss(new MockMiss("Generic", $"TLS connection to {name} (the app does not trust the keploy CA)", null, null, destination.ToString()));
                return;
            }

            await using (app.ConfigureAwait(false))
            {
                (IProtocolIntegration? integration, _) = await DetectAsync(app.Input, destination, allowTls: false, ct, insideTls: true).ConfigureAwait(false);
                int handedOut = 0;
                TlsDuplexPipe? opened = upstream;
                ProxyConnection connection = new(id, destination, app, log)
                {
                    ConnectUpstreamAsync = opened is null
                        ? null
                        : _ => Interlocked.Exchange(ref handedOut, 1) == 0
                            ? ValueTask.FromResult<IDuplexPipe>(opened)
                            : ValueTask.FromException<IDuplexPipe>(new InvalidOperationException("the TLS upstream connection is opened once per connection")),
                    Recorder = record ? _options.Recorder : null,
                    Mocks = record ? null : _options.Mocks,
                    IsTls = true,
                    ServerName = hello.ServerName,
                    Tls = tls,
                    Debug = DebugFor(prefix),
                    Warn = WarnFor(prefix),
                };
                connection.Debug(integration is null ? "tls: no protocol recognised inside TLS" : $"tls: protocol {integration.Kind} chosen inside TLS");
                await RunAsync(integration, connection, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            if (upstream is not null)
            {
                await upstream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task NotInterceptedAsync(DuplexPipe client, IPEndPoint destination, string why, Action<string> log, CancellationToken ct)
    {
        if (_options.Mode != ProxyMode.Record)
        {
            log($"{why}; no mock can answer it in test mode; closing the connection");
            _options.Mocks?.ReportMiss(new MockMiss("Generic", $"TLS connection to {destination} ({why})", null, null, destination.ToString()));
            return;
        }

        log($"{why}; relaying it untouched (not recorded)");
        DuplexPipe upstream;
        try
        {
            upstream = await DuplexPipe.ConnectAsync(destination, ct).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            log($"cannot connect to {destination}: {ex.Message}; closing");
            return;
        }

        await using (upstream.ConfigureAwait(false))
        {
            await PipeRelay.BothWaysAsync(client, upstream, ct).ConfigureAwait(false);
        }
    }

    private async Task<(IProtocolIntegration? Integration, TlsClientHello? Hello)> DetectAsync(PipeReader input, IPEndPoint destination, bool allowTls, CancellationToken ct, bool insideTls = false)
    {
        if (!insideTls)
        {
            foreach (IProtocolIntegration integration in _integrations)
            {
                if (integration.MatchesByPortOnly(destination))
                {
                    return (integration, null);
                }
            }
        }

        DateTime deadline = DateTime.UtcNow + (_options.Mode == ProxyMode.Test ? _options.TestFirstBytesTimeout : _options.FirstBytesTimeout);
        while (true)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            ReadResult result = await ReadWithTimeoutAsync(input, left < TimeSpan.Zero ? TimeSpan.Zero : left, ct).ConfigureAwait(false);
            bool timedOut = result.IsCanceled;
            ReadOnlySequence<byte> buffer = result.Buffer;
            bool needMore = false;
            if (allowTls)
            {
                bool? tls = TlsClientHello.LooksLikeTls(buffer);
                if (tls == true)
                {
                    int? record = TlsClientHello.FirstRecordLength(buffer);
                    if (record is int n && buffer.Length >= n || result.IsCompleted || timedOut || buffer.Length >= _options.MaxDetectionBytes)
                    {
                        TlsClientHello? hello = TlsClientHello.TryParse(buffer);
                        input.AdvanceTo(buffer.Start, buffer.Start);
                        if (hello is not null)
                        {
                            return (null, hello);
                        }

                        return (null, null);
                    }

                    input.AdvanceTo(buffer.Start, buffer.End);
                    continue;
                }

                needMore |= tls is null;
            }

            foreach (IProtocolIntegration integration in _integrations)
            {
                ProtocolMatch match = integration.Match(buffer, destination);
                if (match == ProtocolMatch.Yes)
                {
                    input.AdvanceTo(buffer.Start, buffer.Start);
                    return (integration, null);
                }

                needMore |= match == ProtocolMatch.NeedMoreData;
            }

            if (!needMore || result.IsCompleted || timedOut || buffer.Length >= _options.MaxDetectionBytes)
            {
                input.AdvanceTo(buffer.Start, buffer.Start);
                return (null, null);
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private async Task PassthroughAsync(ProxyConnection connection, CancellationToken ct)
    {
        if (connection.ConnectUpstreamAsync is null)
        {
            connection.Log("no protocol recognised and no mock can answer it in test mode; closing the connection");
            connection.Mocks?.ReportMiss(new MockMiss("Generic", $"TCP connection to {connection.Destination} (unrecognised protocol)", null, null, connection.Destination.ToString()));
            return;
        }

        connection.Log(connection.IsTls
            ? "no protocol recognised inside TLS; relaying the decrypted bytes untouched (not recorded)"
            : "no protocol recognised; relaying it untouched (not recorded)");
        IDuplexPipe upstream = await connection.ConnectUpstreamAsync(ct).ConfigureAwait(false);
        try
        {
            await PipeRelay.BothWaysAsync(connection.Client, upstream, ct).ConfigureAwait(false);
        }
        finally
        {
            if (upstream is IAsyncDisposable d)
            {
                await d.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
