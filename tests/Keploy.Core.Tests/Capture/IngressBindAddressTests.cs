using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Keploy.Core.Capture;
using Keploy.Core.Record;
using static Keploy.Core.Tests.Capture.CaptureTestSupport;

namespace Keploy.Core.Tests.Capture;

/// <summary>Real-kernel tests: in record mode the tool's ingress listener binds the address the app asked for, nothing wider.</summary>
[Trait("Category", "Ebpf")]
[Collection("Ebpf")]
public sealed class IngressBindAddressTests
{
    [Fact]
    public async Task AppBindsLoopback_IngressListensOnLoopbackOnly()
    {
        using TcpListener proxy = Listen(IPAddress.Loopback);
        int wanted = TestPorts.Free();
        using var capture = EbpfCapture.Start(new CaptureOptions { Mode = CaptureMode.Record, ProxyPort = PortOf(proxy) });
        var events = new BlockingCollection<ListenPortMoved>();
        capture.ListenPortMoved += events.Add;
        string server =
            "python3 -c \"import socket; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); " +
            $"s.bind(('127.0.0.1', {wanted})); s.listen(); print('listening', flush=True); s.settimeout(20); " +
            "c, _ = s.accept(); c.sendall(b'pong'); c.close()\"";
        var (app, lines) = Run(capture, server);

        Assert.True(events.TryTake(out ListenPortMoved? moved, Bound));
        Assert.Equal(IPAddress.Loopback, moved!.Address);
        Assert.True(SpinWait.SpinUntil(() => { lock (lines) { return lines.Contains("listening"); } }, Bound));

        await using IngressForwarder forwarder = IngressForwarder.Start(moved.Family, moved.Address, moved.OriginalPort, moved.NewPort, Relay, _ => { });
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, wanted), forwarder.LocalEndPoint);

        // Nothing listens on the port at any other address: 127.0.0.2 (also loopback, but not what the app bound) is refused.
        using (var other = new TcpClient())
        {
            var refused = await Assert.ThrowsAnyAsync<SocketException>(() => other.ConnectAsync(IPAddress.Parse("127.0.0.2"), wanted));
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        }

        Assert.Equal(["0100007F"], ListenersOnPort("/proc/net/tcp", wanted));
        Assert.Empty(ListenersOnPort("/proc/net/tcp6", wanted));

        // The app is still reached through the forwarder on its own address.
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, wanted);
            Assert.Equal("pong", await ReadAllAsync(client.GetStream()));
        }

        var (code, _) = await FinishAsync(app, lines);
        Assert.Equal(0, code);
    }

    [Fact]
    public async Task AppBindsIPv6Loopback_EventCarriesTheAddress()
    {
        using TcpListener proxy = Listen(IPAddress.Loopback);
        int wanted = TestPorts.Free();
        using var capture = EbpfCapture.Start(new CaptureOptions { Mode = CaptureMode.Record, ProxyPort = PortOf(proxy) });
        var events = new BlockingCollection<ListenPortMoved>();
        capture.ListenPortMoved += events.Add;
        var (app, lines) = Run(capture,
            $"python3 -c \"import socket; s=socket.socket(socket.AF_INET6); s.bind(('::1', {wanted})); s.listen(); print('bound')\"");
        Assert.True(events.TryTake(out ListenPortMoved? moved, Bound));
        Assert.Equal(AddressFamily.InterNetworkV6, moved!.Family);
        Assert.Equal(IPAddress.IPv6Loopback, moved.Address);
        var (code, _) = await FinishAsync(app, lines);
        Assert.Equal(0, code);
    }

    [Fact]
    public async Task AppBindsAnyAddress_EventSaysAny()
    {
        using TcpListener proxy = Listen(IPAddress.Loopback);
        int wanted = TestPorts.Free();
        using var capture = EbpfCapture.Start(new CaptureOptions { Mode = CaptureMode.Record, ProxyPort = PortOf(proxy) });
        var events = new BlockingCollection<ListenPortMoved>();
        capture.ListenPortMoved += events.Add;
        var (app, lines) = Run(capture,
            $"python3 -c \"import socket; s=socket.socket(); s.bind(('0.0.0.0', {wanted})); s.listen(); print('bound')\"");
        Assert.True(events.TryTake(out ListenPortMoved? moved, Bound));
        Assert.Equal(IPAddress.Any, moved!.Address);
        var (code, _) = await FinishAsync(app, lines);
        Assert.Equal(0, code);
    }

    private static async Task Relay(Stream client, Stream app, CancellationToken ct)
    {
        Task up = client.CopyToAsync(app, ct);
        await app.CopyToAsync(client, ct);
    }

    private static async Task<string> ReadAllAsync(NetworkStream stream)
    {
        using var cts = new CancellationTokenSource(Bound);
        var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cts.Token);
        return Encoding.ASCII.GetString(buffer.ToArray());
    }

    /// <summary>Local addresses (hex, as the kernel prints them) of the LISTEN sockets on <paramref name="port"/> in a /proc/net/tcp file.</summary>
    private static List<string> ListenersOnPort(string file, int port)
    {
        string portHex = port.ToString("X4", CultureInfo.InvariantCulture);
        return File.ReadAllLines(file).Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length > 3 && f[3] == "0A" && f[1].EndsWith(":" + portHex, StringComparison.Ordinal))
            .Select(f => f[1][..f[1].IndexOf(':')])
            .ToList();
    }
}
