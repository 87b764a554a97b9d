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

    /// <summary>The match form of a live or recorded command.</summary>
    public static MatchRequest Request(RedisCommand command)
    {
        List<MatchField> fields = new(command.Arguments.Count);
        for (int i = 1; i < command.Arguments.Count; i++)
        {
            byte[] a = command.Arguments[i];
            fields.Add(new MatchField("arg" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), Encoding.Latin1.GetString(a), Encoding.UTF8.GetString(a)));
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
