using YamlDotNet.RepresentationModel;
using static Keploy.Core.Protocols.MySql.MySqlYaml;

namespace Keploy.Core.Protocols.MySql.Messages;

/// <summary>
/// COM_CHANGE_USER (0x11, MySQL docs "COM_CHANGE_USER"): re-authenticates as another user (an authentication exchange follows, as
/// after HandshakeResponse41). Keploy writes only <c>command</c>; the other fields are written beside it.
/// </summary>
public sealed record ComChangeUser(string User, byte[] AuthResponse, string Database, ushort CharacterSet, string AuthPluginName, byte[] Rest) : MySqlSinglePacket
{
    /// <inheritdoc />
    public override string PacketType => "COM_CHANGE_USER";

    /// <summary>Decodes the payload.</summary>
    public static ComChangeUser Decode(byte[] payload, MySqlSession session)
    {
        MySqlReader r = new(payload, "COM_CHANGE_USER");
        r.U8("command");
        string user = r.NulString("user");
        byte[] auth = (session.Capabilities & MySqlCapabilities.SecureConnection) != 0 ? r.Bytes(r.U8("auth_plugin_data_len"), "auth_response") : r.NulBytes("auth_response");
        string db = r.NulString("database", nulOptional: true);
        ushort charset = r.Remaining >= 2 ? r.U16("character_set") : (ushort)0;
        string plugin = (session.Capabilities & MySqlCapabilities.PluginAuth) != 0 && !r.AtEnd ? r.NulString("auth_plugin_name", nulOptional: true) : "";
        return new ComChangeUser(user, auth, db, charset, plugin, r.RestBytes());
    }

    /// <inheritdoc />
    public override byte[] Encode(MySqlSession session)
    {
        MySqlWriter w = new MySqlWriter().U8(MySqlCommand.ChangeUser).NulString(User);
        if ((session.Capabilities & MySqlCapabilities.SecureConnection) != 0)
        {
            w.U8(AuthResponse.Length).Bytes(AuthResponse);
        }
        else
        {
            w.Bytes(AuthResponse).U8(0);
        }

        w.NulString(Database).U16(CharacterSet);
        if ((session.Capabilities & MySqlCapabilities.PluginAuth) != 0)
        {
            w.NulString(AuthPluginName);
        }

        return w.Bytes(Rest).ToArray();
    }

    /// <inheritdoc />
    public override YamlNode ToYaml() => Map(("command", Int(MySqlCommand.ChangeUser)), ("user", Str(User)), ("auth_response", FlowBytes(AuthResponse)),
        ("database", Str(Database)), ("character_set", Int(CharacterSet)), ("auth_plugin_name", Str(AuthPluginName)), ("rest", BlockBytes(Rest)));

    /// <summary>Reads the <c>message</c> node.</summary>
    public static ComChangeUser FromYaml(YamlMappingNode m, string path) => new(GetStr(m, "user"), GetBytes(m, "auth_response", path), GetStr(m, "database"),
        (ushort)GetInt(m, "character_set", path, 0), GetStr(m, "auth_plugin_name"), GetBytes(m, "rest", path));
}
