using Keploy.Core.Models;
using YamlDotNet.RepresentationModel;
using static Keploy.Core.Protocols.MySql.MySqlYaml;

namespace Keploy.Core.Protocols.MySql.Messages;

/// <summary>
/// ProtocolBinary::ResultsetRow: header 0x00, a NULL bitmap with a 2-bit offset, then the non-NULL values in the binary protocol
/// (<see cref="MySqlBinaryValue"/>). Keploy writes the bitmap as <c>rowNullBuffer</c> and <c>okAfterRow: true</c>.
/// </summary>
public sealed record BinaryRow(int PayloadLength, byte SequenceId, byte[] NullBitmap, IReadOnlyList<YamlNode> Values) : MySqlMessage
{
    /// <inheritdoc />
    public override string PacketType => "BinaryRow";

    /// <summary>True when column <paramref name="i"/> is NULL.</summary>
    public bool IsNull(int i) => ((i + 2) / 8) < NullBitmap.Length && (NullBitmap[(i + 2) / 8] & (1 << ((i + 2) % 8))) != 0;

    /// <summary>Decodes a row packet of the given columns.</summary>
    public static BinaryRow Decode(MySqlPacket packet, IReadOnlyList<ColumnDefinition41> columns)
    {
        MySqlReader r = new(packet.Payload, "binary row");
        r.U8("header");
        byte[] bitmap = r.Bytes((columns.Count + 7 + 2) / 8, "null_bitmap");
        BinaryRow row = new(packet.Payload.Length, packet.SequenceId, bitmap, Array.Empty<YamlNode>());
        List<YamlNode> values = new();
        for (int i = 0; i < columns.Count; i++)
        {
            values.Add(row.IsNull(i) ? Null() : MySqlBinaryValue.Read(ref r, columns[i].Type, columns[i].Unsigned));
        }

        return row with { Values = values };
    }

    /// <summary>The payload.</summary>
    public byte[] Encode(IReadOnlyList<ColumnDefinition41> columns)
    {
        MySqlWriter w = new MySqlWriter().U8(0).Bytes(NullBitmap);
        for (int i = 0; i < columns.Count && i < Values.Count; i++)
        {
            if (!IsNull(i))
            {
                MySqlBinaryValue.Write(w, columns[i].Type, columns[i].Unsigned, Values[i], $"binary row column {columns[i].Name}");
            }
        }

        return w.ToArray();
    }

    /// <inheritdoc />
    public override YamlNode ToYaml() => ToYaml(Array.Empty<ColumnDefinition41>());

    /// <summary>The row node as Keploy writes it.</summary>
    public YamlMappingNode ToYaml(IReadOnlyList<ColumnDefinition41> columns)
    {
        YamlSequenceNode values = new();
        for (int i = 0; i < Values.Count; i++)
        {
            ColumnDefinition41? c = i < columns.Count ? columns[i] : null;
            values.Add(Map(("type", Int(c?.Type ?? 253)), ("name", Str(c?.Name ?? "")), ("value", Values[i]), ("unsigned", Bool(c?.Unsigned ?? false))));
        }

        return Map(("header", Header(PayloadLength, SequenceId)), ("values", values), ("okAfterRow", Bool(true)), ("rowNullBuffer", BlockBytes(NullBitmap)));
    }

    /// <summary>Reads a row node.</summary>
    public static BinaryRow FromYaml(YamlMappingNode m, string path, int columns)
    {
        YamlMappingNode? h = YamlNodes.GetMapping(m, "header");
        List<YamlNode> values = Entries(m, "values").Select(v => YamlNodes.Get(v, "value") ?? Null()).ToList();
        byte[] bitmap = GetBytes(m, "rowNullBuffer", path);
        if (bitmap.Length == 0)
        {
            bitmap = new byte[(columns + 7 + 2) / 8];
            for (int i = 0; i < values.Count; i++)
            {
                if (values[i] is YamlScalarNode s && YamlNodes.IsNull(s))
                {
                    bitmap[(i + 2) / 8] |= (byte)(1 << ((i + 2) % 8));
                }
            }
        }

        return new BinaryRow((int)GetInt(h, "payload_length", path, 0), SequenceOf(h), bitmap, values);
    }
}
