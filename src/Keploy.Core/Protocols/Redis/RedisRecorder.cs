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
            Task up = PumpAsync(_connection.Client.Input, upstream.Output, client: true, both);
            Task down = PumpAsync(upstream.Input, _connection.Client.Output, client: false, both);
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

    private async Task PumpAsync(PipeReader from, PipeWriter to, bool client, CancellationTokenSource both)
    {
        CancellationToken ct = both.Token;
        long relayed = 0; // bytes at the start of the unconsumed buffer already sent on
        try
        {
            while (true)
            {
                ReadResult result = await from.ReadAsync(ct).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                DateTimeOffset now = DateTimeOffset.UtcNow;
                ReadOnlySequence<byte> rest = buffer;
                if (client)
                {
                    // Commands are queued before their bytes go on, so a reply always finds its command pending.
                    rest = Parse(buffer, client, now);
                }

                if (buffer.Length > relayed)
                {
                    foreach (ReadOnlyMemory<byte> segment in buffer.Slice(relayed))
                    {
                        to.Write(segment.Span);
                    }

                    FlushResult flushed = await to.FlushAsync(ct).ConfigureAwait(false);
                    if (flushed.IsCompleted)
                    {
                        break;
                    }
                }

                if (!client)
                {
                    rest = Parse(buffer, client, DateTimeOffset.UtcNow);
                }

                relayed = rest.Length;
                from.AdvanceTo(rest.Start, buffer.End);
                if (result.IsCompleted)
                {
                    if (!rest.IsEmpty)
                    {
                        _connection.Log($"{(client ? "client" : "server")} closed in the middle of a {RespReader.KindOf(rest.FirstSpan[0])} ({rest.Length} byte(s) of a truncated value)");
                        both.Cancel();
                    }

                    break;
                }
            }
        }
        catch (RespProtocolException ex)
        {
            _connection.Log($"closing: malformed {(client ? "client" : "server")} traffic: {ex.Message}");
            both.Cancel();
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            both.Cancel();
        }
        finally
        {
            await to.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Takes every complete frame from the start of <paramref name="buffer"/>; returns what is left.</summary>
    private ReadOnlySequence<byte> Parse(ReadOnlySequence<byte> buffer, bool client, DateTimeOffset now)
    {
        ReadOnlySequence<byte> rest = buffer;
        while (true)
        {
            ReadOnlySequence<byte> before = rest;
            RespValue value;
            long length;
            bool ok = client ? RespReader.TryReadCommand(ref rest, out value, out length) : RespReader.TryReadValue(ref rest, out value, out length);
            if (!ok)
            {
                return before;
            }

            byte[] raw = before.Slice(0, length).ToArray();
            if (client)
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
            else
            {
                OnReply(value, raw, now);
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
            deferred.Record(mock.ToMock);
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
