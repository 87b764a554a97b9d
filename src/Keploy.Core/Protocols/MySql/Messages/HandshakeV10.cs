using YamlDotNet.RepresentationModel;
using static Keploy.Core.Protocols.MySql.MySqlYaml;

namespace Keploy.Core.Protocols.MySql.Messages;

/// <summary>
/// Protocol::HandshakeV10, the server's greeting (MySQL docs "Connection Phase Packets"). <see cref="AuthPluginData"/> is parts 1
/// and 2 of the scramble as sent (8 + 13 bytes, the last a NUL). <see cref="Reserved"/> is the 10 reserved bytes (MariaDB puts its
/// extended capabilities in the last 4); Keploy does not write them, so they are kept only when not all zero.
/// </summary>
public sealed record HandshakeV10(byte ProtocolVersion, string ServerVersion, uint ConnectionId, byte[] AuthPluginData, byte Filler,
    uint CapabilityFlags, byte CharacterSet, ushort StatusFlags, string AuthPluginName, byte[] Reserved) : MySqlSinglePacket
{
    /// <inheritdoc />
    public override string PacketType => "HandshakeV10";

    /// <summary>Decodes the payload.</summary>
    public static HandshakeV10 Decode(byte[] payload)
    {
        MySqlReader r = new(payload, "HandshakeV10");
        byte version = r.U8("protocol_version");
        if (version != 10)
        {
            throw new MySqlProtocolException($"HandshakeV10: protocol_version {version} is not 10");
        }

        string serverVersion = r.NulString("server_version");
        uint id = r.U32("connection_id");
        byte[] part1 = r.Bytes(8, "auth_plugin_data_part_1");
        byte filler = r.U8("filler");
        uint caps = r.U16("capability_flags_1");
        byte charset = 0;
        ushort status = 0;
        byte[] reserved = new byte[10];
        byte[] part2 = Array.Empty<byte>();
        string plugin = "";
        if (!r.AtEnd)
        {
            charset = r.U8("character_set");
            status = r.U16("status_flags");
            caps |= (uint)r.U16("capability_flags_2") << 16;
            int dataLength = r.U8("auth_plugin_data_len");
            reserved = r.Bytes(10, "reserved");
            if ((caps & MySqlCapabilities.SecureConnection) != 0)
            {
                part2 = r.Bytes(Math.Min(r.Remaining, Math.Max(13, dataLength - 8)), "auth_plugin_data_part_2");
            }

            if ((caps & MySqlCapabilities.PluginAuth) != 0)
            {
                plugin = r.NulString("auth_plugin_name", nulOptional: true);
            }
        }

        return new HandshakeV10(version, serverVersion, id, [.. part1, .. part2], filler, caps, charset, status, plugin, reserved);
    }

    /// <inheritdoc />
    public override byte[] Encode(MySqlSession session)
    {
        MySqlWriter w = new();
        w.U8(ProtocolVersion).NulString(ServerVersion).U32(ConnectionId);
        byte[] data = AuthPluginData.Length >= 8 ? AuthPluginData : [.. AuthPluginData, .. new byte[8 - AuthPluginData.Length]];
        w.Bytes(data.AsSpan(0, 8)).U8(Filler).U16((int)(CapabilityFlags & 0xFFFF)).U8(CharacterSet).U16(StatusFlags).U16((int)(CapabilityFlags >> 16));
        w.U8((CapabilityFlags & MySqlCapabilities.PluginAuth) != 0 ? data.Length : 0);
        w.Bytes(Reserved.Length == 10 ? Reserved : new byte[10]);
        if ((CapabilityFlags & MySqlCapabilities.SecureConnection) != 0)
        {
            w.Bytes(data.AsSpan(8));
        }

        if ((CapabilityFlags & MySqlCapabilities.PluginAuth) != 0)
        {
            w.NulString(AuthPluginName);
        }

        return w.ToArray();
    }

    /// <inheritdoc />
    public override YamlNode ToYaml()
    {
        YamlMappingNode m = Map(("protocol_version", Int(ProtocolVersion)), ("server_version", Str(ServerVersion)), ("connection_id", Int(ConnectionId)),
            ("auth_plugin_data", FlowBytes(AuthPluginData)), ("filler", Int(Filler)), ("capability_flags", Int(CapabilityFlags)),
            ("character_set", Int(CharacterSet)), ("status_flags", Int(StatusFlags)), ("auth_plugin_name", Str(AuthPluginName)));
        if (Reserved.Any(b => b != 0))
        {
            m.Add("reserved", FlowBytes(Reserved));
        }

        return m;
    }

    /// <summary>Reads the <c>message</c> node.</summary>
    public static HandshakeV10 FromYaml(YamlMappingNode m, string path) => new(
        (byte)GetInt(m, "protocol_version", path, 10), GetStr(m, "server_version"), (uint)GetInt(m, "connection_id", path, 0),
        GetBytes(m, "auth_plugin_data", path), (byte)GetInt(m, "filler", path, 0), (uint)GetInt(m, "capability_flags", path),
        (byte)GetInt(m, "character_set", path, 255), (ushort)GetInt(m, "status_flags", path, 2), GetStr(m, "auth_plugin_name"),
        GetBytes(m, "reserved", path) is { Length: 10 } r ? r : new byte[10]);
}
