using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using static Keploy.Core.Proxy.LinuxSockets;

namespace Keploy.Core.Proxy;

/// <summary>
/// Relays pairs of connected TCP sockets byte for byte, unparsed, on one thread of its own: one epoll set (level-triggered),
/// non-blocking <c>recv</c>/<c>send</c> into a 64 KiB buffer per direction, each direction's end of stream passed on as a
/// half-close (<c>shutdown(SHUT_WR)</c>), in the manner of haproxy's single-threaded event loop.
/// </summary>
/// <remarks>
/// <para>Why not <c>Stream.CopyToAsync</c>: every read there goes epoll thread → thread-pool item → <c>recv</c> → <c>send</c>,
/// two thread hops per message per direction. Measured (issue 12, <c>record --ingress-proxy</c> with the port excluded,
/// samples/Catalog, wrk -c32 -t2 on 2 cores): 33–40 µs of relay CPU per request against haproxy's 25, and 0.31 of direct
/// throughput against haproxy's 0.48. Running socket continuations inline on .NET's epoll threads
/// (<c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c>) took that to 20 µs and +30–50% req/s, which shows the hops are the
/// cost; that switch is process-wide (it slowed the recording paths, and delayed the app's exit by 2 s on replay), so the
/// relay has its own loop instead.</para>
/// <para>The sockets stay owned by the caller, who closes them after the task completes; this class never closes them. They must
/// not be used otherwise while relayed, and must have no async operation in flight. A socket that had one is taken out of .NET's
/// epoll set (<see cref="LinuxSockets.DetachFromRuntimePoller"/>), so no async operation may follow on it; one that never had one
/// (connected with <see cref="ConnectUnregistered"/>, accepted by an accept awaited on the listener only) was never in it. A
/// recorder hands over a connection whose first messages it relayed itself (the PostgreSQL startup), with a tap
/// (<see cref="IRelayTap"/>) that sees every later byte. A pair ends when both directions ended (end of stream
/// read and passed on), when either side fails (a reset: <c>ECONNRESET</c>, <c>EPIPE</c>), or when the token is cancelled;
/// the task then completes (never faults). Linux x86-64 only (<see cref="IsSupported"/>); elsewhere use a stream copy.</para>
/// </remarks>
internal sealed unsafe class SocketRelay : IDisposable
{
    /// <summary>Bytes buffered per direction (the most read by one <c>recv</c>).</summary>
    public const int BufferBytes = 64 * 1024;

    /// <summary>Rounds of <c>recv</c>/<c>send</c> per direction per readiness event before other connections get their turn.</summary>
    public const int RoundsPerEvent = 8;

    private const int MaxEvents = 256;
    private const ulong WakeToken = ulong.MaxValue;

