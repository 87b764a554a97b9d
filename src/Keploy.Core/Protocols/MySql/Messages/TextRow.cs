using Keploy.Core.Models;
using Keploy.Core.Storage;
using YamlDotNet.RepresentationModel;
using static Keploy.Core.Protocols.MySql.MySqlYaml;

namespace Keploy.Core.Protocols.MySql.Messages;

/// <summary>ProtocolText::ResultsetRow: one length-encoded string per column, 0xFB for NULL. Values are null for NULL.</summary>
public sealed record TextRow(int PayloadLength, byte SequenceId, IReadOnlyList<byte[]?> Values) : MySqlSinglePacket
{
    /// <inheritdoc />
    public override string PacketType => "TextRow";

    /// <summary>Decodes a row packet of <paramref name="columns"/> values.</summary>
    public static TextRow Decode(MySqlPacket packet, int columns)
    {
        MySqlReader r = new(packet.Payload, "text row");
        byte[]?[] values = new byte[columns][];
        for (int i = 0; i < columns; i++)
        {
            values[i] = r.LenEncBytesOrNull("column value");
        }

        return new TextRow(packet.Payload.Length, packet.SequenceId, values);
    }

    /// <inheritdoc />
    public override byte[] Encode(MySqlSession session)
    {
        MySqlWriter w = new();
        foreach (byte[]? v in Values)
        {
            w.LenEncBytes(v ?? Array.Empty<byte>(), isNull: v is null);
        }

        return w.ToArray();
    }

    /// <inheritdoc />
    public override YamlNode ToYaml() => ToYaml(Array.Empty<ColumnDefinition41>());

    /// <summary>The row node with each value's column type, name and unsigned flag, as Keploy writes it.</summary>
    public YamlMappingNode ToYaml(IReadOnlyList<ColumnDefinition41> columns)
    {
        YamlSequenceNode values = new();
        for (int i = 0; i < Values.Count; i++)
        {
            ColumnDefinition41? c = i < columns.Count ? columns[i] : null;
            values.Add(Map(("type", Int(c?.Type ?? 253)), ("name", Str(c?.Name ?? "")), ("value", Values[i] is { } v ? Text(v) : Null()), ("unsigned", Bool(c?.Unsigned ?? false))));
        }

        return Map(("header", Header(PayloadLength, SequenceId)), ("values", values));
    }

    /// <summary>Reads a row node.</summary>
    public static TextRow FromYaml(YamlMappingNode m, string path)
    {
        YamlMappingNode? h = YamlNodes.GetMapping(m, "header");
        List<byte[]?> values = new();
        foreach (YamlMappingNode v in Entries(m, "values"))
        {
            YamlScalarNode? s = YamlNodes.Get(v, "value") as YamlScalarNode;
            values.Add(s is null || YamlNodes.IsNull(s) ? null : KeployYaml.GetBytes(s));
        }

        return new TextRow((int)GetInt(h, "payload_length", path, 0), SequenceOf(h), values);
    }
}
