using System.Text;

namespace Keploy.Core.Protocols.Redis;

/// <summary>
/// A client command frame: its arguments (the first is the command name) and its exact bytes as sent (multibulk or inline).
/// Classifies the commands the recorder and replayer treat specially (Redis docs, "Commands": connection management, pub/sub,
/// blocking list/sorted-set/stream commands, transactions).
/// </summary>
public sealed class RedisCommand
{
    private static readonly HashSet<string> SessionNames = new(StringComparer.Ordinal) { "HELLO", "AUTH", "CLIENT", "SELECT", "PING", "ECHO", "QUIT", "RESET", "READONLY", "READWRITE" };

    /// <summary>Server-description queries clients send while connecting (StackExchange.Redis, Lettuce): reusable like the handshake.</summary>
    private static readonly HashSet<string> DescriptionOperations = new(StringComparer.Ordinal) { "INFO", "CONFIG GET", "CLUSTER NODES", "CLUSTER SLOTS", "CLUSTER SHARDS", "CLUSTER INFO", "SENTINEL MASTERS", "COMMAND", "COMMAND DOCS", "COMMAND INFO", "COMMAND COUNT" };
    private static readonly HashSet<string> BlockingNames = new(StringComparer.Ordinal) { "BLPOP", "BRPOP", "BRPOPLPUSH", "BLMOVE", "BLMPOP", "BZPOPMIN", "BZPOPMAX", "BZMPOP", "WAIT", "WAITAOF" };
    private static readonly HashSet<string> SubscribeNames = new(StringComparer.Ordinal) { "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE" };

    /// <summary>Creates the command from its arguments and raw bytes.</summary>
    public RedisCommand(IReadOnlyList<byte[]> arguments, byte[] raw, bool inline)
    {
        Arguments = arguments;
        Raw = raw;
        Inline = inline;
        Name = arguments.Count == 0 ? "" : Encoding.UTF8.GetString(arguments[0]).ToUpperInvariant();
    }

    /// <summary>Every argument, the command name first, as sent.</summary>
    public IReadOnlyList<byte[]> Arguments { get; }

    /// <summary>The exact bytes of the frame.</summary>
    public byte[] Raw { get; }

    /// <summary>True for an inline command (a text line), false for multibulk.</summary>
    public bool Inline { get; }

    /// <summary>The command name in upper case ("" for an empty inline line, which the server ignores).</summary>
    public string Name { get; }

    /// <summary>The name with its subcommand for container commands (<c>CLIENT SETNAME</c>, <c>CONFIG GET</c>), else <see cref="Name"/>.</summary>
    public string Operation => Name is "CLIENT" or "CONFIG" or "OBJECT" or "MEMORY" or "SCRIPT" or "FUNCTION" or "XINFO" or "CLUSTER" or "COMMAND" or "ACL" or "PUBSUB" && Arguments.Count > 1
        ? Name + " " + Encoding.UTF8.GetString(Arguments[1]).ToUpperInvariant()
        : Name;

    /// <summary>
    /// Connection-state commands (HELLO, AUTH, CLIENT *, SELECT, PING, ECHO, ...), server-description queries (INFO, CONFIG GET,
    /// CLUSTER NODES, ...) and StackExchange.Redis's own <c>__Booksleeve_*</c> keys and channels: session mocks (<c>type: config</c>),
    /// never consumed, so a client that reconnects is answered again. Connection commands without a mock are answered at replay.
    /// </summary>
    public bool IsSession => SessionNames.Contains(Name) || DescriptionOperations.Contains(Operation)
        || (Arguments.Count > 1 && Arguments[1].AsSpan().StartsWith("__Booksleeve_"u8));

    /// <summary>Blocking commands (BLPOP, BRPOP, BLMOVE, BZPOPMIN, XREAD/XREADGROUP with BLOCK, WAIT): replayed after their recorded delay.</summary>
    public bool IsBlocking => BlockingNames.Contains(Name) || (Name is "XREAD" or "XREADGROUP" && Arguments.Any(a => Encoding.UTF8.GetString(a).Equals("BLOCK", StringComparison.OrdinalIgnoreCase)));

    /// <summary>SUBSCRIBE and its relatives: answered with one confirmation per channel, then pushes.</summary>
    public bool IsSubscribe => SubscribeNames.Contains(Name);

    /// <summary>AUTH, or HELLO with an AUTH clause: carries a password.</summary>
    public bool CarriesPassword => Name == "AUTH" || (Name == "HELLO" && Arguments.Skip(1).Any(a => Encoding.UTF8.GetString(a).Equals("AUTH", StringComparison.OrdinalIgnoreCase)));

    /// <summary>The channels/patterns named (arguments after the name) for the subscribe family.</summary>
    public int ChannelCount => Arguments.Count - 1;

    /// <summary>A short form for messages: <c>GET "user:1"</c> (arguments clipped; passwords never shown).</summary>
    public string Describe()
    {
        if (CarriesPassword)
        {
            return Name + " <credentials>";
        }

        IEnumerable<string> args = Arguments.Skip(1).Take(6).Select(a => '"' + RespValue.Clip(a, 40) + '"');
        return (Name + " " + string.Join(' ', args) + (Arguments.Count > 7 ? " …" : "")).TrimEnd();
    }

    /// <summary>Builds the command from a value of <see cref="RespReader.TryReadCommand"/>.</summary>
    /// <exception cref="RespProtocolException">A multibulk command with a null array or a null argument.</exception>
    public static RedisCommand From(RespValue value, byte[] raw)
    {
        switch (value)
        {
            case RespInlineCommand inline:
                return new RedisCommand(inline.Arguments, raw, inline: true);
            case RespArray { Items: { } items }:
                List<byte[]> args = new(items.Count);
                foreach (RespValue item in items)
                {
                    args.Add(item is RespBulkString { Value: { } v } ? v : throw new RespProtocolException("multibulk command with a null argument"));
                }

                return new RedisCommand(args, raw, inline: false);
            default:
                throw new RespProtocolException("a command must be an array of bulk strings or an inline line");
        }
    }

    /// <summary>Reads every command in <paramref name="bytes"/> (a recorded request); throws when they are not all complete commands.</summary>
    /// <exception cref="RespProtocolException">The bytes are not a sequence of complete commands.</exception>
    public static List<RedisCommand> ParseAll(byte[] bytes)
    {
        List<RedisCommand> result = new();
        System.Buffers.ReadOnlySequence<byte> seq = new(bytes);
        while (!seq.IsEmpty)
        {
            System.Buffers.ReadOnlySequence<byte> before = seq;
            if (!RespReader.TryReadCommand(ref seq, out RespValue v, out long len))
            {
                throw new RespProtocolException($"truncated command after {bytes.Length - before.Length} byte(s)");
            }

            RedisCommand c = From(v, System.Buffers.BuffersExtensions.ToArray(before.Slice(0, len)));
            if (c.Arguments.Count > 0)
            {
                result.Add(c);
            }
        }

        return result;
    }
}
