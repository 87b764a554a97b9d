using System.Net;
using System.Net.Sockets;
using Keploy.Core.Proxy;

namespace Keploy.Core.Record;

/// <summary>
/// Record mode's ingress: listens on the port the app asked for (the eBPF bind hook moved the app elsewhere) and forwards every
/// connection to the app's new port, handing each connection to the handler given to <see cref="Start"/>, which relays and records.
/// </summary>
internal sealed class IngressForwarder : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly IPEndPoint _app;
    private readonly Func<Stream, Stream, CancellationToken, Task> _handler;
    private readonly Action<string> _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly List<Task> _connections = new();

    private IngressForwarder(Socket listener, IPEndPoint app, Func<Stream, Stream, CancellationToken, Task> handler, Action<string> log)
    {
        _listener = listener;
        _app = app;
        _handler = handler;
        _log = log;
        _loop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The port listened on (the app's original port).</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    /// <summary>
    /// Listens on <paramref name="address"/> (the address the app asked to bind: its port is taken on that address only, never a wider one;
    /// null means the family's any-address) at <paramref name="originalPort"/> and forwards to <paramref name="newPort"/> on the same
    /// address, or on loopback when the app bound the any-address. Throws <see cref="SocketException"/> when the port cannot be taken.
    /// </summary>
    public static IngressForwarder Start(AddressFamily family, IPAddress? address, int originalPort, int newPort, Func<Stream, Stream, CancellationToken, Task> handler, Action<string> log)
    {
        IPAddress any = family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
        IPAddress bindAddress = address is not null && address.AddressFamily == family ? address : any;
        Socket listener = new(family, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            if (family == AddressFamily.InterNetworkV6)
            {
                listener.DualMode = false;
            }

            listener.Bind(new IPEndPoint(bindAddress, originalPort));
            listener.Listen(512);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        IPAddress loopback = family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback;
        IPAddress target = bindAddress.Equals(any) ? loopback : bindAddress;
        return new IngressForwarder(listener, new IPEndPoint(target, newPort), handler, log);
    }

    /// <summary>The local endpoint listened on (the app's address and original port).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>Stops accepting and waits (up to <paramref name="drain"/>) for open exchanges to finish.</summary>
    public async Task StopAsync(TimeSpan drain)
    {
        _listener.Dispose();
        Task[] open;
        lock (_connections)
        {
            open = _connections.ToArray();
        }

        await Task.WhenAny(Task.WhenAll(open), Task.Delay(drain)).ConfigureAwait(false);
        _stop.Cancel();
        await _loop.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync(TimeSpan.Zero).ConfigureAwait(false);
        }

        // _stop is not disposed: connection tasks may still read its (cancelled) token while they unwind.
    }

    /// <summary>
    /// Relays <paramref name="client"/> ↔ <paramref name="app"/> byte for byte, unparsed and unrecorded (a port excluded from
    /// recording): 64 KiB reads, each direction's end of stream passed on as a half-close (<c>shutdown(SHUT_WR)</c>), until both
    /// directions ended or a side reset. Usable as the handler given to <see cref="Start"/>: a forwarder given it relays its
    /// sockets on <see cref="SocketRelay"/>'s own thread instead where that runs (Linux x86-64), and calls it elsewhere.
    /// </summary>
    public static async Task RelayUntouchedAsync(Stream client, Stream app, CancellationToken cancellationToken)
    {
        await Task.WhenAll(CopyThenHalfCloseAsync(client, app, cancellationToken), CopyThenHalfCloseAsync(app, client, cancellationToken)).ConfigureAwait(false);
    }

    private static async Task CopyThenHalfCloseAsync(Stream from, Stream to, CancellationToken cancellationToken)
    {
        try
        {
            await from.CopyToAsync(to, 64 * 1024, cancellationToken).ConfigureAwait(false);
            if (to is NetworkStream network)
            {
                network.Socket.Shutdown(SocketShutdown.Send);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // A reset on one side ends the relay; the forwarder closes both sockets.
        }
    }

    // The relay-only path: both sockets handed to SocketRelay's thread, the app's connected without an async operation.
    private async Task RelayOnSocketRelayAsync(Socket client)
    {
        using (client)
        using (Socket app = new(_app.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true })
        {
            string? why = SocketRelay.ConnectUnregistered(app, _app, _stop.Token);
            if (why is not null)
            {
                _log($"ingress: cannot reach the app at {_app} for a connection from {client.RemoteEndPoint}: {why}");
                return;
            }

            try
            {
                await SocketRelay.Shared.RelayAsync(client, app, _stop.Token).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                _log($"ingress: connection from {client.RemoteEndPoint} closed: the relay thread could not start: {ex.Message}");
            }
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception)
            {
                return;
            }

            Task task = Task.Run(() => ForwardAsync(client));
            lock (_connections)
            {
                _connections.RemoveAll(t => t.IsCompleted);
                _connections.Add(task);
            }
        }
    }

    private async Task ForwardAsync(Socket client)
    {
        client.NoDelay = true;
        if (_handler == RelayUntouchedAsync && SocketRelay.IsSupported)
        {
            await RelayOnSocketRelayAsync(client).ConfigureAwait(false);
            return;
        }

        using Socket app = new(_app.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await using NetworkStream clientStream = new(client, ownsSocket: true);
        try
        {
            await app.ConnectAsync(_app, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            _log($"ingress: cannot reach the app at {_app} for a connection from {client.RemoteEndPoint}: {ex.Message}");
            return;
        }

        await using NetworkStream appStream = new(app, ownsSocket: false);
        try
        {
            await _handler(clientStream, appStream, _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            _log($"ingress: connection from {client.RemoteEndPoint} closed: {ex.Message}");
        }
    }
}
