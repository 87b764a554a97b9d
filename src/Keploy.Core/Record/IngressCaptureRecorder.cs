using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using Keploy.Core.Capture;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Protocols.Http2;

namespace Keploy.Core.Record;

/// <summary>
/// Record mode's ingress by syscall capture: turns the ring-buffer records of <see cref="EbpfCapture"/> (the app's own reads and
/// writes on the connections it accepted) into exchanges, one parser per connection, and hands each completed one to the
/// record session. HTTP/1.x is rebuilt by <see cref="HttpCapturedConnection"/> with the syscalls' own times; a connection that
/// opens with the HTTP/2 preface (h2c prior knowledge, RFC 9113 §3.4) is decoded by <see cref="Http2Relay"/> over in-memory
/// pipes; TLS is not decrypted (one line per port). Bytes that were not captured (ring buffer full, limits, sendfile) end the
/// recording of that connection with a line saying so; the app itself is never touched.
/// </summary>
internal sealed class IngressCaptureRecorder : IIngressCaptureSink
{
    /// <summary>Exchanges at most held waiting for room in the writers' queue before the capture thread itself waits.</summary>
    public const int MaxWaiting = 200_000;

    /// <summary>Longest gap between two lines saying connections lost bytes.</summary>
    public static readonly TimeSpan LossReportInterval = TimeSpan.FromSeconds(5);

    private static ReadOnlySpan<byte> Http2Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    private readonly Func<int, HttpRequestRecord, HttpResponseRecord, ValueTask> _onHttp;
    private readonly Func<int, Http2Message, Http2Message, ValueTask>? _onHttp2;
    private readonly Action<string> _log;
    private readonly Dictionary<ulong, Connection> _connections = new();
    private readonly HashSet<int> _tlsPortsReported = new();
    private readonly List<Task> _http2 = new();
    private readonly Queue<Task> _waiting = new();
    private readonly DateTimeOffset _wallAtStart = DateTimeOffset.UtcNow;
    private readonly long _monotonicAtStart = Stopwatch.GetTimestamp();
    private long _lastLossLog;
    private int _incomplete;

    /// <summary>Creates the recorder.</summary>
    /// <param name="onHttp">Called on the capture thread with (the app's port, request, response) per HTTP/1.x exchange; a task
    /// not yet complete is waited for (the ring buffer absorbs the wait).</param>
    /// <param name="onHttp2">Called per completed HTTP/2 stream (from a pipe task); null records no HTTP/2.</param>
    /// <param name="log">One line per problem.</param>
    public IngressCaptureRecorder(
        Func<int, HttpRequestRecord, HttpResponseRecord, ValueTask> onHttp, Func<int, Http2Message, Http2Message, ValueTask>? onHttp2, Action<string> log)
    {
        _onHttp = onHttp;
        _onHttp2 = onHttp2;
        _log = log;
        if (Stopwatch.Frequency != 1_000_000_000)
        {
            throw new PlatformNotSupportedException("Ingress capture needs Stopwatch on CLOCK_MONOTONIC in nanoseconds (Linux).");
        }
    }

    /// <summary>Connections whose recording stopped because bytes were not captured.</summary>
    public int IncompleteConnections => Volatile.Read(ref _incomplete);

    /// <summary>Exchanges handed over so far.</summary>
    public int Exchanges { get; private set; }

