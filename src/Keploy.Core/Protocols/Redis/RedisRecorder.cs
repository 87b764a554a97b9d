using System.Buffers;
using System.IO.Pipelines;
using Keploy.Core.Proxy;

namespace Keploy.Core.Protocols.Redis;

/// <summary>
/// Record mode for one connection: relays both directions byte-exact as bytes arrive (a large value streams through before it is
/// complete) and pairs each command with its reply, in order, so N pipelined commands give N mocks; MULTI, each +QUEUED command and
/// EXEC are mocks of their own. SUBSCRIBE and its relatives take one confirmation per channel; pushes (RESP3 <c>&gt;</c>, or RESP2
/// <c>message</c>/<c>pmessage</c>/<c>smessage</c> arrays while subscribed) are recorded as they arrive, as mocks with no request and
/// <c>operation: push</c>. Timestamps are taken when the command's bytes and the reply's last byte are read, so a blocking command
/// (BLPOP) keeps its wait. Malformed bytes from either side close the connection with one logged line; recorded mocks stay.
/// </summary>
internal sealed class RedisRecorder
{
    private static readonly HashSet<string> Confirmations = new(StringComparer.OrdinalIgnoreCase) { "subscribe", "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe", "sunsubscribe" };
    private static readonly HashSet<string> Messages = new(StringComparer.OrdinalIgnoreCase) { "message", "pmessage", "smessage" };

    private readonly ProxyConnection _connection;
    private readonly object _gate = new();
    private readonly Queue<Pending> _pending = new();
    private readonly Dictionary<string, HashSet<string>> _subscriptions = new(StringComparer.Ordinal);
    private readonly string _connId;

