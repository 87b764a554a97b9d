using YamlDotNet.RepresentationModel;
using static Keploy.Core.Protocols.MySql.MySqlYaml;

namespace Keploy.Core.Protocols.MySql.Messages;

/// <summary>COM_STMT_CLOSE (0x19): deallocates a statement; the server sends no answer.</summary>
public sealed record ComStmtClose(uint StatementId) : MySqlSinglePacket
{
    /// <inheritdoc />
    public override string PacketType => "COM_STMT_CLOSE";

    /// <summary>Decodes the payload.</summary>
    public static ComStmtClose Decode(byte[] payload)
    {
        MySqlReader r = new(payload, "COM_STMT_CLOSE");
        r.U8("command");
        return new ComStmtClose(r.U32("statement_id"));
    }

    /// <inheritdoc />
    public override byte[] Encode(MySqlSession session) => new MySqlWriter().U8(MySqlCommand.StmtClose).U32(StatementId).ToArray();

    /// <inheritdoc />
    public override YamlNode ToYaml() => Map(("status", Int(MySqlCommand.StmtClose)), ("statement_id", Int(StatementId)));

    /// <summary>Reads the <c>message</c> node.</summary>
    public static ComStmtClose FromYaml(YamlMappingNode m, string path) => new((uint)GetInt(m, "statement_id", path));
}
