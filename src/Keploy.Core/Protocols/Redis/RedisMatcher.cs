using System.Runtime.CompilerServices;
using System.Text;
using Keploy.Core.Models;
using Keploy.Core.Replay.Matching;

namespace Keploy.Core.Protocols.Redis;

/// <summary>
/// Redis commands in the form of the shared <see cref="MockMatchRule"/>: the shape is the operation and argument count
/// (<c>SET/2</c>, <c>CLIENT SETNAME/2</c>), the fields are the arguments <c>arg1</c>..<c>argN</c> (exact bytes compared; the UTF-8
/// text is the display form, so a uuid or time argument is volatile). Parsed mock views are cached per mock.
/// </summary>
internal static class RedisMatcher
{
    private static readonly ConditionalWeakTable<Mock, Entry> Cache = new();

    /// <summary>Option keywords compared case-insensitively (the server reads them so: <c>set k v ex 10</c> = <c>SET k v EX 10</c>).</summary>
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "EX", "PX", "EXAT", "PXAT", "NX", "XX", "GT", "LT", "KEEPTTL", "GET", "CH", "INCR", "WITHSCORES", "WITHSCORE", "LIMIT", "MATCH",
        "COUNT", "TYPE", "BYSCORE", "BYLEX", "REV", "LEFT", "RIGHT", "BEFORE", "AFTER", "BLOCK", "STREAMS", "NOMKSTREAM", "MAXLEN",
        "MINID", "AUTH", "SETNAME", "SETINFO", "LIB-NAME", "LIB-VER", "ASYNC", "SYNC", "REPLACE", "ABSTTL", "IDLETIME", "FREQ",
    };

    /// <summary>The match form of a live or recorded command.</summary>
    public static MatchRequest Request(RedisCommand command)
    {
        List<MatchField> fields = new(command.Arguments.Count);
        for (int i = 1; i < command.Arguments.Count; i++)
        {
            byte[] a = command.Arguments[i];
            string exact = Encoding.Latin1.GetString(a);
            if (a.Length <= 10 && Keywords.Contains(exact))
            {
                exact = exact.ToUpperInvariant();
            }

            fields.Add(new MatchField("arg" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), exact, Encoding.UTF8.GetString(a)));
        }

        return new MatchRequest(Shape(command), fields);
    }

    /// <summary>The shape key of a command.</summary>
    public static string Shape(RedisCommand command) => command.Operation + "/" + (command.Arguments.Count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The view of a Redis (or Redis-carrying Generic) mock; null for other mocks, and a view without a command for pushes and unreadable requests.</summary>
    public static Entry? Get(Mock mock) => Cache.GetValue(mock, Build) is { Mock: not null } e ? e : null;

    /// <summary>The match form of a mock's single command; null when the mock is not one command (a push, a pipelined batch, a masked AUTH).</summary>
    public static MatchRequest? View(Mock mock) => Get(mock)?.Request;

    private static Entry Build(Mock mock)
    {
        RedisMock? view;
        try
        {
            view = RedisMock.Read(mock);
        }
        catch (KeployFormatException)
        {
            view = null;
        }

        if (view is null)
        {
            return new Entry(null, null, null);
        }

        RedisCommand? command = null;
        try
        {
            List<RedisCommand> commands = RedisCommand.ParseAll(view.RequestBytes);
            command = commands.Count == 1 ? commands[0] : null;
        }
        catch (RespProtocolException)
        {
        }

        return new Entry(view, command, command is null ? null : Request(command));
    }

    /// <summary>A cached view: the mock, its one command (or null), and that command's match form.</summary>
    internal sealed record Entry(RedisMock? Mock, RedisCommand? Command, MatchRequest? Request);
}