    /// <inheritdoc />
    public void OnEvent(in IngressCaptureEvent e, ReadOnlySpan<byte> data)
    {
        switch (e.Kind)
        {
            case IngressEventKind.Open:
                _connections[e.ConnectionId] = new Connection(e.ConnectionId, e.LocalPort, e.Remote?.ToString() ?? "?");
                return;

            case IngressEventKind.Read:
            case IngressEventKind.Write:
            {
                if (!_connections.TryGetValue(e.ConnectionId, out Connection? c) || c.Done)
                {
                    return;
                }

                bool read = e.Kind == IngressEventKind.Read;
                ref long expected = ref read ? ref c.ReadOffset : ref c.WriteOffset;
                if (e.Offset != expected)
                {
                    Lose(c, $"{e.Offset - expected} bytes {(read ? "the app read" : "the app wrote")} were not captured");
                    return;
                }

                expected += data.Length;
                Deliver(c, read, data, Time(e.MonotonicNs));
                return;
            }

            case IngressEventKind.Close:
            {
                if (!_connections.Remove(e.ConnectionId, out Connection? c))
                {
                    return;
                }

                if (!c.Done && (e.Offset != c.ReadOffset || e.EndOffset != c.WriteOffset))
                {
                    Lose(c, $"{e.Offset - c.ReadOffset + e.EndOffset - c.WriteOffset} bytes were not captured");
                }

                Close(c, Time(e.MonotonicNs));
                return;
            }
        }
    }

    /// <summary>Ends every connection still open (the app stopped) and waits for the HTTP/2 decoders.</summary>
    public async Task CompleteAsync()
    {
        foreach (Connection c in _connections.Values)
        {
            Close(c, DateTimeOffset.UtcNow);
        }

        _connections.Clear();
        Task[] pending;
        lock (_http2)
        {
            pending = _http2.ToArray();
        }

        await Task.WhenAll(pending).ConfigureAwait(false);
        while (_waiting.TryDequeue(out Task? queued))
        {
            await queued.ConfigureAwait(false);
        }
    }

    private DateTimeOffset Time(long monotonicNs) => _wallAtStart.AddTicks((monotonicNs - _monotonicAtStart) / 100);

    private void Deliver(Connection c, bool read, ReadOnlySpan<byte> data, DateTimeOffset time)
    {
        if (c.Kind == ConnectionKind.Unknown)
        {
            if (!read)
            {
                c.Held.Add((false, data.ToArray(), time)); // the app spoke first: decided by the client's first bytes
                if (c.Held.Sum(h => h.Bytes.Length) > HttpCapturedConnection.MaxUnansweredBytes)
                {
                    c.Kind = ConnectionKind.Ignored; // a server-first protocol, not HTTP
                    c.Held.Clear();
                }

                return;
            }

            c.Held.Add((true, data.ToArray(), time));
            if (!Classify(c))
            {
                return;
            }

            foreach ((bool r, byte[] bytes, DateTimeOffset t) in c.Held)
            {
                Feed(c, r, bytes, t);
            }

            c.Held.Clear();
            return;
        }

        Feed(c, read, data, time);
    }

    /// <summary>Decides the protocol from the client's first bytes; false while they could still be the HTTP/2 preface.</summary>
    private bool Classify(Connection c)
    {
        byte[] head = c.Held.Where(h => h.Read).SelectMany(h => h.Bytes).Take(Http2Preface.Length).ToArray();
        if (head.Length > 0 && head[0] == 0x16)
        {
            c.Kind = ConnectionKind.Ignored;
            if (_tlsPortsReported.Add(c.Port))
            {
                _log($"ingress: TLS connections on port {c.Port} are not recorded (incoming TLS is not decrypted)");
            }

            return true;
        }

        int n = Math.Min(head.Length, Http2Preface.Length);
        if (head.AsSpan(0, n).SequenceEqual(Http2Preface[..n]))
        {
            if (n < Http2Preface.Length)
            {
                return false;
            }

            StartHttp2(c);
            return true;
        }

        c.Kind = ConnectionKind.Http1;
        c.Http1 = new HttpCapturedConnection(
            (request, response) => Exchange(c, request, response),
            why => _log($"ingress: connection {c.Id} from {c.Remote} on port {c.Port}: {why}; its later exchanges are not recorded"));
        return true;
    }