    private static readonly Lazy<SocketRelay> SharedRelay = new(() => new SocketRelay("keploy-socket-relay"), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<SocketRelay> RecordingRelay = new(() => new SocketRelay("keploy-record-relay"), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly int _epoll;
    private readonly int _wake;
    private readonly Thread _thread;
    private readonly ConcurrentQueue<(Pair Pair, bool Add)> _commands = new();
    private readonly Dictionary<ulong, Pair> _pairs = new();
    private ulong _nextId;
    private volatile bool _stopping;

    private SocketRelay(string threadName)
    {
        _epoll = EpollCreate1(EPOLL_CLOEXEC);
        if (_epoll < 0)
        {
            throw new IOException($"epoll_create1 failed: errno {Marshal.GetLastPInvokeError()}");
        }

        _wake = EventFd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (_wake < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            LinuxSockets.Close(_epoll);
            throw new IOException($"eventfd failed: errno {errno}");
        }

        EpollEvent ev = new() { Events = EPOLLIN, Data = WakeToken };
        EpollCtl(_epoll, EPOLL_CTL_ADD, _wake, &ev);
        _thread = new Thread(Loop) { IsBackground = true, Name = threadName };
        _thread.Start();
    }

    /// <summary>True where this relay runs (Linux x86-64: the layout of struct epoll_event it declares).</summary>
    public static bool IsSupported => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    /// <summary>The process's relay (its thread starts on first use).</summary>
    /// <exception cref="IOException">epoll or eventfd could not be created.</exception>
    public static SocketRelay Shared => SharedRelay.Value;

    /// <summary>
    /// The process's relay for recorded connections (<see cref="RelayAsync(Socket, Socket, IRelayTap, CancellationToken)"/>
    /// with a tap): a thread of its own, so a recorder whose writer is behind (its tap then waits) never slows the pairs
    /// relayed untouched on <see cref="Shared"/>.
    /// </summary>
    /// <exception cref="IOException">epoll or eventfd could not be created.</exception>
    public static SocketRelay Recording => RecordingRelay.Value;

    /// <summary>True when <paramref name="fd"/> is the epoll descriptor of <see cref="Shared"/> or <see cref="Recording"/> (one already made).</summary>
    internal static bool IsRelayEpoll(int fd) =>
        (SharedRelay.IsValueCreated && SharedRelay.Value._epoll == fd) || (RecordingRelay.IsValueCreated && RecordingRelay.Value._epoll == fd);

    /// <summary>Pairs being relayed now.</summary>
    public int Active { get; private set; }

    /// <summary>
    /// Relays <paramref name="a"/> ↔ <paramref name="b"/> (both connected stream sockets) until both directions ended, a side
    /// failed or <paramref name="cancellationToken"/> is cancelled; the task then completes, on a thread-pool thread.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The relay was disposed.</exception>
    public Task RelayAsync(Socket a, Socket b, CancellationToken cancellationToken) => RelayAsync(a, b, tap: null, cancellationToken);

    /// <summary>
    /// As <see cref="RelayAsync(Socket, Socket, CancellationToken)"/>, with every byte read from either side shown to
    /// <paramref name="tap"/> on the relay's thread, in the order read: an answer is never shown before the request it answers.
    /// The pair ends when the tap returns false.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The relay was disposed.</exception>
    public Task RelayAsync(Socket a, Socket b, IRelayTap? tap, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        LinuxSockets.DetachFromRuntimePoller(a, _epoll);
        LinuxSockets.DetachFromRuntimePoller(b, _epoll);
        Pair pair = new(a, b, tap);
        if (cancellationToken.CanBeCanceled)
        {
            pair.Cancellation = cancellationToken.UnsafeRegister(static state => { var (relay, p) = ((SocketRelay, Pair))state!; relay.Post(p, add: false); }, (this, pair));
        }

        Post(pair, add: true);
        return pair.Done.Task;
    }

    /// <summary>
    /// Connects <paramref name="socket"/> to <paramref name="endPoint"/> without an async operation, so .NET's socket engine never
    /// registers it: a registered socket's readiness also wakes .NET's epoll thread and a thread-pool item per event while it is
    /// relayed here (measured: 44% of the tool's CPU on the relay-only forwarder). A non-blocking <c>connect(2)</c>, then
    /// <c>poll(2)</c> for writability on the calling thread in slices of 100 ms (at once on loopback) until connected, refused
    /// or cancelled.
    /// </summary>
    /// <returns>Null when connected, else why not (one line).</returns>
    public static string? ConnectUnregistered(Socket socket, EndPoint endPoint, CancellationToken cancellationToken)
    {
        socket.Blocking = false;
        try
        {
            socket.Connect(endPoint);
            return null;
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
        }
        catch (SocketException ex)
        {
            return ex.Message;
        }

        while (!socket.Poll(100_000, SelectMode.SelectWrite))
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return "stopped while connecting";
            }
        }

        object? error = socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error);
        return error is 0 or null ? null : new SocketException((int)error).Message;
    }

    /// <summary>Ends every pair (their tasks complete) and stops the thread.</summary>
    public void Dispose()
    {
        _stopping = true;
        Signal();
        _thread.Join();
        LinuxSockets.Close(_wake);
        LinuxSockets.Close(_epoll);
    }

    private void Post(Pair pair, bool add)
    {
        _commands.Enqueue((pair, add));
        Signal();
    }

    private void Signal()
    {
        ulong one = 1;
        Write(_wake, &one, sizeof(ulong));
    }

    private void Loop()
    {
        EpollEvent* events = stackalloc EpollEvent[MaxEvents];
        while (!_stopping)
        {
            int n = EpollWait(_epoll, events, MaxEvents, -1);
            if (n < 0)
            {
                if (Marshal.GetLastPInvokeError() == EINTR)
                {
                    continue;
                }

                break;
            }

            for (int i = 0; i < n; i++)
            {
                ulong data = events[i].Data;
                if (data == WakeToken)
                {
                    ulong count;
                    Read(_wake, &count, sizeof(ulong));
                    RunCommands();
                }
                else if (_pairs.TryGetValue(data >> 1, out Pair? pair))
                {
                    Pump(pair, (int)(data & 1), events[i].Events);
                }
            }
        }

        foreach (Pair pair in _pairs.Values.ToArray())
        {
            End(pair);
        }

        while (_commands.TryDequeue(out (Pair Pair, bool Add) command))
        {
            command.Pair.Finish();
        }
    }

    private void RunCommands()
    {
        while (_commands.TryDequeue(out (Pair Pair, bool Add) command))
        {
            Pair pair = command.Pair;
            if (!command.Add)
            {
                if (pair.Id != 0 && _pairs.ContainsKey(pair.Id))
                {
                    End(pair); // cancelled
                }
                else
                {
                    pair.Cancelled = true; // cancelled before it was added (the add command is still queued behind)
                }

                continue;
            }

            if (pair.Cancelled)
            {
                pair.Finish();
                continue;
            }

            pair.Id = ++_nextId;
            _pairs.Add(pair.Id, pair);
            Active = _pairs.Count;
            Pump(pair, side: 0, EPOLLIN | EPOLLOUT); // bytes may already be waiting; also registers both sockets' interest
            if (_pairs.ContainsKey(pair.Id))
            {
                Pump(pair, side: 1, EPOLLIN | EPOLLOUT);
            }
        }
    }

    // On readiness of one side's socket (side 0: A, 1: B): moves what can be moved without blocking in the direction it can
    // read for (EPOLLIN) and the one it can write for (EPOLLOUT; both on EPOLLERR/EPOLLHUP, whose next call shows the error),
    // then sets each socket's epoll interest to what it waits for. Only those directions: a recv that can only say EAGAIN
    // is not made.
    private void Pump(Pair pair, int side, uint ready)
    {
        bool all = (ready & (EPOLLERR | EPOLLHUP)) != 0;
        bool readable = all || (ready & EPOLLIN) != 0, writable = all || (ready & EPOLLOUT) != 0;
        (Direction reads, int readFd, int readTo) = side == 0 ? (pair.ToB, pair.FdA, pair.FdB) : (pair.ToA, pair.FdB, pair.FdA);
        (Direction writes, int writeFrom, int writeFd) = side == 0 ? (pair.ToA, pair.FdB, pair.FdA) : (pair.ToB, pair.FdA, pair.FdB);
        if ((readable && !Move(reads, readFd, readTo)) || (writable && !Move(writes, writeFrom, writeFd)))
        {
            End(pair);
            return;
        }

        if (pair.ToB.Ended && pair.ToA.Ended)
        {
            End(pair);
            return;
        }

        // A socket waits to read when its outgoing direction has room, to write when the other direction holds bytes for it.
        uint wantA = (pair.ToB.WantsRead ? EPOLLIN : 0) | (pair.ToA.WantsWrite ? EPOLLOUT : 0);
        uint wantB = (pair.ToA.WantsRead ? EPOLLIN : 0) | (pair.ToB.WantsWrite ? EPOLLOUT : 0);
        Interest(pair, side: 0, pair.FdA, ref pair.InterestA, wantA);
        Interest(pair, side: 1, pair.FdB, ref pair.InterestB, wantB);
    }

    // A socket with nothing to wait for is taken out of the set (level-triggered EPOLLHUP would otherwise be reported forever).
    private void Interest(Pair pair, int side, int fd, ref uint current, uint wanted)
    {
        if (wanted == current)
        {
            return;
        }

        EpollEvent ev = new() { Events = wanted, Data = (pair.Id << 1) | (uint)side };
        int op = current == 0 ? EPOLL_CTL_ADD : wanted == 0 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
        EpollCtl(_epoll, op, fd, &ev);
        current = wanted;
    }

    // One direction, from → to: false when a side failed (the pair ends).
    private static bool Move(Direction d, int from, int to)
    {
        for (int round = 0; round < RoundsPerEvent && !d.Ended; round++)
        {
            if (d.Start < d.End)
            {
                nint sent = Send(to, d.Buffer + d.Start, (nuint)(d.End - d.Start), MSG_DONTWAIT | MSG_NOSIGNAL);
                if (sent < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == EAGAIN)
                    {
                        return true; // the peer's window is full: wait for EPOLLOUT
                    }

                    return errno == EINTR;
                }

                d.Start += (int)sent;
                if (d.Start < d.End)
                {
                    continue;
                }
            }

            d.Start = d.End = 0;
            nint got = Recv(from, d.Buffer, BufferBytes, MSG_DONTWAIT);
            if (got < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                return errno is EAGAIN or EINTR;
            }

            if (got == 0)
            {
                // End of stream, the buffer empty: passed on at once (a peer already gone shows at its next read).
                Shutdown(to, SHUT_WR);
                d.Ended = true;
                return true;
            }

            d.End = (int)got;
            if (got < BufferBytes)
            {
                // A short read drained the socket: send it, then leave the next read to epoll (level-triggered, it says when
                // more came) rather than make a recv that would only say EAGAIN. The tap sees the bytes after the send (the
                // peer does not wait for the recording) and before anything else is read on this thread.
                nint sent = Send(to, d.Buffer, (nuint)d.End, MSG_DONTWAIT | MSG_NOSIGNAL);
                if (sent < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno is not (EAGAIN or EINTR))
                    {
                        return false;
                    }

                    sent = 0;
                }

                if (d.Tap is { } shortTap && !shortTap.Received(d.FromA, new ReadOnlySpan<byte>(d.Buffer, (int)got)))
                {
                    return false;
                }

                d.Start = (int)sent;
                if (d.Start == d.End)
                {
                    d.Start = d.End = 0;
                }

                return true;
            }

            if (d.Tap is { } tap && !tap.Received(d.FromA, new ReadOnlySpan<byte>(d.Buffer, (int)got)))
            {
                return false;
            }
        }

        return true;
    }

    private void End(Pair pair)
    {
        Interest(pair, 0, pair.FdA, ref pair.InterestA, 0);
        Interest(pair, 1, pair.FdB, ref pair.InterestB, 0);
        _pairs.Remove(pair.Id);
        Active = _pairs.Count;
        pair.Finish();
    }

    private sealed class Direction(IRelayTap? tap, bool fromA)
    {
        public readonly IRelayTap? Tap = tap;
        public readonly bool FromA = fromA;
        public byte* Buffer = (byte*)NativeMemory.Alloc(BufferBytes);
        public int Start;
        public int End;
        public bool Ended; // end of stream read and passed on

        public bool WantsRead => !Ended && Start == End;

        public bool WantsWrite => !Ended && Start < End;

        public void Free()
        {
            NativeMemory.Free(Buffer);
            Buffer = null;
        }
    }

    private sealed class Pair(Socket a, Socket b, IRelayTap? tap)
    {
        // The Socket objects keep the descriptors open (and alive) while relayed.
        public readonly Socket A = a;
        public readonly Socket B = b;
        public readonly int FdA = (int)a.Handle;
        public readonly int FdB = (int)b.Handle;
        public readonly Direction ToB = new(tap, fromA: true);
        public readonly Direction ToA = new(tap, fromA: false);
        public readonly TaskCompletionSource Done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public ulong Id;
        public uint InterestA;
        public uint InterestB;
        public bool Cancelled;
        public CancellationTokenRegistration Cancellation;
        private int _finished;

        public void Finish()
        {
            if (Interlocked.Exchange(ref _finished, 1) != 0)
            {
                return;
            }

            ToB.Free();
            ToA.Free();
            Cancellation.Dispose();
            Done.TrySetResult();
        }
    }
}

/// <summary>
/// What a recorder sees of a pair relayed by <see cref="SocketRelay"/>: every chunk of bytes as read, on the relay's thread.
/// It must not block for long (every pair of that relay waits) and must copy what it keeps (the span is the relay's buffer).
/// </summary>
internal interface IRelayTap
{
    /// <summary>
    /// Bytes just read from A (<paramref name="fromA"/>) or from B, already sent on or about to be. False ends the pair (the tap
    /// logs why, e.g. malformed traffic).
    /// </summary>
    bool Received(bool fromA, ReadOnlySpan<byte> bytes);
}
