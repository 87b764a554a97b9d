using YamlDotNet.RepresentationModel;
using static Keploy.Core.Protocols.MySql.MySqlYaml;

namespace Keploy.Core.Protocols.MySql.Messages;

/// <summary>Protocol::AuthSwitchRequest (0xFE): the server asks for another authentication plugin, with its scramble.</summary>
public sealed record AuthSwitchRequest(string PluginName, byte[] PluginData) : MySqlSinglePacket
{
    /// <inheritdoc />
    public override string PacketType => "AuthSwitchRequest";

    /// <summary>Decodes the payload.</summary>
    public static AuthSwitchRequest Decode(byte[] payload)
    {
        MySqlReader r = new(payload, "AuthSwitchRequest");
        r.U8("status_tag");
        return new AuthSwitchRequest(r.NulString("plugin_name", nulOptional: true), r.RestBytes());
    }

    /// <inheritdoc />
    public override byte[] Encode(MySqlSession session) => new MySqlWriter().U8(0xFE).NulString(PluginName).Bytes(PluginData).ToArray();

    /// <inheritdoc />
    public override YamlNode ToYaml() => Map(("status_tag", Int(0xFE)), ("plugin_name", Str(PluginName)), ("plugin_data", Text(PluginData)));

    /// <summary>Reads the <c>message</c> node.</summary>
    public static AuthSwitchRequest FromYaml(YamlMappingNode m) => new(GetStr(m, "plugin_name"), GetText(m, "plugin_data"));
}
