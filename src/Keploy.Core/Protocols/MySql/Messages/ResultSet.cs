using Keploy.Core.Models;
using YamlDotNet.RepresentationModel;
using static Keploy.Core.Protocols.MySql.MySqlYaml;

namespace Keploy.Core.Protocols.MySql.Messages;

/// <summary>
/// A result set as Keploy keeps it in one response entry: <c>TextResultSet</c> (COM_QUERY, ProtocolText rows) or
/// <c>BinaryProtocolResultSet</c> (COM_STMT_EXECUTE, ProtocolBinary rows). The column count packet (its header is the entry's),
/// the ColumnDefinition41s, the EOF after them (raw wire bytes, empty under CLIENT_DEPRECATE_EOF), the rows, and the final packet
/// (raw wire bytes: EOF, OK with header 0xFE under CLIENT_DEPRECATE_EOF, or ERR). <see cref="Payloads"/> re-frames the EOFs for a
/// client whose CLIENT_DEPRECATE_EOF differs from the recorded one.
/// </summary>
public sealed record ResultSet(bool Binary, ulong ColumnCount, IReadOnlyList<ColumnDefinition41> Columns, byte[] EofAfterColumns,
    IReadOnlyList<MySqlMessage> Rows, byte[] FinalResponse) : MySqlMessage
{
    /// <inheritdoc />
    public override string PacketType => Binary ? "BinaryProtocolResultSet" : "TextResultSet";

    /// <summary>The final packet's payload (without its 4-byte header).</summary>
    public byte[] FinalPayload => FinalResponse.Length >= 4 ? FinalResponse[4..] : FinalResponse;

    /// <summary>The status flags of the final packet (SERVER_MORE_RESULTS_EXISTS tells another result follows); 0 for ERR.</summary>
    public int FinalStatus => StatusOf(FinalPayload);

    /// <summary>Status flags of an EOF or OK (0xFE) payload; 0 for anything else.</summary>
    public static int StatusOf(byte[] p)
    {
        if (EofPacket.Is(p))
        {
            return EofPacket.Decode(p).StatusFlags;
        }

        return p.Length >= 7 && p[0] is 0xFE or 0x00 ? OkPacket.Decode(p).StatusFlags : 0;
    }

    /// <summary>The payloads to send to a client with the given session (EOF packets as its CLIENT_DEPRECATE_EOF wants).</summary>
    public IEnumerable<byte[]> Payloads(MySqlSession live)
    {
        yield return new MySqlWriter().LenEnc(ColumnCount).ToArray();
        foreach (ColumnDefinition41 c in Columns)
        {
            yield return c.Encode(live);
        }

        byte[] final = FinalPayload;
        if (!live.DeprecateEof)
        {
            yield return EofAfterColumns.Length > 4 ? EofAfterColumns[4..] : new EofPacket(0, (ushort)(final[0] == 0xFF ? MySqlServerStatus.Autocommit : StatusOf(final))).Encode(live);
        }

        foreach (MySqlMessage row in Rows)
        {
            yield return row switch
            {
                TextRow t => t.Encode(live),
                BinaryRow b => b.Encode(Columns),
                _ => throw new MySqlProtocolException($"unexpected row {row.PacketType}"),
            };
        }

        yield return AdaptTerminator(final, live);
    }

    /// <summary>An EOF or OK-0xFE terminator in the form the live client expects; ERR and others unchanged.</summary>
    public static byte[] AdaptTerminator(byte[] final, MySqlSession live)
    {
        if (EofPacket.Is(final) && live.DeprecateEof)
        {
            EofPacket eof = EofPacket.Decode(final);
            return new OkPacket(0xFE, 0, 0, eof.StatusFlags, eof.Warnings, Array.Empty<byte>()).Encode(live);
        }

        if (!EofPacket.Is(final) && final.Length >= 7 && final[0] == 0xFE && !live.DeprecateEof)
        {
            OkPacket ok = OkPacket.Decode(final);
            return new EofPacket(ok.Warnings, ok.StatusFlags).Encode(live);
        }

        return final;
    }

    /// <inheritdoc />
    public override YamlNode ToYaml()
    {
        YamlSequenceNode columns = new(), rows = new();
        foreach (ColumnDefinition41 c in Columns)
        {
            columns.Add(c.ToYaml());
        }

        foreach (MySqlMessage r in Rows)
        {
            rows.Add(r is TextRow t ? t.ToYaml(Columns) : ((BinaryRow)r).ToYaml(Columns));
        }

        byte[] final = FinalPayload;
        string type = final.Length > 0 && final[0] == 0xFF ? "ERR" : final.Length > 0 && final[0] == 0xFE ? "EOF" : "OK";
        return Map(("columnCount", UInt(ColumnCount)), ("columns", columns), ("eofAfterColumns", BlockBytes(EofAfterColumns)), ("rows", rows),
            ("FinalResponse", Map(("data", BlockBytes(FinalResponse)), ("type", Str(type)))));
    }

    /// <summary>Reads the <c>message</c> node.</summary>
    public static ResultSet FromYaml(YamlMappingNode m, bool binary, string path)
    {
        List<ColumnDefinition41> columns = Entries(m, "columns").Select((c, i) => ColumnDefinition41.FromYaml(c, $"{path}.columns[{i}]")).ToList();
        List<MySqlMessage> rows = Entries(m, "rows").Select((r, i) => binary
            ? (MySqlMessage)BinaryRow.FromYaml(r, $"{path}.rows[{i}]", columns.Count)
            : TextRow.FromYaml(r, $"{path}.rows[{i}]")).ToList();
        byte[] final = GetBytes(YamlNodes.GetMapping(m, "FinalResponse"), "data", path + ".FinalResponse");
        if (final.Length < 5)
        {
            throw new MySqlProtocolException($"{path}.FinalResponse.data is not a packet");
        }

        return new ResultSet(binary, (ulong)GetInt(m, "columnCount", path, columns.Count), columns, GetBytes(m, "eofAfterColumns", path), rows, final);
    }
}
