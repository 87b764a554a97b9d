using YamlDotNet.RepresentationModel;
using static Keploy.Core.Protocols.MySql.MySqlYaml;

namespace Keploy.Core.Protocols.MySql.Messages;

/// <summary>
/// Protocol::HandshakeResponse41 (MySQL docs "Connection Phase Packets"): the client's capabilities, user, scrambled password
/// (<see cref="AuthResponse"/>, never the password itself), database, plugin and connection attributes (in sent order).
/// </summary>
public sealed record HandshakeResponse41(uint CapabilityFlags, uint MaxPacketSize, byte CharacterSet, byte[] Filler, string Username,
    byte[] AuthResponse, string Database, string AuthPluginName, IReadOnlyList<KeyValuePair<string, string>> ConnectionAttributes,
    byte ZstdCompressionLevel) : MySqlSinglePacket
{
    /// <inheritdoc />
    public override string PacketType => "HandshakeResponse41";

    /// <summary>Decodes the payload.</summary>
    public static HandshakeResponse41 Decode(byte[] payload)
    {
        MySqlReader r = new(payload, "HandshakeResponse41");
        uint caps = r.U32("capability_flags");
        if ((caps & MySqlCapabilities.Protocol41) == 0)
        {
            throw new MySqlProtocolException("HandshakeResponse41: the client does not set CLIENT_PROTOCOL_41 (HandshakeResponse320 is not supported)");
        }

        uint max = r.U32("max_packet_size");
        byte charset = r.U8("character_set");
        byte[] filler = r.Bytes(23, "filler");
        string user = r.NulString("username");
        byte[] auth;
        if ((caps & MySqlCapabilities.PluginAuthLenEncData) != 0)
        {
            auth = r.LenEncBytes("auth_response");
        }
        else if ((caps & MySqlCapabilities.SecureConnection) != 0)
        {
            auth = r.Bytes(r.U8("auth_response_length"), "auth_response");
        }
        else
        {
            auth = r.NulBytes("auth_response");
        }

        string db = (caps & MySqlCapabilities.ConnectWithDb) != 0 && !r.AtEnd ? r.NulString("database", nulOptional: true) : "";
        string plugin = (caps & MySqlCapabilities.PluginAuth) != 0 && !r.AtEnd ? r.NulString("auth_plugin_name", nulOptional: true) : "";
        List<KeyValuePair<string, string>> attrs = new();
        if ((caps & MySqlCapabilities.ConnectAttrs) != 0 && !r.AtEnd)
        {
            ulong total = r.LenEnc("connection_attributes length");
            int end = r.Position + (int)Math.Min(total, (ulong)r.Remaining);
            while (r.Position < end)
            {
                attrs.Add(new(r.LenEncString("connection attribute key"), r.LenEncString("connection attribute value")));
            }
        }

        byte zstd = (caps & MySqlCapabilities.ZstdCompression) != 0 && !r.AtEnd ? r.U8("zstd_compression_level") : (byte)0;
        return new HandshakeResponse41(caps, max, charset, filler, user, auth, db, plugin, attrs, zstd);
    }

    /// <inheritdoc />
    public override byte[] Encode(MySqlSession session)
    {
        MySqlWriter w = new();
        uint caps = CapabilityFlags;
        w.U32(caps).U32(MaxPacketSize).U8(CharacterSet).Bytes(Filler.Length == 23 ? Filler : new byte[23]).NulString(Username);
        if ((caps & MySqlCapabilities.PluginAuthLenEncData) != 0)
        {
            w.LenEncBytes(AuthResponse);
        }
        else if ((caps & MySqlCapabilities.SecureConnection) != 0)
        {
            w.U8(AuthResponse.Length).Bytes(AuthResponse);
        }
        else
        {
            w.Bytes(AuthResponse).U8(0);
        }

        if ((caps & MySqlCapabilities.ConnectWithDb) != 0)
        {
            w.NulString(Database);
        }

        if ((caps & MySqlCapabilities.PluginAuth) != 0)
        {
            w.NulString(AuthPluginName);
        }

        if ((caps & MySqlCapabilities.ConnectAttrs) != 0)
        {
            MySqlWriter a = new();
            foreach (KeyValuePair<string, string> kv in ConnectionAttributes)
            {
                a.LenEncString(kv.Key).LenEncString(kv.Value);
            }

            w.LenEncBytes(a.ToArray());
        }

        if ((caps & MySqlCapabilities.ZstdCompression) != 0)
        {
            w.U8(ZstdCompressionLevel);
        }

        return w.ToArray();
    }

    /// <inheritdoc />
    public override YamlNode ToYaml()
    {
        YamlMappingNode m = Map(("capability_flags", Int(CapabilityFlags)), ("max_packet_size", Int(MaxPacketSize)), ("character_set", Int(CharacterSet)),
            ("filler", FlowBytes(Filler)), ("username", Str(Username)), ("auth_response", FlowBytes(AuthResponse)), ("database", Str(Database)),
            ("auth_plugin_name", Str(AuthPluginName)));
        if (ConnectionAttributes.Count > 0)
        {
            YamlMappingNode attrs = new();
            foreach (KeyValuePair<string, string> kv in ConnectionAttributes)
            {
                attrs.Add(kv.Key, Str(kv.Value));
            }

            m.Add("connection_attributes", attrs);
        }

        m.Add("zstdcompressionlevel", Int(ZstdCompressionLevel));
        return m;
    }

    /// <summary>Reads the <c>message</c> node.</summary>
    public static HandshakeResponse41 FromYaml(YamlMappingNode m, string path)
    {
        List<KeyValuePair<string, string>> attrs = new();
        foreach (KeyValuePair<YamlNode, YamlNode> kv in Keploy.Core.Models.YamlNodes.GetMapping(m, "connection_attributes")?.Children.AsEnumerable() ?? Array.Empty<KeyValuePair<YamlNode, YamlNode>>())
        {
            attrs.Add(new(((YamlScalarNode)kv.Key).Value ?? "", (kv.Value as YamlScalarNode)?.Value ?? ""));
        }

        return new HandshakeResponse41((uint)GetInt(m, "capability_flags", path), (uint)GetInt(m, "max_packet_size", path, 0),
            (byte)GetInt(m, "character_set", path, 0), GetBytes(m, "filler", path), GetStr(m, "username"), GetBytes(m, "auth_response", path),
            GetStr(m, "database"), GetStr(m, "auth_plugin_name"), attrs, (byte)GetInt(m, "zstdcompressionlevel", path, 0));
    }
}
