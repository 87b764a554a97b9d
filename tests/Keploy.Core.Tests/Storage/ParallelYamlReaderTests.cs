using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Replay;
using Keploy.Core.Storage;

namespace Keploy.Core.Tests.Storage;

/// <summary>
/// Mocks read on all cores (<see cref="ParallelYamlReader"/>, behind <see cref="KeployYaml.ReadMocks(string)"/>) come out as the
/// sequential reader gives them: every one, in file order, across batches; the first error in file order, after every mock before
/// it; and YamlDotNet's own error where a document only fails in context.
/// </summary>
public class ParallelYamlReaderTests
{
    private const int Count = ParallelYamlReader.BatchDocuments * 2 + 300;

    [Fact]
    public void ThousandsOfMocks_AcrossBatches_ComeOutInFileOrder_AsTheSequentialReaderGivesThem()
    {
        string path = WriteMocks(Count, (i, doc) => i == 700 ? doc.Replace("name: Http", "name: &n Http", StringComparison.Ordinal) : doc);
        List<Mock> parallel = KeployYaml.ReadMocks(path).ToList();
        List<Mock> sequential = KeployYaml.ReadNodes(path).Select(n => KeployYaml.FromNode<Mock>(n.Root, n.Location)).ToList();
        Assert.Equal(Enumerable.Range(0, Count).Select(i => $"mock-{i}"), parallel.Select(m => m.Name));
        Assert.Equal(sequential.Select(m => (m.Name, m.Location)), parallel.Select(m => (m.Name, m.Location)));
        Assert.Equal("Http", HttpSpec.FromMock(parallel[700]).Metadata["name"]); // the anchored one, read by YamlDotNet alone

        List<Mock> compact = KeployYaml.ReadMocks(path, MockCompaction.ForReplay).ToList();
        Assert.Equal(Count, compact.Count);
        Assert.All(compact, m => Assert.False(m.IsSpecLoaded));
        Assert.Equal("http://catalog.local/items/KB-1234", HttpSpec.FromMock(compact[1234]).Request.Url);
        Assert.Equal("http://catalog.local/items/KB-1234", YamlNodes.GetString(YamlNodes.GetMapping(compact[1234].Spec, "req"), "url")); // read again from the file
    }

    [Fact]
    public void TheFirstErrorInFileOrder_IsThrown_AfterEveryMockBeforeIt()
    {
        string path = WriteMocks(Count, (i, doc) => i switch
        {
            900 => doc.Replace("status_code: 200", "status_code: abc", StringComparison.Ordinal),
            1000 => doc.Replace("method: GET", "method: [GET", StringComparison.Ordinal),
            _ => doc,
        });
        var read = new List<string>();
        KeployFormatException error = Assert.Throws<KeployFormatException>(() =>
        {
            foreach (Mock m in KeployYaml.ReadMocks(path))
            {
                read.Add(m.Name);
            }
        });
        Assert.Equal(900, read.Count);
        Assert.Contains("spec.resp.status_code: expected an integer 100..999, found 'abc'", error.Message, StringComparison.Ordinal);
        int line = File.ReadLines(path).Select((l, n) => (l, n)).First(x => x.l.Contains("status_code: abc", StringComparison.Ordinal)).n + 1;
        Assert.StartsWith($"{path}:{line}:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADocumentThatFailsOnlyInContext_GivesYamlDotNetsError()
    {
        // An unclosed quote runs into the next "---": alone, the document ends early; in the file, YamlDotNet meets the marker.
        string path = WriteMocks(Count, (i, doc) => i == 600 ? doc.Replace("url: http", "url: \"http", StringComparison.Ordinal) : doc);
        string expected = Assert.Throws<KeployFormatException>(() => KeployYaml.ReadNodesWithYamlDotNet(new StreamReader(path), path, YamlLimits.Default).ToList()).Message;
        int read = 0;
        KeployFormatException error = Assert.Throws<KeployFormatException>(() =>
        {
            foreach (Mock unused in KeployYaml.ReadMocks(path))
            {
                read++;
            }
        });
        Assert.Equal(expected, error.Message);
        Assert.Equal(600, read);
    }

    private static string WriteMocks(int count, Func<int, string, string> edit)
    {
        DateTimeOffset t0 = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
        IEnumerable<string> docs = Enumerable.Range(0, count).Select(i =>
        {
            var request = new HttpRequestRecord { Method = "GET", Url = $"http://catalog.local/items/KB-{i}", Timestamp = t0 };
            var response = new HttpResponseRecord { StatusCode = 200, Body = HttpBody.FromText($"{{\"n\":{i}}}"), Timestamp = t0 };
            Mock mock = HttpSpec.CreateMock(request, response, i, t0, t0, $"mock-{i}");
            string text = KeployYaml.FormatFile([KeployYaml.ToNode(mock)], KeployYaml.MockIndent, header: false);
            return edit(i, text);
        });
        string path = Path.Combine(StorageTestPaths.NewTempDir(), "mocks.yaml");
        File.WriteAllText(path, KeployYaml.HeaderLine + "\n" + string.Join("---\n", docs));
        return path;
    }
}
