using YamlDotNet.RepresentationModel;
using static Keploy.Core.Protocols.MySql.MySqlYaml;

namespace Keploy.Core.Protocols.MySql.Messages;

/// <summary>COM_STMT_SEND_LONG_DATA (0x18): a chunk of one parameter's value, sent before the execute; no answer.</summary>
public sealed record ComStmtSendLongData(uint StatementId, ushort ParameterId, byte[] Data) : MySqlSinglePacket
{
    /// <inheritdoc />
    public override string PacketType => "COM_STMT_SEND_LONG_DATA";

    /// <summary>Decodes the payload.</summary>
    public static ComStmtSendLongData Decode(byte[] payload)
    {
        MySqlReader r = new(payload, "COM_STMT_SEND_LONG_DATA");
        r.U8("command");
        return new ComStmtSendLongData(r.U32("statement_id"), r.U16("parameter_id"), r.RestBytes());
    }

    /// <inheritdoc />
    public override byte[] Encode(MySqlSession session) =>
        new MySqlWriter().U8(MySqlCommand.StmtSendLongData).U32(StatementId).U16(ParameterId).Bytes(Data).ToArray();

    /// <inheritdoc />
    public override YamlNode ToYaml() => Map(("status", Int(MySqlCommand.StmtSendLongData)), ("statement_id", Int(StatementId)),
        ("parameter_id", Int(ParameterId)), ("data", BlockBytes(Data)));

    /// <summary>Reads the <c>message</c> node.</summary>
    public static ComStmtSendLongData FromYaml(YamlMappingNode m, string path) =>
        new((uint)GetInt(m, "statement_id", path), (ushort)GetInt(m, "parameter_id", path), GetBytes(m, "data", path));
}
