using YamlDotNet.RepresentationModel;
using static Keploy.Core.Protocols.MySql.MySqlYaml;

namespace Keploy.Core.Protocols.MySql.Messages;

/// <summary>COM_STMT_RESET (0x1A): discards a statement's long data and cursor; answered with OK or ERR.</summary>
public sealed record ComStmtReset(uint StatementId) : MySqlSinglePacket
{
    /// <inheritdoc />
    public override string PacketType => "COM_STMT_RESET";

    /// <summary>Decodes the payload.</summary>
    public static ComStmtReset Decode(byte[] payload)
    {
        MySqlReader r = new(payload, "COM_STMT_RESET");
        r.U8("command");
        return new ComStmtReset(r.U32("statement_id"));
    }

    /// <inheritdoc />
    public override byte[] Encode(MySqlSession session) => new MySqlWriter().U8(MySqlCommand.StmtReset).U32(StatementId).ToArray();

    /// <inheritdoc />
    public override YamlNode ToYaml() => Map(("status", Int(MySqlCommand.StmtReset)), ("statement_id", Int(StatementId)));

    /// <summary>Reads the <c>message</c> node.</summary>
    public static ComStmtReset FromYaml(YamlMappingNode m, string path) => new((uint)GetInt(m, "statement_id", path));
}
