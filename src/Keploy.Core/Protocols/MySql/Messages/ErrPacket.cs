using YamlDotNet.RepresentationModel;
using static Keploy.Core.Protocols.MySql.MySqlYaml;

namespace Keploy.Core.Protocols.MySql.Messages;

/// <summary>ERR_Packet (0xFF): error code, <c>#</c> and the 5-character SQL state (CLIENT_PROTOCOL_41), and the message.</summary>
public sealed record ErrPacket(ushort ErrorCode, string SqlStateMarker, string SqlState, string ErrorMessage) : MySqlSinglePacket
{
    /// <inheritdoc />
    public override string PacketType => "ERR";

    /// <summary>Decodes the payload.</summary>
    public static ErrPacket Decode(byte[] payload)
    {
        MySqlReader r = new(payload, "ERR");
        r.U8("header");
        ushort code = r.U16("error_code");
        string marker = "", state = "";
        if (r.Peek() == '#')
        {
            marker = System.Text.Encoding.ASCII.GetString(r.Bytes(1, "sql_state_marker"));
            state = System.Text.Encoding.ASCII.GetString(r.Bytes(Math.Min(5, r.Remaining), "sql_state"));
        }

        return new ErrPacket(code, marker, state, System.Text.Encoding.UTF8.GetString(r.RestBytes()));
    }

    /// <inheritdoc />
    public override byte[] Encode(MySqlSession session) =>
        new MySqlWriter().U8(0xFF).U16(ErrorCode).Text(SqlStateMarker).Text(SqlState).Text(ErrorMessage).ToArray();

    /// <inheritdoc />
    public override YamlNode ToYaml() => Map(("header", Int(0xFF)), ("error_code", Int(ErrorCode)), ("sql_state_marker", Str(SqlStateMarker)),
        ("sql_state", Str(SqlState)), ("error_message", Str(ErrorMessage)));

    /// <summary>Reads the <c>message</c> node.</summary>
    public static ErrPacket FromYaml(YamlMappingNode m, string path) => new((ushort)GetInt(m, "error_code", path, 0), GetStr(m, "sql_state_marker"),
        GetStr(m, "sql_state"), GetStr(m, "error_message"));
}
