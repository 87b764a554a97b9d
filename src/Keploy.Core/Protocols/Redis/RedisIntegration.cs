using System.Buffers;
using System.Net;
using System.Text;
using Keploy.Core.Proxy;

namespace Keploy.Core.Protocols.Redis;

/// <summary>
/// Redis (RESP2 and RESP3, Redis docs "Redis serialization protocol specification"): records <c>kind: Redis</c> mocks and replays
/// them, also Keploy OSS's <c>kind: Generic</c> recordings of Redis. Detected from the client's first bytes: <c>*</c> and a digit
/// (a multibulk command) on any port; on the Redis ports (6379 and <see cref="Ports"/>) also an inline command (a known command
/// name followed by a space or CRLF). Runs before the HTTP integration and the Generic fallback.
/// </summary>
public sealed class RedisIntegration : IProtocolIntegration
{
    /// <summary>Redis's registered port.</summary>
    public const int DefaultPort = 6379;

    private static readonly HashSet<string> InlineNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "PING", "ECHO", "AUTH", "HELLO", "SELECT", "QUIT", "INFO", "GET", "SET", "DEL", "EXISTS", "INCR", "DECR", "MGET", "MSET", "KEYS",
        "HGET", "HSET", "HGETALL", "LPUSH", "RPUSH", "LPOP", "RPOP", "LRANGE", "SADD", "SMEMBERS", "EXPIRE", "TTL", "FLUSHALL", "FLUSHDB",
        "DBSIZE", "CLIENT", "CONFIG", "SUBSCRIBE", "PUBLISH", "MULTI", "EXEC", "DISCARD", "MONITOR", "COMMAND", "SCAN", "TYPE",
    };

    /// <summary>Creates the integration; <paramref name="ports"/> are Redis ports besides 6379 (keploy.yml / flag).</summary>
    public RedisIntegration(IEnumerable<int>? ports = null)
    {
        Ports = new HashSet<int>(ports ?? Array.Empty<int>()) { DefaultPort };
    }

    /// <summary>Ports where inline commands are recognised too (always includes 6379).</summary>
    public IReadOnlySet<int> Ports { get; }

    /// <inheritdoc />
    public string Kind => RedisMock.RedisKind;

    /// <inheritdoc />
    public IReadOnlyList<string> ServedKinds => RedisReplayer.Kinds;

    /// <inheritdoc />
    public int Priority => 30;

    /// <inheritdoc />
    public ProtocolMatch Match(ReadOnlySequence<byte> prefix, IPEndPoint destination)
    {
        if (prefix.IsEmpty)
        {
            return ProtocolMatch.NeedMoreData;
        }

        byte first = prefix.FirstSpan[0];
        if (first == (byte)'*')
        {
            if (prefix.Length < 2)
            {
                return ProtocolMatch.NeedMoreData;
            }

            byte second = prefix.Slice(1, 1).FirstSpan[0];
            return char.IsAsciiDigit((char)second) ? ProtocolMatch.Yes : ProtocolMatch.No;
        }

        if (!Ports.Contains(destination.Port) || !char.IsAsciiLetter((char)first))
        {
            return ProtocolMatch.No;
        }

        int n = (int)Math.Min(prefix.Length, 16);
        Span<byte> head = stackalloc byte[16];
        prefix.Slice(0, n).CopyTo(head);
        int end = head[..n].IndexOfAny((byte)' ', (byte)'\r', (byte)'\n');
        if (end < 0)
        {
            return n < 16 ? ProtocolMatch.NeedMoreData : ProtocolMatch.No;
        }

        return InlineNames.Contains(Encoding.ASCII.GetString(head[..end])) ? ProtocolMatch.Yes : ProtocolMatch.No;
    }

    /// <inheritdoc />
    public async Task RecordAsync(ProxyConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await new RedisRecorder(connection).RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RespProtocolException ex)
        {
            connection.Log($"closing: malformed Redis traffic: {ex.Message}");
        }
    }

    /// <inheritdoc />
    public Task ReplayAsync(ProxyConnection connection, CancellationToken cancellationToken) => new RedisReplayer(connection).RunAsync(cancellationToken);
}
