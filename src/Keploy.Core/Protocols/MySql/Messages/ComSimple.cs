using YamlDotNet.RepresentationModel;
using static Keploy.Core.Protocols.MySql.MySqlYaml;

namespace Keploy.Core.Protocols.MySql.Messages;

/// <summary>
/// A command that is its command byte (and possibly bytes this tool keeps as they are): the base of <see cref="ComPing"/>,
/// <see cref="ComQuit"/>, <see cref="ComResetConnection"/>, and any other command (COM_STATISTICS, COM_DEBUG, COM_SET_OPTION...),
/// written as Keploy writes them: <c>{command: N}</c>, plus <c>data</c> when more bytes follow.
/// </summary>
public record ComSimple(byte Command, byte[] Rest) : MySqlSinglePacket
{
    /// <inheritdoc />
    public override string PacketType => MySqlCommand.Name(Command);

    /// <summary>Decodes the payload into the command's type.</summary>
    public static ComSimple Decode(byte[] payload) => Create(payload[0], payload.AsSpan(1).ToArray());

    /// <summary>The typed message for a command byte.</summary>
    public static ComSimple Create(byte command, byte[] rest) => command switch
    {
        MySqlCommand.Ping when rest.Length == 0 => new ComPing(),
        MySqlCommand.Quit when rest.Length == 0 => new ComQuit(),
        MySqlCommand.ResetConnection when rest.Length == 0 => new ComResetConnection(),
        _ => new ComSimple(command, rest),
    };

    /// <inheritdoc />
    public override byte[] Encode(MySqlSession session) => [Command, .. Rest];

    /// <inheritdoc />
    public override YamlNode ToYaml()
    {
        YamlMappingNode m = Map(("command", Int(Command)));
        if (Rest.Length > 0)
        {
            m.Add("data", BlockBytes(Rest));
        }

        return m;
    }

    /// <summary>Reads the <c>message</c> node.</summary>
    public static ComSimple FromYaml(YamlMappingNode m, string path) => Create((byte)GetInt(m, "command", path), GetBytes(m, "data", path));
}

/// <summary>COM_PING (0x0E): answered with OK.</summary>
public sealed record ComPing() : ComSimple(MySqlCommand.Ping, Array.Empty<byte>());

/// <summary>COM_QUIT (0x01): the client closes; no answer.</summary>
public sealed record ComQuit() : ComSimple(MySqlCommand.Quit, Array.Empty<byte>());

/// <summary>COM_RESET_CONNECTION (0x1F): resets the session (MySqlConnector sends it when a pooled connection is reused); answered with OK.</summary>
public sealed record ComResetConnection() : ComSimple(MySqlCommand.ResetConnection, Array.Empty<byte>());
