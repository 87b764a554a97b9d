using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Keploy.Core.Diagnostics;
using Keploy.Core.Replay;

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

    /// <summary>How long to wait for the client's first bytes before deciding by port or passing through (client-first protocols
    /// send at once; server-first ones such as MySQL send nothing).</summary>
    public TimeSpan FirstBytesTimeout { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Most bytes read while deciding the protocol.</summary>
    public int MaxDetectionBytes { get; set; } = 64 * 1024;

    /// <summary>Debug lines (<c>--debug</c>): protocol chosen per connection, mock matched, fallbacks. Null: none.</summary>
    public Action<string>? Debug { get; set; }

    /// <summary>Warning lines (a driver-upgrade fallback). Null: they go to the log.</summary>
    public Action<string>? Warn { get; set; }
}

/// <summary>
/// The outgoing proxy: accepts the app's redirected connections, finds each one's original destination, picks the protocol from
/// the first bytes (Keploy's dispatch: each integration's <c>Match</c> in priority order) and hands the connection to it for
/// record or replay. Unknown protocols are relayed untouched in record mode (logged as passthrough) and refused with a reported
/// miss in test mode. One bad connection never affects the others.
/// </summary>
public sealed class ProxyServer : IAsyncDisposable
{
    private readonly ProxyServerOptions _options;
    private readonly IReadOnlyList<IProtocolIntegration> _integrations;
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
        _integrations = integrations.OrderBy(i => i.Priority).ToList();
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
        try
        {
            IProtocolIntegration? integration = await DetectAsync(client.Input, destination, ct).ConfigureAwait(false);
            ProxyConnection connection = new(id, destination, client, line => _log(LogText.Escape($"{prefix}: {line}")))
            {
                ConnectUpstreamAsync = _options.Mode == ProxyMode.Record
                    ? async token => await DuplexPipe.ConnectAsync(destination, token).ConfigureAwait(false)
                    : null,
                Recorder = _options.Mode == ProxyMode.Record ? _options.Recorder : null,
                Mocks = _options.Mode == ProxyMode.Test ? _options.Mocks : null,
                Debug = _options.Debug is { } debug ? line => debug($"{prefix}: {line}") : _ => { },
                Warn = _options.Warn is { } warn ? line => warn($"{prefix}: {line}") : line => _log($"{prefix}: {line}"),
            };
            connection.Debug(integration is null ? "no protocol recognised" : $"protocol {integration.Kind} chosen");

            if (integration is null)
            {
                await PassthroughAsync(connection, ct).ConfigureAwait(false);
                return;
            }

            if (_options.Mode == ProxyMode.Record)
            {
                await integration.RecordAsync(connection, ct).ConfigureAwait(false);
            }
            else
            {
                await integration.ReplayAsync(connection, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            _log(LogText.Escape($"{prefix}: closed: {ex.GetType().Name}: {ex.Message}"));
        }
    }

    private async Task<IProtocolIntegration?> DetectAsync(PipeReader input, IPEndPoint destination, CancellationToken ct)
    {
        foreach (IProtocolIntegration integration in _integrations)
        {
            if (integration.MatchesByPortOnly(destination))
            {
                return integration;
            }
        }

        using CancellationTokenSource firstBytes = CancellationTokenSource.CreateLinkedTokenSource(ct);
        firstBytes.CancelAfter(_options.FirstBytesTimeout);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(firstBytes.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return null;
            }

            ReadOnlySequence<byte> buffer = result.Buffer;
            bool needMore = false;
            foreach (IProtocolIntegration integration in _integrations)
            {
                ProtocolMatch match = integration.Match(buffer, destination);
                if (match == ProtocolMatch.Yes)
                {
                    input.AdvanceTo(buffer.Start, buffer.Start);
                    return integration;
                }

                needMore |= match == ProtocolMatch.NeedMoreData;
            }

            if (!needMore || result.IsCompleted || buffer.Length >= _options.MaxDetectionBytes)
            {
                input.AdvanceTo(buffer.Start, buffer.Start);
                return null;
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

        connection.Log("no protocol recognised; relaying it untouched (not recorded)");
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
