using Keploy.Core.Models;
using Keploy.Core.Protocols.Grpc;
using Keploy.Core.Storage;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Tests.Grpc;

public class ProtoscopeTests
{
    /// <summary>Every <c>decoded_data</c> Keploy wrote in the gRPC fixtures, with its <c>message_length</c>.</summary>
    public static TheoryData<string, string, long> KeployMessages()
    {
        TheoryData<string, string, long> data = new();
        string root = Path.Combine(TestPaths.Fixtures, "samples-go");
        foreach (string file in new[] { "go-grpc", "grpc-mongo" }.SelectMany(d => Directory.EnumerateFiles(Path.Combine(root, d), "*.yaml", SearchOption.AllDirectories)).Order(StringComparer.Ordinal))
        {
            int n = 0;
            foreach ((YamlNode node, SourceLocation _) in KeployYaml.ReadNodes(file))
            {
                foreach (YamlMappingNode body in Bodies(node))
                {
                    string text = YamlNodes.GetString(body, "decoded_data") ?? "";
                    if (YamlNodes.GetInt64(body, "compression_flag") == 0)
                    {
                        data.Add($"{Path.GetRelativePath(root, file)}#{n++}", text, YamlNodes.GetInt64(body, "message_length"));
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KeployMessages))]
    public void KeployDecodedData_AssemblesToItsMessageLength_AndDisassemblesToTheSameText(string where, string text, long length)
    {
        byte[] payload = Protoscope.Assemble(text);
        Assert.True(length == payload.Length, $"{where}: {payload.Length} bytes assembled, message_length {length}");
        Assert.Equal(text, Protoscope.Disassemble(payload));
    }

    [Fact]
    public void FixturesHoldGrpcMessages()
    {
        Assert.True(KeployMessages().Count >= 8, "expected the go-grpc and grpc-mongo fixtures' messages");
    }

    [Theory]
    [InlineData("0a05616c706861", "1: {\"alpha\"}\n")]
    [InlineData("0801121073656564656420313020746f6b656e73", "1: 1\n2: {\"seeded 10 tokens\"}\n")]
    [InlineData("08ffffffffffffffffff01", "1: -1\n")]
    [InlineData("0a00", "1: {}\n")]
    [InlineData("0a03ff00fe", "1: {`ff00fe`}\n")]
    [InlineData("0a050a03616263", "1: {1: {\"abc\"}}\n")]
    [InlineData("29000000000000f83f", "5: 1.5  # 0x3ff8000000000000i64\n")]
    [InlineData("0a026869", "1: {13: 105}\n")] // "hi" is also a valid message (field 13 = 105), and protoscope prefers that
    [InlineData("0a0568656c6c6f", "1: {\"hello\"}\n")]
    [InlineData("000102", "`000102`\n")]
    public void Disassemble_WritesProtoscopeLayout_AndAssembleInvertsIt(string hex, string text)
    {
        byte[] bytes = Convert.FromHexString(hex);
        Assert.Equal(text, Protoscope.Disassemble(bytes));
        Assert.Equal(hex, Convert.ToHexString(Protoscope.Assemble(text)).ToLowerInvariant());
    }

    [Fact]
    public void NestedMessages_FoldShortBlocks_AndIndentLongOnes()
    {
        // Quote{symbol "ACME", name "Acme Corporation", price_cents 12345, tick 2, change_percent 0.0729} inside a repeated field.
        byte[] quote = Protoscope.Assemble("1: {\"ACME\"}\n2: {\"Acme Corporation\"}\n3: 12345\n4: 2\n5: 0.0729\n");
        byte[] outer = Protoscope.Assemble("1: {" + Protoscope.Disassemble(quote) + "}\n1: {" + Protoscope.Disassemble(quote) + "}");
        string text = Protoscope.Disassemble(outer);
        Assert.StartsWith("1: {\n  1: {\"ACME\"}\n  2: {\"Acme Corporation\"}\n  3: 12345\n  4: 2\n  5: 0.0729", text);
        Assert.Equal(outer, Protoscope.Assemble(text));
    }

    [Theory]
    [InlineData("1: {\"abc\"", "missing '}'")]
    [InlineData("1: {\"abc}", "1:5: unterminated string")]
    [InlineData("1: 12x", "'12x' is not a number")]
    [InlineData("`abc`", "odd number of hex digits")]
    [InlineData("1: 2\n}", "protoscope 2:1: unexpected '}'")]
    public void BadText_IsOneLineErrorNamingThePlace(string text, string message)
    {
        FormatException e = Assert.Throws<FormatException>(() => Protoscope.Assemble(text));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void RandomBytes_AlwaysRoundTrip()
    {
        Random random = new(20261202);
        for (int i = 0; i < 2000; i++)
        {
            byte[] bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            string text = Protoscope.Disassemble(bytes);
            Assert.True(bytes.AsSpan().SequenceEqual(Protoscope.Assemble(text)), $"{Convert.ToHexString(bytes)} -> {text}");
        }
    }

    private static IEnumerable<YamlMappingNode> Bodies(YamlNode node)
    {
        if (node is YamlMappingNode map)
        {
            foreach ((YamlNode key, YamlNode value) in map.Children)
            {
                if (key is YamlScalarNode { Value: "body" } && value is YamlMappingNode body && YamlNodes.Get(body, "decoded_data") is not null)
                {
                    yield return body;
                }

                foreach (YamlMappingNode inner in Bodies(value))
                {
                    yield return inner;
                }
            }
        }
        else if (node is YamlSequenceNode seq)
        {
            foreach (YamlMappingNode inner in seq.Children.SelectMany(Bodies))
            {
                yield return inner;
            }
        }
    }
}
