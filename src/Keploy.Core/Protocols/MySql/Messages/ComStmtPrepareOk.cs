using Keploy.Core.Models;
using YamlDotNet.RepresentationModel;
using static Keploy.Core.Protocols.MySql.MySqlYaml;

namespace Keploy.Core.Protocols.MySql.Messages;

/// <summary>
/// COM_STMT_PREPARE_OK (MySQL docs "COM_STMT_PREPARE Response") with the parameter and column definitions that follow it, each
/// list ended by an EOF unless CLIENT_DEPRECATE_EOF (kept raw, as Keploy's <c>eofAfterParamDefs</c>/<c>eofAfterColumnDefs</c>).
/// </summary>
public sealed record ComStmtPrepareOk(uint StatementId, ushort NumColumns, ushort NumParams, byte Filler, bool WarningAvailable, ushort WarningCount,
    bool MetaFollowsAvailable, byte MetaFollows, IReadOnlyList<ColumnDefinition41> ParamDefinitions, byte[] EofAfterParamDefs,
    IReadOnlyList<ColumnDefinition41> ColumnDefinitions, byte[] EofAfterColumnDefs) : MySqlMessage
{
    /// <inheritdoc />
    public override string PacketType => "COM_STMT_PREPARE_OK";

    /// <summary>Decodes the first packet (the definitions are added by the response reader).</summary>
    public static ComStmtPrepareOk Decode(byte[] payload)
    {
        MySqlReader r = new(payload, "COM_STMT_PREPARE_OK");
        r.U8("status");
        uint id = r.U32("statement_id");
        ushort cols = r.U16("num_columns"), ps = r.U16("num_params");
        byte filler = r.U8("reserved_1");
        bool warn = r.Remaining >= 2;
        ushort warnings = warn ? r.U16("warning_count") : (ushort)0;
        bool metaAvail = !r.AtEnd;
        byte meta = metaAvail ? r.U8("metadata_follows") : (byte)0;
        return new ComStmtPrepareOk(id, cols, ps, filler, warn, warnings, metaAvail, meta, Array.Empty<ColumnDefinition41>(), Array.Empty<byte>(),
            Array.Empty<ColumnDefinition41>(), Array.Empty<byte>());
    }

    /// <summary>The payloads for a client with the given session, with <paramref name="statementId"/> as the statement id.</summary>
    public IEnumerable<byte[]> Payloads(MySqlSession live, uint statementId)
    {
        MySqlWriter w = new MySqlWriter().U8(0).U32(statementId).U16(NumColumns).U16(NumParams).U8(Filler);
        if (WarningAvailable)
        {
            w.U16(WarningCount);
        }

        if (MetaFollowsAvailable)
        {
            w.U8(MetaFollows);
        }

        yield return w.ToArray();
        foreach (byte[] p in Definitions(ParamDefinitions, EofAfterParamDefs, live))
        {
            yield return p;
        }

        foreach (byte[] p in Definitions(ColumnDefinitions, EofAfterColumnDefs, live))
        {
            yield return p;
        }
    }

    private static IEnumerable<byte[]> Definitions(IReadOnlyList<ColumnDefinition41> defs, byte[] eof, MySqlSession live)
    {
        foreach (ColumnDefinition41 d in defs)
        {
            yield return d.Encode(live);
        }

        if (defs.Count > 0 && !live.DeprecateEof)
        {
            yield return eof.Length > 4 ? eof[4..] : new EofPacket(0, MySqlServerStatus.Autocommit).Encode(live);
        }
    }

    /// <inheritdoc />
    public override YamlNode ToYaml()
    {
        YamlSequenceNode ps = new(), cs = new();
        foreach (ColumnDefinition41 d in ParamDefinitions)
        {
            ps.Add(d.ToYaml());
        }

        foreach (ColumnDefinition41 d in ColumnDefinitions)
        {
            cs.Add(d.ToYaml());
        }

        return Map(("status", Int(0)), ("statement_id", Int(StatementId)), ("num_columns", Int(NumColumns)), ("num_params", Int(NumParams)), ("filler", Int(Filler)),
            ("warning_available", Bool(WarningAvailable)), ("warning_count", Int(WarningCount)), ("meta_follows_available", Bool(MetaFollowsAvailable)),
            ("meta_follows", Int(MetaFollows)), ("param_definitions", ps), ("eofAfterParamDefs", BlockBytes(EofAfterParamDefs)), ("column_definitions", cs),
            ("eofAfterColumnDefs", BlockBytes(EofAfterColumnDefs)));
    }

    /// <summary>Reads the <c>message</c> node.</summary>
    public static ComStmtPrepareOk FromYaml(YamlMappingNode m, string path) => new((uint)GetInt(m, "statement_id", path), (ushort)GetInt(m, "num_columns", path, 0),
        (ushort)GetInt(m, "num_params", path, 0), (byte)GetInt(m, "filler", path, 0), GetBool(m, "warning_available", true), (ushort)GetInt(m, "warning_count", path, 0),
        GetBool(m, "meta_follows_available"), (byte)GetInt(m, "meta_follows", path, 0),
        Entries(m, "param_definitions").Select((d, i) => ColumnDefinition41.FromYaml(d, $"{path}.param_definitions[{i}]")).ToList(), GetBytes(m, "eofAfterParamDefs", path),
        Entries(m, "column_definitions").Select((d, i) => ColumnDefinition41.FromYaml(d, $"{path}.column_definitions[{i}]")).ToList(), GetBytes(m, "eofAfterColumnDefs", path));
}
