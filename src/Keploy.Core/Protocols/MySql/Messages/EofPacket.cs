using YamlDotNet.RepresentationModel;
using static Keploy.Core.Protocols.MySql.MySqlYaml;

namespace Keploy.Core.Protocols.MySql.Messages;

/// <summary>EOF_Packet (0xFE, payload shorter than 9 bytes): warnings and status flags; replaced by OK (0xFE) under CLIENT_DEPRECATE_EOF.</summary>
public sealed record EofPacket(ushort Warnings, ushort StatusFlags) : MySqlSinglePacket
{
    /// <inheritdoc />
    public override string PacketType => "EOF";

    /// <summary>True for an EOF packet payload (0xFE and shorter than 9 bytes).</summary>
    public static bool Is(byte[] payload) => payload.Length is > 0 and < 9 && payload[0] == 0xFE;

    /// <summary>Decodes the payload.</summary>
    public static EofPacket Decode(byte[] payload)
    {
        MySqlReader r = new(payload, "EOF");
        r.U8("header");
        return r.Remaining >= 4 ? new EofPacket(r.U16("warnings"), r.U16("status_flags")) : new EofPacket(0, 0);
    }

    /// <inheritdoc />
    public override byte[] Encode(MySqlSession session) => new MySqlWriter().U8(0xFE).U16(Warnings).U16(StatusFlags).ToArray();

    /// <inheritdoc />
    public override YamlNode ToYaml() => Map(("header", Int(0xFE)), ("warnings", Int(Warnings)), ("status_flags", Int(StatusFlags)));

    /// <summary>Reads the <c>message</c> node.</summary>
    public static EofPacket FromYaml(YamlMappingNode m, string path) => new((ushort)GetInt(m, "warnings", path, 0), (ushort)GetInt(m, "status_flags", path, 0));
}
