using YamlDotNet.RepresentationModel;
using static Keploy.Core.Protocols.MySql.MySqlYaml;

namespace Keploy.Core.Protocols.MySql.Messages;

/// <summary>
/// OK_Packet (MySQL docs "Generic Response Packets"): header 0x00, or 0xFE when it ends a result set under CLIENT_DEPRECATE_EOF.
/// <see cref="Info"/> is everything after the warnings, as Keploy keeps it (the info text and, with CLIENT_SESSION_TRACK, the
/// length-encoded info and session state changes).
/// </summary>
public sealed record OkPacket(byte Header, ulong AffectedRows, ulong LastInsertId, ushort StatusFlags, ushort Warnings, byte[] Info) : MySqlSinglePacket
{
    /// <inheritdoc />
    public override string PacketType => "OK";

    /// <summary>True for an OK packet payload (0x00 and at least 7 bytes).</summary>
    public static bool Is(byte[] payload) => payload.Length >= 7 && payload[0] == 0x00;

    /// <summary>Decodes the payload (header 0x00 or 0xFE).</summary>
    public static OkPacket Decode(byte[] payload)
    {
        MySqlReader r = new(payload, "OK");
        byte header = r.U8("header");
        ulong affected = r.LenEnc("affected_rows");
        ulong last = r.LenEnc("last_insert_id");
        ushort status = r.AtEnd ? (ushort)0 : r.U16("status_flags");
        ushort warnings = r.AtEnd ? (ushort)0 : r.U16("warnings");
        return new OkPacket(header, affected, last, status, warnings, r.RestBytes());
    }

    /// <inheritdoc />
    public override byte[] Encode(MySqlSession session) =>
        new MySqlWriter().U8(Header).LenEnc(AffectedRows).LenEnc(LastInsertId).U16(StatusFlags).U16(Warnings).Bytes(Info).ToArray();

    /// <inheritdoc />
    public override YamlNode ToYaml() => Map(("header", Int(Header)), ("affected_rows", UInt(AffectedRows)), ("last_insert_id", UInt(LastInsertId)),
        ("status_flags", Int(StatusFlags)), ("warnings", Int(Warnings)), ("info", Text(Info)));

    /// <summary>Reads the <c>message</c> node.</summary>
    public static OkPacket FromYaml(YamlMappingNode m, string path) => new((byte)GetInt(m, "header", path, 0), (ulong)GetInt(m, "affected_rows", path, 0),
        (ulong)GetInt(m, "last_insert_id", path, 0), (ushort)GetInt(m, "status_flags", path, 0), (ushort)GetInt(m, "warnings", path, 0), GetText(m, "info"));
}
