using System.Buffers.Binary;
using System.Text;
using Keploy.Core.Protocols.Postgres;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Tests.Postgres;

/// <summary>How <see cref="PostgresMockWriter"/> writes a bundle's payload and its DataRow values (text or binary).</summary>
public sealed class PostgresMockWriterTests
{
    private static PgFrame Frame(char type, byte[] body)
    {
        byte[] raw = new byte[5 + body.Length];
        raw[0] = (byte)type;
        BinaryPrimitives.WriteInt32BigEndian(raw.AsSpan(1), body.Length + 4);
        body.CopyTo(raw, 5);
        return new PgFrame((byte)type, raw);
    }

    private static byte[] DataRowBody(params byte[][] values)
    {
        List<byte> body = new() { 0, (byte)values.Length };
        foreach (byte[] v in values)
        {
            byte[] len = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(len, v.Length);
            body.AddRange(len);
            body.AddRange(v);
        }

        return body.ToArray();
    }

    private static YamlNode Child(YamlNode node, string key) => ((YamlMappingNode)node).Children[new YamlScalarNode(key)];

    [Fact]
    public void PayloadIsEveryFrameInOrderAndRowValuesAreTextOnlyForStrictUtf8()
    {
        PgFrame query = Frame('Q', Encoding.ASCII.GetBytes("select v\0"));
        PgFrame row = Frame('D', DataRowBody(Encoding.UTF8.GetBytes("é-ok"), new byte[] { 0xC3, 0x28 }, new byte[] { 0x41, 0x01 }, new byte[] { 0xED, 0xA0, 0x80 }));
        PgFrame complete = Frame('C', Encoding.ASCII.GetBytes("SELECT 1\0"));
        PgFrame ready = Frame('Z', new[] { (byte)'I' });
        PgExchange x = new(7, new[] { query }, new[] { row, complete, ready }, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, false, -1);

        var mock = PostgresMockWriter.Build(x);

        YamlNode request = ((YamlSequenceNode)Child(mock.Spec, "postgresrequests")).Children[0];
        Assert.Equal(Convert.ToBase64String(query.Raw), ((YamlScalarNode)Child(request, "payload")).Value);
        YamlNode response = ((YamlSequenceNode)Child(mock.Spec, "postgresresponses")).Children[0];
        Assert.Equal(Convert.ToBase64String(row.Raw.Concat(complete.Raw).Concat(ready.Raw).ToArray()), ((YamlScalarNode)Child(response, "payload")).Value);

        YamlNode firstRow = ((YamlSequenceNode)Child(response, "data_row")).Children[0];
        IList<YamlNode> values = ((YamlSequenceNode)Child(firstRow, "row_values")).Children;
        YamlScalarNode text = (YamlScalarNode)values[0];
        Assert.Equal("é-ok", text.Value);
        Assert.Null(text.Tag.IsEmpty ? null : text.Tag.Value);
        foreach ((int i, byte[] raw) in new[] { (1, new byte[] { 0xC3, 0x28 }), (2, new byte[] { 0x41, 0x01 }), (3, new byte[] { 0xED, 0xA0, 0x80 }) })
        {
            YamlScalarNode binary = (YamlScalarNode)values[i];
            Assert.Equal("tag:yaml.org,2002:binary", binary.Tag.Value);
            Assert.Equal(Convert.ToBase64String(raw), binary.Value);
        }
    }
}
