using YamlDotNet.RepresentationModel;
using static Keploy.Core.Protocols.MySql.MySqlYaml;

namespace Keploy.Core.Protocols.MySql.Messages;

/// <summary>Protocol::ColumnDefinition41 (MySQL docs "Column Definition"), with the header of its packet as Keploy keeps it.</summary>
public sealed record ColumnDefinition41(int PayloadLength, byte SequenceId, string Catalog, string Schema, string Table, string OrgTable, string Name,
    string OrgName, ulong FixedLength, ushort CharacterSet, uint ColumnLength, byte Type, ushort Flags, byte Decimals, byte[] Filler) : MySqlSinglePacket
{
    /// <inheritdoc />
    public override string PacketType => "ColumnDefinition41";

    /// <summary>True when the column is UNSIGNED.</summary>
    public bool Unsigned => (Flags & MySqlFieldType.UnsignedFlag) != 0;

    /// <summary>Decodes a packet.</summary>
    public static ColumnDefinition41 Decode(MySqlPacket packet)
    {
        MySqlReader r = new(packet.Payload, "ColumnDefinition41");
        string catalog = r.LenEncString("catalog"), schema = r.LenEncString("schema"), table = r.LenEncString("table"), orgTable = r.LenEncString("org_table");
        string name = r.LenEncString("name"), orgName = r.LenEncString("org_name");
        ulong fixedLength = r.LenEnc("fixed_length");
        ushort charset = r.U16("character_set");
        uint length = r.U32("column_length");
        byte type = r.U8("type");
        ushort flags = r.U16("flags");
        byte decimals = r.U8("decimals");
        byte[] filler = r.RestBytes();
        return new ColumnDefinition41(packet.Payload.Length, packet.SequenceId, catalog, schema, table, orgTable, name, orgName, fixedLength, charset, length, type, flags, decimals, filler);
    }

    /// <inheritdoc />
    public override byte[] Encode(MySqlSession session) => new MySqlWriter().LenEncString(Catalog).LenEncString(Schema).LenEncString(Table).LenEncString(OrgTable)
        .LenEncString(Name).LenEncString(OrgName).LenEnc(FixedLength).U16(CharacterSet).U32(ColumnLength).U8(Type).U16(Flags).U8(Decimals).Bytes(Filler).ToArray();

    /// <inheritdoc />
    public override YamlNode ToYaml() => Map(("header", Header(PayloadLength, SequenceId)), ("catalog", Str(Catalog)), ("schema", Str(Schema)), ("table", Str(Table)),
        ("org_table", Str(OrgTable)), ("name", Str(Name)), ("org_name", Str(OrgName)), ("fixed_length", UInt(FixedLength)), ("character_set", Int(CharacterSet)),
        ("column_length", Int(ColumnLength)), ("type", Int(Type)), ("flags", Int(Flags)), ("decimals", Int(Decimals)), ("filler", BlockBytes(Filler)),
        ("defaultValue", Str("")));

    /// <summary>Reads a column node.</summary>
    public static ColumnDefinition41 FromYaml(YamlMappingNode m, string path)
    {
        YamlMappingNode? h = Keploy.Core.Models.YamlNodes.GetMapping(m, "header");
        return new ColumnDefinition41((int)GetInt(h, "payload_length", path, 0), SequenceOf(h), GetStr(m, "catalog", "def"), GetStr(m, "schema"), GetStr(m, "table"),
            GetStr(m, "org_table"), GetStr(m, "name"), GetStr(m, "org_name"), (ulong)GetInt(m, "fixed_length", path, 12), (ushort)GetInt(m, "character_set", path, 0),
            (uint)GetInt(m, "column_length", path, 0), (byte)GetInt(m, "type", path), (ushort)GetInt(m, "flags", path, 0), (byte)GetInt(m, "decimals", path, 0),
            Keploy.Core.Models.YamlNodes.Get(m, "filler") is null ? new byte[2] : GetBytes(m, "filler", path));
    }
}
