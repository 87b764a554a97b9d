using Keploy.Core.Models;
using Keploy.Core.Protocols.Grpc;
using Keploy.Core.Storage;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Tests.Grpc;

/// <summary>Every message Keploy wrote in the gRPC fixtures: its text parses to message_length bytes and is written back the same.</summary>
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
        byte[] payload = ProtoscopeText.Parse(text);
        Assert.True(length == payload.Length, $"{where}: {payload.Length} bytes assembled, message_length {length}");
        Assert.Equal(text, ProtoscopeText.Write(payload));
    }

    [Fact]
    public void FixturesHoldGrpcMessages()
    {
        Assert.True(KeployMessages().Count >= 8, "expected the go-grpc and grpc-mongo fixtures' messages");
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
