using YamlDotNet.RepresentationModel;
using static Keploy.Core.Protocols.MySql.MySqlYaml;

namespace Keploy.Core.Protocols.MySql.Messages;

/// <summary>Protocol::SSLRequest: the first 32 bytes of a HandshakeResponse41 with CLIENT_SSL set; TLS starts after it.</summary>
public sealed record SslRequest(uint CapabilityFlags, uint MaxPacketSize, byte CharacterSet, byte[] Filler) : MySqlSinglePacket
{
    /// <inheritdoc />
    public override string PacketType => "SSLRequest";

    /// <summary>True for a 32-byte client packet with CLIENT_SSL (the SSLRequest form of a handshake response).</summary>
    public static bool Is(byte[] payload) =>
        payload.Length == 32 && (System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(payload) & MySqlCapabilities.Ssl) != 0;

    /// <summary>Decodes the payload.</summary>
    public static SslRequest Decode(byte[] payload)
    {
        MySqlReader r = new(payload, "SSLRequest");
        return new SslRequest(r.U32("capability_flags"), r.U32("max_packet_size"), r.U8("character_set"), r.Bytes(23, "filler"));
    }

    /// <inheritdoc />
    public override byte[] Encode(MySqlSession session) =>
        new MySqlWriter().U32(CapabilityFlags).U32(MaxPacketSize).U8(CharacterSet).Bytes(Filler.Length == 23 ? Filler : new byte[23]).ToArray();

    /// <inheritdoc />
    public override YamlNode ToYaml() => Map(("capability_flags", Int(CapabilityFlags)), ("max_packet_size", Int(MaxPacketSize)),
        ("character_set", Int(CharacterSet)), ("filler", FlowBytes(Filler)));

    /// <summary>Reads the <c>message</c> node.</summary>
    public static SslRequest FromYaml(YamlMappingNode m, string path) => new((uint)GetInt(m, "capability_flags", path),
        (uint)GetInt(m, "max_packet_size", path, 0), (byte)GetInt(m, "character_set", path, 0), GetBytes(m, "filler", path));
}
