using Keploy.Core.Models;
using Keploy.Core.Storage;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Tests.Storage;

public class KeployYamlErrorAndStyleTests
{
    [Fact]
    public void MalformedTestCase_GivesFileLineColumn()
    {
        string dir = StorageTestPaths.NewTempDir();
        string path = Path.Combine(dir, "test-1.yaml");
        File.WriteAllText(path, "version: api.keploy.io/v1beta1\nkind: Http\nname: test-1\nspec:\n  req:\n    method: [GET\n  resp: {}\n");
        var ex = Assert.Throws<KeployFormatException>(() => KeployYaml.ReadTestCases(path).ToList());
        Assert.Equal(path, ex.Location.File);
        Assert.Equal(7, ex.Location.Line);
        Assert.StartsWith(path + ":7:", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void SecondDocumentError_IsReportedAfterTheFirstWasYielded()
    {
        string text = "kind: Http\nname: mock-0\nspec: {}\n---\nkind: Http\nname: mock-1\nspec:\n    a: b\n   c: d\n";
        var yielded = new List<string>();
        var ex = Assert.Throws<KeployFormatException>(() =>
        {
            foreach ((YamlNode root, SourceLocation loc) in KeployYaml.ReadNodes(new StringReader(text), "mocks.yaml"))
            {
                yielded.Add(KeployYaml.FromNode<Mock>(root, loc).Name);
            }
        });
        Assert.Equal(["mock-0"], yielded);
        Assert.Equal(new SourceLocation("mocks.yaml", 9, 4), ex.Location);
    }

    [Fact]
    public void NonMappingDocument_IsAnError_WithItsLocation()
    {
        var ex = Assert.Throws<KeployFormatException>(() =>
            KeployYaml.ReadNodes(new StringReader("kind: Http\n---\n- a\n"), "m.yaml").Select(d => KeployYaml.FromNode<Mock>(d.Root, d.Location)).ToList());
        Assert.Equal(new SourceLocation("m.yaml", 3, 1), ex.Location);
    }

    [Fact]
    public void DocumentLocations_PointAtEachDocumentStart()
    {
        string fixture = Path.Combine(StorageTestPaths.Fixtures, "samples-java", "employee-manager", "keploy", "test-set-2", "mocks.yaml");
        List<Mock> mocks = KeployYaml.ReadMocks(fixture).Take(2).ToList();
        Assert.Equal(2, mocks[0].Location!.Value.Line);
        Assert.Equal(25, mocks[1].Location!.Value.Line);
        Assert.Equal("0", mocks[0].ConnectionId);
    }

    [Fact]
    public void FreshNodes_AreWrittenInYamlV3Style()
    {
        var header = new YamlMappingNode
        {
            { "Accept", KeployYaml.Str("*/*") },
            { "Content-Length", KeployYaml.Str("29") },
            { "Host", KeployYaml.Str("localhost:9090") },
            { "X-Empty", KeployYaml.Str("") },
            { "X-Bool", KeployYaml.Str("true") },
            { "X-Date", KeployYaml.Str("2025-10-16") },
            { "X-Tab", KeployYaml.Str("a\tb") },
            { "X-Colon", KeployYaml.Str("a: b") },
        };
        var req = new YamlMappingNode
        {
            { "header", header },
            { "body", KeployYaml.Str("{\"a\":1}\n") },
            { "salt", KeployYaml.FlowInts([0, 0, 255]) },
            { "payload", KeployYaml.BytesOrString([0xff, 0xfe, 0x00]) },
            { "timestamp", KeployYaml.Timestamp(new DateTimeOffset(2025, 10, 16, 10, 55, 58, TimeSpan.Zero)) },
            { "list", new YamlSequenceNode(new YamlMappingNode { { "a", KeployYaml.Int(1) }, { "b", new YamlMappingNode { { "c", KeployYaml.Bool(true) } } } }) },
            { "meta", new YamlMappingNode { { "connID", KeployYaml.Str("2") } } },
        };
        ((YamlMappingNode)req["meta"]).Style = YamlDotNet.Core.Events.MappingStyle.Flow;
        string text = KeployYamlWriter.ToText(new YamlMappingNode { { "req", req } }, 4);
        Assert.Equal(
            "req:\n" +
            "    header:\n" +
            "        Accept: '*/*'\n" +
            "        Content-Length: \"29\"\n" +
            "        Host: localhost:9090\n" +
            "        X-Empty: \"\"\n" +
            "        X-Bool: \"true\"\n" +
            "        X-Date: \"2025-10-16\"\n" +
            "        X-Tab: \"a\\tb\"\n" +
            "        'X-Colon': 'a: b'\n".Replace("'X-Colon'", "X-Colon") +
            "    body: |\n" +
            "        {\"a\":1}\n" +
            "    salt: [0, 0, 255]\n" +
            "    payload: !!binary //4A\n" +
            "    timestamp: 2025-10-16T10:55:58Z\n" +
            "    list:\n" +
            "        - a: 1\n" +
            "          b:\n" +
            "            c: true\n" +
            "    meta: {connID: \"2\"}\n",
            text);

        YamlMappingNode back = (YamlMappingNode)KeployYaml.ReadNodes(new StringReader(text), "x").Single().Root;
        YamlScalarNode payload = (YamlScalarNode)((YamlMappingNode)back["req"])["payload"];
        Assert.True(KeployYaml.IsBinary(payload));
        Assert.Equal(new byte[] { 0xff, 0xfe, 0x00 }, KeployYaml.GetBytes(payload));
    }

    [Fact]
    public void LongBinary_IsSplitInto70CharacterLines_InABlockScalar()
    {
        byte[] bytes = Enumerable.Range(0, 120).Select(i => (byte)(0x80 + (i % 100))).ToArray();
        string text = KeployYamlWriter.ToText(new YamlMappingNode { { "body", KeployYaml.BytesOrString(bytes) } }, 4);
        string[] lines = text.Split('\n');
        Assert.Equal("body: !!binary |", lines[0]);
        Assert.Equal(4 + 70, lines[1].Length);
        YamlScalarNode back = (YamlScalarNode)((YamlMappingNode)KeployYaml.ReadNodes(new StringReader(text), "x").Single().Root)["body"];
        Assert.Equal(bytes, KeployYaml.GetBytes(back));
    }
}

public class YamlNodesContractTests
{
    [Fact]
    public void YamlNodesInt_IsWrittenAsANumber_WhileAStringOfDigitsIsQuoted()
    {
        var map = new YamlDotNet.RepresentationModel.YamlMappingNode { { "status_code", Keploy.Core.Models.YamlNodes.Int(200) }, { "Content-Length", Keploy.Core.Storage.KeployYaml.Str("29") } };
        Assert.Equal("status_code: 200\nContent-Length: \"29\"\n", Keploy.Core.Storage.KeployYamlWriter.ToText(map, 4));
    }
}
