using System.Text;
using YamlDotNet.RepresentationModel;
using static Keploy.Core.Protocols.MySql.MySqlYaml;

namespace Keploy.Core.Protocols.MySql.Messages;

/// <summary>COM_STMT_PREPARE (0x16): the statement text with <c>?</c> placeholders.</summary>
public sealed record ComStmtPrepare(string Query) : MySqlSinglePacket
{
    /// <inheritdoc />
    public override string PacketType => "COM_STMT_PREPARE";

    /// <summary>Decodes the payload.</summary>
    public static ComStmtPrepare Decode(byte[] payload) => new(Encoding.UTF8.GetString(payload, 1, payload.Length - 1));

    /// <inheritdoc />
    public override byte[] Encode(MySqlSession session) => new MySqlWriter().U8(MySqlCommand.StmtPrepare).Text(Query).ToArray();

    /// <inheritdoc />
    public override YamlNode ToYaml() => Map(("command", Int(MySqlCommand.StmtPrepare)), ("query", Str(Query)));

    /// <summary>Reads the <c>message</c> node.</summary>
    public static ComStmtPrepare FromYaml(YamlMappingNode m) => new(GetStr(m, "query"));
}
