using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Tests.Http;

public sealed class HttpSpecFixtureTests
{
    public static IEnumerable<object[]> HttpFixtureFiles()
    {
        return Directory.EnumerateFiles(HttpTestPaths.Fixtures, "*.yaml", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}reports{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f).Contains("kind: Http\n", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => new object[] { Path.GetRelativePath(HttpTestPaths.Fixtures, f) });
    }

    [Fact]
    public void AllKnownHttpFixturesAreFound()
    {
        Assert.True(HttpFixtureFiles().Count() >= 13, string.Join(", ", HttpFixtureFiles().Select(f => f[0])));
    }

    [Theory]
    [MemberData(nameof(HttpFixtureFiles))]
    public void FixtureParsesIntoTheTypedViewAndBackToAnEqualTree(string relative)
    {
        string path = Path.Combine(HttpTestPaths.Fixtures, relative);
        YamlStream stream = new();
        using (StreamReader reader = new(path))
        {
            stream.Load(reader);
        }

        int checkedDocs = 0;
        foreach (YamlDocument doc in stream.Documents)
        {
            YamlMappingNode root = (YamlMappingNode)doc.RootNode;
            if (YamlNodes.GetString(root, "kind") != "Http")
            {
                continue;
            }

            YamlMappingNode spec = YamlNodes.GetMapping(root, "spec")!;
            string name = YamlNodes.GetString(root, "name")!;
            string where = $"{relative} {name}";
            if (relative.EndsWith("mocks.yaml", StringComparison.Ordinal))
            {
                Mock mock = new() { Kind = "Http", Name = name, Spec = spec };
                HttpMockSpec view = HttpSpec.FromMock(mock);
                AssertTreeEqual(YamlNodes.Get(spec, "req")!, HttpSpec.WriteRequest(view.Request, view.Request.Timestamp), where + " req", ".req");
                AssertTreeEqual(YamlNodes.Get(spec, "resp")!, HttpSpec.WriteResponse(view.Response, view.Response.Timestamp), where + " resp", ".resp");
                Assert.Equal("Http", view.Metadata["name"]);
                Assert.Equal(view.Request.Method, view.Metadata["operation"]);
                Mock rebuilt = HttpSpec.CreateMock(view.Request, view.Response, 0, mock.RequestTimestamp!.Value, mock.ResponseTimestamp!.Value, name);
                Assert.Equal(
                    ["metadata", "req", "resp", "objects", "created", "reqTimestampMock", "resTimestampMock"],
                    rebuilt.Spec.Children.Keys.Select(k => ((YamlScalarNode)k).Value));
                AssertTreeEqual(YamlNodes.Get(spec, "req")!, YamlNodes.Get(rebuilt.Spec, "req")!, where + " rebuilt req", ".req");
                Assert.Equal(mock.RequestTimestamp, rebuilt.RequestTimestamp);
            }
            else
            {
                TestCase tc = new() { Kind = "Http", Name = name, Spec = spec };
                HttpTestCaseSpec view = HttpSpec.FromTestCase(tc);
                Assert.StartsWith("http://", view.Request.Url, StringComparison.Ordinal);
                TestCase rebuilt = HttpSpec.CreateTestCase(name, view.Request, view.Response, view.Noise, view.AppPort, view.Created);
                if (YamlNodes.Get(YamlNodes.GetMapping(spec, "assertions"), "noise") is YamlSequenceNode)
                {
                    // 2023 list form: read as "always ignore" paths, written in today's map form.
                    Assert.All(view.Noise.Values, Assert.Empty);
                    AssertTreeEqual(YamlNodes.Get(spec, "req")!, YamlNodes.Get(rebuilt.Spec, "req")!, where + " req", ".req");
                    AssertTreeEqual(YamlNodes.Get(spec, "resp")!, YamlNodes.Get(rebuilt.Spec, "resp")!, where + " resp", ".resp");
                }
                else
                {
                    AssertTreeEqual(spec, rebuilt.Spec, where);
                }

                string? curl = YamlNodes.GetString(root, "curl");
                Assert.NotNull(curl);
                Assert.StartsWith($"curl --request {view.Request.Method} \\\n  --url {view.Request.Url} \\\n", rebuilt.Curl, StringComparison.Ordinal);
            }

            checkedDocs++;
        }

        Assert.True(checkedDocs > 0);
    }

