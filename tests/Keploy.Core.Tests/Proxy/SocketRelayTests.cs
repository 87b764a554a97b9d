using System.Net;
using System.Net.Sockets;
using Keploy.Core.Proxy;

namespace Keploy.Core.Tests.Proxy;

/// <summary>
/// <see cref="SocketRelay"/> over real loopback TCP connections: client ↔ [side A | relay | side B] ↔ server, each pair made of
/// two accepted connections, with the kernel's own buffers and windows (nothing faked).
/// </summary>
public sealed class SocketRelayTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task FullDuplex_BothSidesWriteMegabytesAtOnce_EveryByteArrivesInOrder()
    {
        await using Relayed r = await Relayed.OpenAsync();
        byte[] up = Bytes(6 << 20, 1), down = Bytes(5 << 20, 2);
        // Both write before either reads: a relay that moved one direction at a time would stall with full windows.
        Task<byte[]> atServer = ReadToEndAsync(r.Server);
        Task<byte[]> atClient = ReadToEndAsync(r.Client);
        await Task.WhenAll(WriteThenHalfCloseAsync(r.Client, up), WriteThenHalfCloseAsync(r.Server, down)).WaitAsync(Bound);

        Assert.Equal(up, await atServer.WaitAsync(Bound));
        Assert.Equal(down, await atClient.WaitAsync(Bound));
        await r.Relay.WaitAsync(Bound); // both ends of stream passed on: the pair ends by itself
    }

    [Fact]
    public async Task SlowReader_BackpressureHoldsTheBytes_NothingLostOrReordered()
    {
        await using Relayed r = await Relayed.OpenAsync();
        byte[] up = Bytes(3 << 20, 3);
        Task writing = WriteThenHalfCloseAsync(r.Client, up);
        MemoryStream got = new();
        byte[] buffer = new byte[4096];
        using CancellationTokenSource timeout = new(Bound);
        int n;
        while ((n = await r.Server.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
        {
            got.Write(buffer, 0, n);
            if (got.Length % (256 * 1024) < n)
            {
                await Task.Delay(20, timeout.Token); // the server falls behind now and then: the relay must wait for room
            }
        }

        await writing.WaitAsync(Bound);
        Assert.Equal(up, got.ToArray());
    }

    [Fact]
    public async Task HalfClose_TheOtherDirectionGoesOn()
    {
        await using Relayed r = await Relayed.OpenAsync();
        r.Client.Shutdown(SocketShutdown.Send); // the client is done sending, and still reads
        byte[] one = new byte[1];
        Assert.Equal(0, await r.Server.ReceiveAsync(one, SocketFlags.None).WaitAsync(Bound)); // the server sees the end

        byte[] answer = Bytes(200_000, 4);
        await WriteThenHalfCloseAsync(r.Server, answer);
        Assert.Equal(answer, await ReadToEndAsync(r.Client).WaitAsync(Bound));
        await r.Relay.WaitAsync(Bound);
    }

    [Fact]
    public async Task Reset_EndsThePair()
    {
        await using Relayed r = await Relayed.OpenAsync();
        r.Server.LingerState = new LingerOption(true, 0);
        r.Server.Close(); // RST to side B
        await r.Relay.WaitAsync(Bound);
        Assert.False(r.Relay.IsFaulted);
    }

    [Fact]
    public async Task Cancellation_EndsThePair_AnIdleOneToo()
    {
        using CancellationTokenSource cancel = new();
        await using Relayed r = await Relayed.OpenAsync(cancel.Token);
        await Task.Delay(50);
        Assert.False(r.Relay.IsCompleted); // idle, both open: still relaying
        cancel.Cancel();
        await r.Relay.WaitAsync(Bound);
    }

    [Fact]
    public async Task ManyPairsAtOnce_EachGetsItsOwnBytes()
    {
        List<Relayed> pairs = [];
        try
        {
            for (int i = 0; i < 40; i++)
            {
                pairs.Add(await Relayed.OpenAsync());
            }

            await Task.WhenAll(pairs.Select(async (r, i) =>
            {
                for (int round = 0; round < 20; round++)
                {
                    byte[] request = Bytes(100 + (i * 37) + round, (i * 100) + round);
                    await r.Client.SendAsync(request);
                    byte[] atServer = await ReceiveExactlyAsync(r.Server, request.Length);
                    Assert.Equal(request, atServer);
                    await r.Server.SendAsync(atServer.Reverse().ToArray());
                    Assert.Equal(request.Reverse().ToArray(), await ReceiveExactlyAsync(r.Client, request.Length));
                }
            })).WaitAsync(Bound);
        }
        finally
        {
            foreach (Relayed r in pairs)
            {
                await r.DisposeAsync();
            }
        }
    }

    [Fact]
    public void ConnectUnregistered_ConnectsOrSaysWhyNot()
    {
        using Socket listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using Socket ok = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Assert.Null(SocketRelay.ConnectUnregistered(ok, listener.LocalEndPoint!, CancellationToken.None));
        using Socket accepted = listener.Accept();
        Assert.Equal(ok.LocalEndPoint, accepted.RemoteEndPoint);

        // A port nobody listens on (taken, then freed): refused, said in words, never thrown.
        int closed;
        using (Socket probe = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            closed = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        using Socket refused = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        string? why = SocketRelay.ConnectUnregistered(refused, new IPEndPoint(IPAddress.Loopback, closed), CancellationToken.None);
        Assert.False(string.IsNullOrWhiteSpace(why));
        Assert.Contains("refused", why, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Tap_SeesEveryByteOfBothDirectionsInOrder_AndFalseEndsThePair()
    {
        RecordingTap tap = new();
        await using Relayed r = await Relayed.OpenAsync(tap: tap);
        List<byte[]> sentUp = [], sentDown = [];
        for (int round = 0; round < 30; round++)
        {
            // Request, then its answer: the tap must show the request first (one thread reads both, in order).
            byte[] request = Bytes(10 + (round * 4099 % 150_000), round);
            await r.Client.SendAsync(request);
            Assert.Equal(request, await ReceiveExactlyAsync(r.Server, request.Length).WaitAsync(Bound));
            byte[] answer = Bytes(1 + (round * 7919 % 90_000), 1000 + round);
            await r.Server.SendAsync(answer);
            Assert.Equal(answer, await ReceiveExactlyAsync(r.Client, answer.Length).WaitAsync(Bound));
            sentUp.Add(request);
            sentDown.Add(answer);
        }

        Assert.Equal(sentUp.SelectMany(b => b).ToArray(), tap.Bytes(fromA: true));
        Assert.Equal(sentDown.SelectMany(b => b).ToArray(), tap.Bytes(fromA: false));
        Assert.True(tap.OrderHolds(sentUp.Select(b => (long)b.Length).ToList(), sentDown.Select(b => (long)b.Length).ToList()), "an answer was shown before its request");

        tap.Refuse = true;
        await r.Client.SendAsync(new byte[] { 1, 2, 3 });
        await r.Relay.WaitAsync(Bound); // the tap said no: the pair ends
        Assert.False(r.Relay.IsFaulted);
    }

    [Fact]
    public async Task SocketsUsedAsynchronouslyBefore_AreTakenOutOfTheRuntimesEpollSet()
    {
        (Socket client, Socket a) = await Relayed.ConnectedPairAsync();
        (Socket b, Socket server) = await Relayed.ConnectedPairAsync();
        using (client)
        using (server)
        using (a)
        using (b)
        {
            // An awaited receive on each relayed socket: .NET's socket engine registers it in its epoll set, as a recorder's
            // pipes do before the hand-off.
            Task<int> readA = a.ReceiveAsync(new byte[1].AsMemory()).AsTask();
            Task<int> readB = b.ReceiveAsync(new byte[1].AsMemory()).AsTask();
            await client.SendAsync(new byte[] { 7 });
            await server.SendAsync(new byte[] { 8 });
            Assert.Equal(1, await readA.WaitAsync(Bound));
            Assert.Equal(1, await readB.WaitAsync(Bound));
            Assert.Contains(EpollSetsHolding(a), set => !set.Relay); // .NET's own set holds it now

            Task relay = SocketRelay.Shared.RelayAsync(a, b, CancellationToken.None);
            Assert.Empty(EpollSetsHolding(a).Where(set => !set.Relay));
            Assert.Empty(EpollSetsHolding(b).Where(set => !set.Relay));
            byte[] ping = Bytes(70_000, 9);
            await client.SendAsync(ping);
            Assert.Equal(ping, await ReceiveExactlyAsync(server, ping.Length).WaitAsync(Bound));
            client.Dispose();
            server.Dispose();
            await relay.WaitAsync(Bound);
        }
    }

    // The eventpoll descriptors of this process whose /proc/self/fdinfo lists the socket as a target ("tfd: N ... ino:HEX", the
    // inode matched too: an entry left by a closed socket that a forked child still held until its exec may carry the same
    // number), and whether each is a relay's own.
    private static List<(int Epoll, bool Relay)> EpollSetsHolding(Socket socket)
    {
        int fd = (int)socket.Handle;
        string link = new FileInfo($"/proc/self/fd/{fd}").LinkTarget ?? ""; // socket:[INODE]
        ulong inode = ulong.Parse(link["socket:[".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
        List<(int, bool)> sets = [];
        foreach (int epfd in LinuxSockets.FindEpollDescriptors())
        {
            string[] lines;
            try
            {
                lines = File.ReadAllLines($"/proc/self/fdinfo/{epfd}");
            }
            catch (IOException)
            {
                continue;
            }

            foreach (string line in lines)
            {
                string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (words is ["tfd:", string target, ..] && int.Parse(target, System.Globalization.CultureInfo.InvariantCulture) == fd
                    && words.FirstOrDefault(w => w.StartsWith("ino:", StringComparison.Ordinal)) is string ino
                    && Convert.ToUInt64(ino["ino:".Length..], 16) == inode)
                {
                    sets.Add((epfd, SocketRelay.IsRelayEpoll(epfd)));
                }
            }
        }

        return sets;
    }

    private sealed class RecordingTap : IRelayTap
    {
        private readonly MemoryStream _a = new(), _b = new();
        private readonly List<(bool FromA, long TotalA, int Length)> _order = [];

        public volatile bool Refuse;

        public bool Received(bool fromA, ReadOnlySpan<byte> bytes)
        {
            lock (_order)
            {
                (fromA ? _a : _b).Write(bytes);
                _order.Add((fromA, _a.Length, bytes.Length));
            }

            return !Refuse;
        }

        public byte[] Bytes(bool fromA)
        {
            lock (_order)
            {
                return (fromA ? _a : _b).ToArray();
            }
        }

        // Round i's answer is sent only after round i's request arrived whole at B, so when a chunk of answer i is shown, the
        // tap must already have shown requests 0..i whole.
        public bool OrderHolds(List<long> requestLengths, List<long> answerLengths)
        {
            lock (_order)
            {
                long b = 0;
                foreach ((bool fromA, long totalA, int length) in _order)
                {
                    if (fromA)
                    {
                        continue;
                    }

                    int round = 0;
                    for (long end = answerLengths[0]; b >= end; end += answerLengths[++round])
                    {
                    }

                    if (totalA < requestLengths.Take(round + 1).Sum())
                    {
                        return false;
                    }

                    b += length;
                }

                return true;
            }
        }
    }

    private static byte[] Bytes(int n, int seed)
    {
        byte[] b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }

    private static async Task WriteThenHalfCloseAsync(Socket s, byte[] data)
    {
        for (int at = 0; at < data.Length; at += 100_000)
        {
            await s.SendAsync(data.AsMemory(at, Math.Min(100_000, data.Length - at)));
        }

        s.Shutdown(SocketShutdown.Send);
    }

    private static async Task<byte[]> ReadToEndAsync(Socket s)
    {
        MemoryStream got = new();
        byte[] buffer = new byte[65536];
        int n;
        while ((n = await s.ReceiveAsync(buffer)) > 0)
        {
            got.Write(buffer, 0, n);
        }

        return got.ToArray();
    }

    private static async Task<byte[]> ReceiveExactlyAsync(Socket s, int n)
    {
        byte[] b = new byte[n];
        int at = 0;
        while (at < n)
        {
            int got = await s.ReceiveAsync(b.AsMemory(at));
            Assert.True(got > 0, "the connection ended early");
            at += got;
        }

        return b;
    }

    /// <summary>client ↔ A (accepted) | relay | B ↔ server (accepted), on loopback.</summary>
    private sealed class Relayed : IAsyncDisposable
    {
        private Socket _a = null!;
        private Socket _b = null!;

        public Socket Client { get; private set; } = null!;

        public Socket Server { get; private set; } = null!;

        public Task Relay { get; private set; } = null!;

        public static async Task<Relayed> OpenAsync(CancellationToken cancellationToken = default, IRelayTap? tap = null)
        {
            Relayed r = new();
            (r.Client, r._a) = await ConnectedPairAsync();
            (r._b, r.Server) = await ConnectedPairAsync();
            r.Relay = tap is null
                ? SocketRelay.Shared.RelayAsync(r._a, r._b, cancellationToken)
                : SocketRelay.Recording.RelayAsync(r._a, r._b, tap, cancellationToken);
            return r;
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            Server.Dispose();
            await Relay.WaitAsync(Bound); // the closes end the pair
            _a.Dispose();
            _b.Dispose();
        }

        // (connecting side, accepted side): the accepted socket has had no async operation, as the forwarder hands them over.
        public static async Task<(Socket Connecting, Socket Accepted)> ConnectedPairAsync()
        {
            using Socket listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            Socket connecting = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            Task<Socket> accepted = listener.AcceptAsync();
            await connecting.ConnectAsync(listener.LocalEndPoint!);
            return (connecting, await accepted);
        }
    }
}