    public RedisRecorder(ProxyConnection connection)
    {
        _connection = connection;
        _connId = RedisMock.Id(connection.Id);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        IDuplexPipe upstream = await _connection.ConnectUpstreamAsync!(cancellationToken).ConfigureAwait(false);
        try
        {
            using CancellationTokenSource both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task up = RecordingRelay.PumpAsync(_connection.Client.Input, upstream.Output, new Direction(this, client: true), both, _connection.Log);
            Task down = RecordingRelay.PumpAsync(upstream.Input, _connection.Client.Output, new Direction(this, client: false), both, _connection.Log);
            await Task.WhenAll(up, down).ConfigureAwait(false);
        }
        finally
        {
            if (upstream is IAsyncDisposable d)
            {
                await d.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// One direction for <see cref="RecordingRelay"/>: every byte goes on as it arrives; commands are queued before their bytes go
    /// on (so a reply always finds its command pending), replies are paired after theirs went on.
    /// </summary>
    private sealed class Direction(RedisRecorder recorder, bool client) : IRelayParser
    {
        private readonly List<(RespValue Value, byte[] Raw)> _values = new();

        public bool ObserveFirst => client;

        public bool RelayPartial => true;

        public long Take(ReadOnlySequence<byte> buffer)
        {
            _values.Clear();
            ReadOnlySequence<byte> rest = buffer;
            while (true)
            {
                ReadOnlySequence<byte> before = rest;
                RespValue value;
                long length;
                bool ok = client ? RespReader.TryReadCommand(ref rest, out value, out length) : RespReader.TryReadValue(ref rest, out value, out length);
                if (!ok)
                {
                    return buffer.Length - before.Length;
                }

                _values.Add((value, before.Slice(0, length).ToArray()));
            }
        }

        public void Observe(DateTimeOffset now)
        {
            foreach ((RespValue value, byte[] raw) in _values)
            {
                if (client)
                {
                    recorder.OnCommand(value, raw, now);
                }
                else
                {
                    recorder.OnReply(value, raw, now);
                }
            }
        }

        public string Truncated(ReadOnlySequence<byte> rest) =>
            $"{(client ? "client" : "server")} closed in the middle of a {RespReader.KindOf(rest.FirstSpan[0])} ({rest.Length} byte(s) of a truncated value)";

        public string? Malformed(Exception ex) =>
            ex is RespProtocolException ? $"closing: malformed {(client ? "client" : "server")} traffic: {ex.Message}" : null;
    }

    private void OnCommand(RespValue value, byte[] raw, DateTimeOffset now)
    {
        RedisCommand command = RedisCommand.From(value, raw);
        if (command.Arguments.Count > 0)
        {
            lock (_gate)
            {
                _pending.Enqueue(new Pending(command, now, ExpectedReplies(command)));
            }
        }
    }

    private int ExpectedReplies(RedisCommand command)
    {
        if (!command.IsSubscribe)
        {
            return 1;
        }

        if (command.ChannelCount > 0)
        {
            return command.ChannelCount;
        }

        // UNSUBSCRIBE with no channel: one confirmation per current subscription of that family, or one when there is none.
        lock (_gate)
        {
            return Math.Max(1, Family(command.Name).Count);
        }
    }

    private HashSet<string> Family(string name)
    {
        string key = name.Contains("PSUB", StringComparison.Ordinal) || name.Contains("PUNSUB", StringComparison.Ordinal) ? "P"
            : name.Contains("SSUB", StringComparison.Ordinal) || name.Contains("SUNSUB", StringComparison.Ordinal) ? "S"
            : "";
        if (!_subscriptions.TryGetValue(key, out HashSet<string>? set))
        {
            set = new HashSet<string>(StringComparer.Ordinal);
            _subscriptions[key] = set;
        }

        return set;
    }

    private void OnReply(RespValue value, byte[] raw, DateTimeOffset now)
    {
        RespValue u = RespValues.Unwrap(value);
        IReadOnlyList<RespValue>? items = u switch { RespPush p => p.Items, RespArray a => a.Items, _ => null };
        string? first = items is { Count: > 0 } ? RespValues.AsText(items[0]) : null;
        Pending? done = null;
        bool push = false;
        lock (_gate)
        {
            Pending? head = _pending.Count > 0 ? _pending.Peek() : null;
            bool confirmation = first is not null && Confirmations.Contains(first);
            bool subscribed = _subscriptions.Values.Any(s => s.Count > 0);
            if (head is not null && head.Command.IsSubscribe && confirmation)
            {
                Track(first!, items!);
                head.Replies.Add(raw);
                if (head.Replies.Count >= head.Expected)
                {
                    done = _pending.Dequeue();
                }
            }
            else if (head is null || u is RespPush || (subscribed && u is RespArray && first is not null && Messages.Contains(first)))
            {
                push = true;
                if (confirmation)
                {
                    Track(first!, items!);
                }
            }
            else
            {
                head.Replies.Add(raw);
                done = _pending.Dequeue();
            }
        }

        if (push)
        {
            Record(new RedisMock(RedisMock.RedisKind, _connId, "mocks", "push", Array.Empty<byte[]>(), new[] { raw }, now, now));
        }
        else if (done is not null)
        {
            Record(new RedisMock(RedisMock.RedisKind, _connId, done.Command.IsSession ? "config" : "mocks", done.Command.Operation, new[] { done.Command.Raw }, done.Replies.ToArray(), done.Time, now));
        }
    }

    private void Track(string kind, IReadOnlyList<RespValue> items)
    {
        string? channel = items.Count > 1 ? RespValues.AsText(items[1]) : null;
        string k = kind.ToUpperInvariant();
        HashSet<string> set = Family(k);
        if (channel is null)
        {
            return;
        }

        if (k.Contains("UNSUB", StringComparison.Ordinal))
        {
            set.Remove(channel);
        }
        else
        {
            set.Add(channel);
        }
    }

    private void Record(RedisMock mock)
    {
        if (_connection.Recorder is IDeferredMockRecorder deferred)
        {
            deferred.Record(mock.ToMock, mock.Requests.Sum(r => (long)r.Length) + mock.Responses.Sum(r => (long)r.Length));
        }
        else
        {
            _connection.Recorder?.Record(mock.ToMock());
        }
    }

    private sealed class Pending
    {
        public Pending(RedisCommand command, DateTimeOffset time, int expected)
        {
            Command = command;
            Time = time;
            Expected = expected;
        }

        public RedisCommand Command { get; }

        public DateTimeOffset Time { get; }

        public int Expected { get; }

        public List<byte[]> Replies { get; } = new();
    }
}
