using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Keploy.Core.Models;
using Keploy.Core.Proxy;
using Keploy.Core.Replay;
using Keploy.Core.Replay.Matching;

namespace Keploy.Core.Protocols.Redis;

/// <summary>
/// Test mode for one connection: plays redis-server from the mocks. Each command is matched with <see cref="MockMatchRule"/>
/// against <see cref="MockPool.GetCandidates"/> of kinds Redis and Generic (recorded order, so repeats get their answers in order),
/// and the recorded reply bytes are sent; a blocking command (BLPOP) answers after its recorded wait (at most
/// <see cref="MaxBlockingDelay"/>); a SUBSCRIBE answer is followed by the pushes recorded after it on its connection, at their recorded
/// offsets. Session commands without a mock are answered as a server would (HELLO with the recorded or a synthesised hello map,
/// AUTH/SELECT/CLIENT SETNAME/SETINFO +OK, PING +PONG). Any other miss gets <c>-ERR keploy: no mock for …</c> naming the
/// closest mock, and is reported with <see cref="MockPool.ReportMiss"/>.
/// </summary>
internal sealed class RedisReplayer
{
    /// <summary>Longest wait replayed for a blocking command.</summary>
    public static readonly TimeSpan MaxBlockingDelay = TimeSpan.FromSeconds(30);

    /// <summary>Longest offset replayed between a SUBSCRIBE answer and a push.</summary>
    public static readonly TimeSpan MaxPushDelay = TimeSpan.FromSeconds(10);

    internal static readonly string[] Kinds = { RedisMock.RedisKind, RedisMock.GenericKind };

    private readonly ProxyConnection _connection;
    private readonly MockPool _pool;
    private readonly SemaphoreSlim _write = new(1, 1);
    private int _protocol = 2;

    public RedisReplayer(ProxyConnection connection)
    {
        _connection = connection;
        _pool = connection.Mocks!;
    }