    private void Exchange(Connection c, HttpRequestRecord request, HttpResponseRecord response)
    {
        Exchanges++;
        ValueTask queued = _onHttp(c.Port, request, response);
        if (queued.IsCompletedSuccessfully)
        {
            return;
        }

        // The writers' queue is full: the exchange waits in it (kept, in order) while this thread goes on draining the ring buffer,
        // which would otherwise fill and lose records. Past MaxWaiting exchanges this thread waits too.
        Task task = queued.AsTask();
        _waiting.Enqueue(task);
        while (_waiting.TryPeek(out Task? oldest) && (oldest.IsCompleted || _waiting.Count > MaxWaiting))
        {
            _waiting.Dequeue();
            oldest.GetAwaiter().GetResult();
        }
    }

    private void StartHttp2(Connection c)
    {
        c.Kind = ConnectionKind.Http2;
        if (_onHttp2 is null)
        {
            c.Kind = ConnectionKind.Ignored;
            return;
        }

        var options = new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false);
        c.FromClient = new Pipe(options);
        c.FromApp = new Pipe(options);
        IDuplexPipe client = new CapturedSide(c.FromClient.Reader);
        IDuplexPipe app = new CapturedSide(c.FromApp.Reader);
        int port = c.Port;
        Task decoding = Task.Run(() => Http2Relay.RunAsync(
            client,
            app,
            (request, response) => _onHttp2(port, request, response).AsTask().GetAwaiter().GetResult(),
            _log,
            CancellationToken.None));
        lock (_http2)
        {
            _http2.RemoveAll(t => t.IsCompleted);
            _http2.Add(decoding);
        }
    }

    private static void Feed(Connection c, bool read, ReadOnlySpan<byte> data, DateTimeOffset time)
    {
        switch (c.Kind)
        {
            case ConnectionKind.Http1:
                if (read)
                {
                    c.Http1!.OnRead(data, time);
                }
                else
                {
                    c.Http1!.OnWrite(data, time);
                }

                break;

            case ConnectionKind.Http2:
                PipeWriter writer = read ? c.FromClient!.Writer : c.FromApp!.Writer;
                writer.Write(data);
                _ = writer.FlushAsync(); // no pause threshold: completes at once
                break;
        }
    }

    private void Lose(Connection c, string what)
    {
        c.Done = true;
        c.Http1?.Stop();
        c.FromClient?.Writer.Complete();
        c.FromApp?.Writer.Complete();
        Interlocked.Increment(ref _incomplete);
        long last = _lastLossLog;
        if (last == 0 || Stopwatch.GetElapsedTime(last) >= LossReportInterval)
        {
            _lastLossLog = Stopwatch.GetTimestamp();
            _log($"ingress: connection {c.Id} from {c.Remote} on port {c.Port}: {what} (ring buffer full or a call over the capture limits); " +
                 $"its later exchanges are not recorded ({_incomplete} connection(s) so far)");
        }
    }

    private static void Close(Connection c, DateTimeOffset time)
    {
        c.Http1?.OnClose(time);
        c.FromClient?.Writer.Complete();
        c.FromApp?.Writer.Complete();
        c.Done = true;
    }

    private enum ConnectionKind
    {
        Unknown,
        Http1,
        Http2,
        Ignored,
    }

    private sealed class Connection(ulong id, int port, string remote)
    {
        public ulong Id { get; } = id;

        public int Port { get; } = port;

        public string Remote { get; } = remote;

        public ConnectionKind Kind { get; set; }

        public List<(bool Read, byte[] Bytes, DateTimeOffset Time)> Held { get; } = new();

        public HttpCapturedConnection? Http1 { get; set; }

        public Pipe? FromClient { get; set; }

        public Pipe? FromApp { get; set; }

        public bool Done { get; set; }

        public long ReadOffset;

        public long WriteOffset;
    }

    /// <summary>One side of a captured HTTP/2 connection for <see cref="Http2Relay"/>: its bytes in, nothing out (the app already answered).</summary>
    private sealed class CapturedSide(PipeReader input) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = PipeWriter.Create(Stream.Null);
    }
}