    [Fact]
    public void BinaryBodiesReadAndWriteAsTaggedBase64()
    {
        YamlStream stream = new();
        stream.Load(new StringReader("req:\n    method: POST\n    url: /v2/track\n    header: {Content-Encoding: gzip}\n    body: !!binary |\n        H4sIAAAAAAAA/w==\n"));
        YamlMappingNode req = (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode).Children[new YamlScalarNode("req")];
        HttpRequestRecord record = HttpSpec.ReadRequest(req, new SourceLocation("inline", 1, 1));
        Assert.True(record.Body.IsBinary);
        Assert.Equal(Convert.FromBase64String("H4sIAAAAAAAA/w=="), record.Body.Bytes);
        YamlScalarNode written = (YamlScalarNode)YamlNodes.Get(HttpSpec.WriteRequest(record, KeployTime.Zero), "body")!;
        Assert.Equal(HttpSpec.BinaryTag, written.Tag.Value);
        Assert.Equal("H4sIAAAAAAAA/w==", written.Value);
    }

    [Fact]
    public void MissingReqIsAOneLineFormatError()
    {
        TestCase tc = new() { Kind = "Http", Name = "test-9", Location = new SourceLocation("tests/test-9.yaml", 4, 1), Spec = new YamlMappingNode() };
        KeployFormatException ex = Assert.Throws<KeployFormatException>(() => HttpSpec.FromTestCase(tc));
        Assert.Equal("tests/test-9.yaml:4:1: Http spec has no 'req' mapping", ex.Message);
    }

    private static void AssertTreeEqual(YamlNode expected, YamlNode actual, string where, string key = "")
    {
        switch (expected)
        {
            case YamlMappingNode em:
            {
                YamlMappingNode am = Assert.IsType<YamlMappingNode>(actual);
                string[] ek = em.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Where(k => k != "body_type").ToArray();
                string[] ak = am.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToArray();
                if (key.EndsWith(".header", StringComparison.Ordinal) || key.EndsWith(".url_params", StringComparison.Ordinal))
                {
                    // Keploy 2.x writes these maps sorted (Go yaml.v3); 3-dev keeps wire order. We write sorted: compare as maps.
                    ek = ek.Order(StringComparer.Ordinal).ToArray();
                    ak = ak.Order(StringComparer.Ordinal).ToArray();
                }

                if (!ek.Contains("timestamp") && ak.Contains("timestamp") && (key.EndsWith(".req", StringComparison.Ordinal) || key.EndsWith(".resp", StringComparison.Ordinal)))
                {
                    // 2023 files (body_type, no timestamp): our writer adds the zero timestamp.
                    ak = ak.Where(k => k != "timestamp").ToArray();
                }

                Assert.True(ek.SequenceEqual(ak), $"{where} {key}: keys [{string.Join(", ", ek)}] vs [{string.Join(", ", ak)}]");
                foreach (KeyValuePair<YamlNode, YamlNode> pair in em.Children.Where(p => ((YamlScalarNode)p.Key).Value != "body_type"))
                {
                    string k = ((YamlScalarNode)pair.Key).Value!;
                    AssertTreeEqual(pair.Value, am.Children[pair.Key], where, key + "." + k);
                }

                break;
            }

            case YamlSequenceNode es:
            {
                YamlSequenceNode @as = Assert.IsType<YamlSequenceNode>(actual);
                Assert.True(es.Children.Count == @as.Children.Count, $"{where} {key}: sequence length");
                for (int i = 0; i < es.Children.Count; i++)
                {
                    AssertTreeEqual(es.Children[i], @as.Children[i], where, $"{key}[{i}]");
                }

                break;
            }

            case YamlScalarNode e:
            {
                YamlScalarNode a = Assert.IsType<YamlScalarNode>(actual);
                if (key.EndsWith("timestamp", StringComparison.OrdinalIgnoreCase))
                {
                    // .NET keeps 100 ns ticks: compare the instants (nanosecond digits beyond 7 are truncated on read).
                    Assert.Equal(KeployTime.TryParseNullable(e.Value), KeployTime.TryParseNullable(a.Value));
                }
                else
                {
                    Assert.True(e.Value == a.Value, $"{where} {key}: '{e.Value}' vs '{a.Value}'");
                }

                break;
            }
        }
    }
}
