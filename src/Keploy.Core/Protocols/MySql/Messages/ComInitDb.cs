using System.Text;
using YamlDotNet.RepresentationModel;
using static Keploy.Core.Protocols.MySql.MySqlYaml;

namespace Keploy.Core.Protocols.MySql.Messages;

/// <summary>COM_INIT_DB (0x02): changes the default schema; answered with OK or ERR.</summary>
public sealed record ComInitDb(string Schema) : MySqlSinglePacket
{
    /// <inheritdoc />
    public override string PacketType => "COM_INIT_DB";

    /// <summary>Decodes the payload.</summary>
    public static ComInitDb Decode(byte[] payload) => new(Encoding.UTF8.GetString(payload, 1, payload.Length - 1));

    /// <inheritdoc />
    public override byte[] Encode(MySqlSession session) => new MySqlWriter().U8(MySqlCommand.InitDb).Text(Schema).ToArray();

    /// <inheritdoc />
    public override YamlNode ToYaml() => Map(("command", Int(MySqlCommand.InitDb)), ("schema", Str(Schema)));

    /// <summary>Reads the <c>message</c> node.</summary>
    public static ComInitDb FromYaml(YamlMappingNode m) => new(GetStr(m, "schema"));
}