    public async Task RunAsync(CancellationToken ct)
    {
        PipeReader input = _connection.Client.Input;
        PipeWriter output = _connection.Client.Output;
        using CancellationTokenSource life = CancellationTokenSource.CreateLinkedTokenSource(ct);
        List<Task> pushes = new();
        try
        {
            while (true)
            {
                ReadResult result = await input.ReadAsync(ct).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                List<RedisCommand> commands = new();
                while (true)
                {
                    ReadOnlySequence<byte> before = buffer;
                    if (!RespReader.TryReadCommand(ref buffer, out RespValue value, out long length))
                    {
                        break;
                    }

                    RedisCommand c = RedisCommand.From(value, before.Slice(0, length).ToArray());
                    if (c.Arguments.Count > 0)
                    {
                        commands.Add(c);
                    }
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                bool quit = false;
                foreach (RedisCommand command in commands)
                {
                    (byte[] answer, Mock? hit) = Answer(command);
                    if (hit is not null && command.IsBlocking && Delay(hit) is { } wait && wait > TimeSpan.Zero)
                    {
                        await output.FlushAsync(ct).ConfigureAwait(false);
                        await Task.Delay(wait, ct).ConfigureAwait(false);
                    }

                    await _write.WaitAsync(ct).ConfigureAwait(false);
                    try
                    {
                        output.Write(answer);
                    }
                    finally
                    {
                        _write.Release();
                    }

                    if (hit is not null && command.IsSubscribe && command.Name.Contains("SUB", StringComparison.Ordinal) && !command.Name.Contains("UNSUB", StringComparison.Ordinal))
                    {
                        pushes.Add(SendPushesAsync(hit, command, output, life.Token));
                    }

                    if (command.Name == "QUIT")
                    {
                        quit = true;
                        break;
                    }
                }

                await _write.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    await output.FlushAsync(ct).ConfigureAwait(false);
                }
                finally
                {
                    _write.Release();
                }

                if (quit || result.IsCompleted)
                {
                    if (!quit && !buffer.IsEmpty)
                    {
                        _connection.Log($"client closed in the middle of a command ({buffer.Length} byte(s) of a truncated command)");
                    }

                    return;
                }
            }
        }
        catch (RespProtocolException ex)
        {
            _connection.Log($"closing: malformed client traffic: {ex.Message}");
        }
        finally
        {
            life.Cancel();
            try
            {
                await Task.WhenAll(pushes).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private (byte[] Answer, Mock? Hit) Answer(RedisCommand command)
    {
        if (command.Name == "HELLO" && command.Arguments.Count > 1 && int.TryParse(Encoding.ASCII.GetString(command.Arguments[1]), out int proto))
        {
            _protocol = proto;
        }

        IReadOnlyList<Mock> candidates = _pool.GetCandidates(Kinds);
        MatchRequest live = RedisMatcher.Request(command);
        MockMatch? match = MockMatchRule.Find(_pool, candidates, live, RedisMatcher.View);
        if (match is not null)
        {
            RedisMock view = RedisMatcher.Get(match.Mock)!.Mock!;
            _pool.Debug($"redis: {command.Describe()} answered by {match.Mock.Name}");
            return (view.ResponseBytes, match.Mock);
        }

        if (command.IsSession && SessionAnswer(command, candidates) is { } session)
        {
            return (session, null);
        }

        if (command.IsSubscribe)
        {
            // No recorded subscription: confirm it as the server would; no message will be pushed (none was recorded).
            return (Confirmations(command), null);
        }

        string summary = command.Describe();
        (Mock? closest, string? diff) = Closest(command, live);
        string message = $"ERR keploy: no mock for {summary}" + (closest is null ? "" : $" (closest: {closest.Name}{(diff is null ? "" : ": " + diff)})");
        _connection.Log($"no mock for Redis {summary}" + (closest is null ? "" : $"; closest mock {closest.Name}"));
        _pool.ReportMiss(new MockMiss(RedisMock.RedisKind, "Redis " + summary, closest?.Name, diff, _connection.Destination.ToString()));
        return (RespWriter.Error(message.Length > 400 ? message[..400] + "…" : message), null);
    }

    private (Mock? Closest, string? Diff) Closest(RedisCommand command, MatchRequest live)
    {
        Mock? best = null;
        string? diff = null;
        foreach (Mock m in _pool.GetAll(Kinds))
        {
            if (RedisMatcher.Get(m)?.Command is not { } c || c.Name != command.Name)
            {
                continue;
            }

            MatchRequest recorded = RedisMatcher.Request(c);
            List<FieldDifference> d = MockMatchRule.AllDifferences(live, recorded, m.RequestTimestamp, _pool.NoiseNames, DateTimeOffset.Now);
            string text = recorded.Shape != live.Shape ? $"shape {recorded.Shape} ≠ {live.Shape}" : FieldDifference.Join(d);
            if (best is null || (recorded.Shape == live.Shape && (diff is null || diff.StartsWith("shape", StringComparison.Ordinal))))
            {
                best = m;
                diff = _pool.IsConsumed(m) && text.Length == 0 ? "already used" : text;
                if (recorded.Shape == live.Shape && d.Count == 0)
                {
                    break;
                }
            }
        }

        return (best, diff);
    }

    /// <summary>What a server says to a connection command no mock answers.</summary>
    private byte[]? SessionAnswer(RedisCommand command, IReadOnlyList<Mock> candidates)
    {
        switch (command.Operation)
        {
            case "HELLO":
                foreach (Mock m in candidates)
                {
                    if (RedisMatcher.Get(m) is { Command: { Name: "HELLO" } c, Mock: { } v } && c.Arguments.Count > 1 && command.Arguments.Count > 1 && c.Arguments[1].AsSpan().SequenceEqual(command.Arguments[1]))
                    {
                        return v.ResponseBytes;
                    }
                }

                return RespWriter.Encode(HelloMap());
            case "ECHO" when command.Arguments.Count == 2:
                return RespWriter.Encode(new RespBulkString(command.Arguments[1]));
            case "PING":
                return command.Arguments.Count > 1 ? RespWriter.Encode(new RespBulkString(command.Arguments[1])) : RespWriter.Encode(new RespSimpleString("PONG"));
            case "RESET":
                _protocol = 2;
                return RespWriter.Encode(new RespSimpleString("RESET"));
            case "CLIENT ID":
                return RespWriter.Encode(new RespInteger(_connection.Id + 1));
            case "CLIENT GETNAME":
                return RespWriter.Encode(_protocol >= 3 ? new RespNull() : new RespBulkString(null));
            case "AUTH":
            case "SELECT":
            case "QUIT":
            case "READONLY":
            case "READWRITE":
            case "CLIENT SETNAME":
            case "CLIENT SETINFO":
            case "CLIENT TRACKING":
            case "CLIENT NO-EVICT":
            case "CLIENT NO-TOUCH":
                return RespWriter.Encode(new RespSimpleString("OK"));
            default:
                return null;
        }
    }

    private readonly HashSet<string> _channels = new(StringComparer.Ordinal);

    /// <summary>A server's confirmations of a SUBSCRIBE-family command: one per channel, with the connection's subscription count.</summary>
    private byte[] Confirmations(RedisCommand command)
    {
        string kind = command.Name.ToLowerInvariant();
        bool unsubscribe = kind.Contains("unsub", StringComparison.Ordinal);
        List<string> names = command.Arguments.Skip(1).Select(a => Encoding.UTF8.GetString(a)).ToList();
        if (unsubscribe && names.Count == 0)
        {
            names = _channels.ToList();
        }

        System.Buffers.ArrayBufferWriter<byte> w = new();
        foreach (string name in names.DefaultIfEmpty(""))
        {
            if (unsubscribe)
            {
                _channels.Remove(name);
            }
            else
            {
                _channels.Add(name);
            }

            List<RespValue> items = new() { new RespBulkString(Encoding.UTF8.GetBytes(kind)), new RespBulkString(name.Length == 0 && unsubscribe ? null : Encoding.UTF8.GetBytes(name)), new RespInteger(_channels.Count) };
            RespWriter.Write(w, _protocol >= 3 ? new RespPush(items) : new RespArray(items));
        }

        return w.WrittenSpan.ToArray();
    }

    private RespValue HelloMap()
    {
        RespValue S(string s) => new RespBulkString(Encoding.UTF8.GetBytes(s));
        List<KeyValuePair<RespValue, RespValue>> entries = new()
        {
            new(S("server"), S("redis")),
            new(S("version"), S("7.0.15")),
            new(S("proto"), new RespInteger(_protocol >= 3 ? 3 : 2)),
            new(S("id"), new RespInteger(_connection.Id + 1)),
            new(S("mode"), S("standalone")),
            new(S("role"), S("master")),
            new(S("modules"), new RespArray(Array.Empty<RespValue>())),
        };
        return _protocol >= 3 ? new RespMap(entries) : new RespArray(entries.SelectMany(e => new[] { e.Key, e.Value }).ToList());
    }

    /// <summary>The channel of a <c>message</c> push, the pattern of a <c>pmessage</c> (what SUBSCRIBE/PSUBSCRIBE named), else null.</summary>
    private static string? PushChannel(RedisMock push)
    {
        ReadOnlySequence<byte> bytes = new(push.ResponseBytes);
        try
        {
            if (!RespReader.TryReadValue(ref bytes, out RespValue v, out _))
            {
                return null;
            }

            IReadOnlyList<RespValue>? items = RespValues.Unwrap(v) switch { RespPush p => p.Items, RespArray a => a.Items, _ => null };
            return items is { Count: >= 3 } ? RespValues.AsText(items[1]) : null;
        }
        catch (RespProtocolException)
        {
            return null;
        }
    }

    private static TimeSpan? Delay(Mock mock)
    {
        if (mock.RequestTimestamp is not { } req || mock.ResponseTimestamp is not { } res)
        {
            return null;
        }

        TimeSpan d = res - req;
        return d > MaxBlockingDelay ? MaxBlockingDelay : d;
    }

    /// <summary>
    /// Sends the pushes recorded on the SUBSCRIBE mock's connection after its answer, for the channels (or patterns) this command
    /// subscribed, at their recorded offsets.
    /// </summary>
    private async Task SendPushesAsync(Mock subscribe, RedisCommand command, PipeWriter output, CancellationToken ct)
    {
        string? conn = subscribe.ConnectionId;
        HashSet<string> channels = command.Arguments.Skip(1).Select(a => Encoding.UTF8.GetString(a)).ToHashSet(StringComparer.Ordinal);
        DateTimeOffset start = subscribe.ResponseTimestamp ?? subscribe.RequestTimestamp ?? DateTimeOffset.MinValue;
        List<(Mock Mock, RedisMock View)> pushes = _pool.GetAll(Kinds)
            .Select(m => (Mock: m, View: RedisMatcher.Get(m)?.Mock))
            .Where(x => x.View is { IsPush: true } && x.Mock.ConnectionId == conn && channels.Contains(PushChannel(x.View) ?? "") && (x.Mock.RequestTimestamp ?? DateTimeOffset.MinValue) >= start && !_pool.IsConsumed(x.Mock))
            .OrderBy(x => x.Mock.RequestTimestamp)
            .Select(x => (x.Mock, x.View!))
            .ToList();
        System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            foreach ((Mock mock, RedisMock view) in pushes)
            {
                TimeSpan at = (mock.RequestTimestamp ?? start) - start;
                at = at > MaxPushDelay ? MaxPushDelay : at;
                if (at > clock.Elapsed)
                {
                    await Task.Delay(at - clock.Elapsed, ct).ConfigureAwait(false);
                }

                if (!_pool.TryConsume(mock))
                {
                    continue;
                }

                await _write.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    output.Write(view.ResponseBytes);
                    await output.FlushAsync(ct).ConfigureAwait(false);
                }
                finally
                {
                    _write.Release();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (InvalidOperationException)
        {
            // The client closed its pipe.
        }
    }
}
