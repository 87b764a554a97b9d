using System.Globalization;
using System.Text;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Replay;
using Keploy.Core.Sanitize;
using Keploy.Core.Storage;

namespace Keploy.Core.Tests.Http;

/// <summary>
/// <see cref="HttpMockReader"/> (mocks read straight from parsing events for replay) against the node path it shortcuts
/// (node tree, <see cref="KeployDocumentValidator"/>, <see cref="MockCompaction.ForReplay"/>): on Keploy's own recordings, on
/// this tool's writer and on mutated documents (nulls, tags, quoted integers, repeated and unknown keys, placeholders, bad
/// values), both paths give the same mocks, views and errors, and the canonical shapes are read by the direct path.
/// </summary>
public sealed class HttpMockReaderTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "keploy-httpmockreader-" + Guid.NewGuid().ToString("N"));

    public HttpMockReaderTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Canonical = """
        version: api.keploy.io/v1beta1
        kind: Http
        name: mock-3
        spec:
            metadata:
                connID: "7"
                name: Http
                operation: GET
                type: config
            req:
                method: GET
                proto_major: 1
                proto_minor: 1
                url: http://catalog.local:5200/items/KB-001?view=full
                url_params:
                    view: full
                header:
                    Accept: application/json
                    Host: catalog.local:5200
                body: ""
                timestamp: 0001-01-01T00:00:00Z
            resp:
                status_code: 200
                header:
                    Content-Length: "29"
                    Content-Type: application/json; charset=utf-8
                body: '{"sku":"KB-001","stock":4}'
                status_message: OK
                proto_major: 0
                proto_minor: 0
                timestamp: 0001-01-01T00:00:00Z
            objects: []
            created: 1796417277
            reqTimestampMock: 2026-12-04T20:47:57.6356407Z
            resTimestampMock: 2026-12-04T20:47:57.6366407+05:30

        """;

    /// <summary>Line edits of <see cref="Canonical"/>: each replaces the first line starting with the first text (after its
    /// indentation) by the second, or removes it when the second is null.</summary>
    public static IEnumerable<object?[]> Mutations() => new (string Line, string? With)[]
    {
        ("version:", "version: null"),
        ("version:", null),
        ("kind:", "kind: Generic"),
        ("name:", "name: ~"),
        ("name:", "name: !!str mock-3"),
        ("connID:", "connID: null"),
        ("connID:", "connID:"),
        ("type:", "type: connection"),
        ("type:", "type: ~"),
        ("type:", "type: \"config\""),
        ("operation:", "operation: '" + SecretTemplate.Placeholder("API_TOKEN") + "'"),
        ("method:", "method: ~"),
        ("method:", null),
        ("method:", "method: post"),
        ("proto_major:", "proto_major: \"1\""),
        ("proto_major:", "proto_major: 10"),
        ("proto_major:", "proto_major: ~"),
        ("proto_major:", "proto_major: +1"),
        ("proto_major:", "proto_major: !!int 1"),
        ("url:", "url: null"),
        ("url:", null),
        ("url:", "url: /items/KB-001"),
        ("url_params:", null),
        ("view:", "view: ~"),
        ("Accept:", "Accept: null"),
        ("Accept:", "Accept:"),
        ("Accept:", "Accept: !!str application/json"),
        ("Accept:", "accept: text/html"),
        ("Host:", "Accept: text/html"),
        ("Accept:", "Authorization: 'Bearer " + SecretTemplate.Placeholder("API_TOKEN") + "'"),
        ("body: '", "body: '" + SecretTemplate.Placeholder("API_TOKEN") + "'"),
        ("body: \"\"", "body: ~"),
        ("body: \"\"", "body: null"),
        ("body: \"\"", "body:"),
        ("body: \"\"", "body: !!binary aGVsbG8="),
        ("body: \"\"", "body: !!binary not*base64"),
        ("body: \"\"", "body: !custom x"),
        ("body: \"\"", "body: |-\n    line one\n    line two"),
        ("timestamp:", "timestamp: yesterday"),
        ("timestamp:", "timestamp: ~"),
        ("timestamp:", null),
        ("status_code:", "status_code: 99"),
        ("status_code:", "status_code: ~"),
        ("status_code:", null),
        ("status_code:", "status_code: \"200\""),
        ("status_code:", "status_code: 404"),
        ("status_message:", "status_message: ~"),
        ("status_message:", "status_message: \"\""),
        ("Content-Length:", "Content-Length: 29"),
        ("objects:", "objects:\n    - x"),
        ("objects:", "objects: ~"),
        ("objects:", null),
        ("created:", "created: soon"),
        ("created:", "created: ~"),
        ("created:", null),
        ("reqTimestampMock:", "ReqTimestampMock: 2026-12-04T20:47:57Z"),
        ("reqTimestampMock:", "reqTimestampMock: not-a-time"),
        ("reqTimestampMock:", "reqTimestampMock: ~"),
        ("resTimestampMock:", "resTimestampMock: 2026-12-04T20:47:57Z\nrestimestampmock: 2026-12-04T20:47:58Z"),
        ("created:", "created: 1\ncreated: 2"),
        ("created:", "created: 1\nextra: kept"),
        ("kind:", "kind: Http\nconnectionId: \"9\""),
        ("metadata:", "metadata: {}"),
        ("metadata:", "metadata: ~"),
        ("header:", "header: {}"),
        ("header:", "header: ~"),
        ("req:", "req: ~"),
        ("spec:", "spec: ~"),
    }.Select(m => new object?[] { m.Line, m.With });

    [Theory]
    [MemberData(nameof(Mutations))]
    public void A_mutated_mock_reads_as_the_node_path_reads_it(string line, string? with)
    {
        string text = Mutate(Canonical, line, with);
        Assert.Equal(ReadBothWays(text, out _).Node, ReadBothWays(text, out _).Direct);
    }

    [Fact]
    public void The_canonical_mock_is_read_by_the_direct_path_and_equals_the_node_path()
    {
        (string node, string direct) = ReadBothWays(Canonical, out int accepted);
        Assert.Equal(node, direct);
        Assert.Equal(1, accepted);
        Assert.Contains("view", direct, StringComparison.Ordinal); // kept as its view, not whole
    }

    [Fact]
    public void Keploys_recorded_http_mocks_are_read_by_the_direct_path_with_the_node_paths_results()
    {
        List<string> files = Directory.EnumerateFiles(HttpTestPaths.Fixtures, "mocks.yaml", SearchOption.AllDirectories)
            .Where(f => File.ReadAllText(f).Contains("kind: Http\n", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.NotEmpty(files);
        int httpDocs = 0;
        int accepted = 0;
        foreach (string file in files)
        {
            string text = File.ReadAllText(file);
            (string node, string direct) = ReadBothWays(text, out int n);
            Assert.Equal(node, direct);
            httpDocs += text.Split("\nkind: Http\n").Length - 1 + (text.StartsWith("kind: Http\n", StringComparison.Ordinal) ? 1 : 0);
            accepted += n;
        }

        Assert.True(httpDocs > 0);
        Assert.Equal(httpDocs, accepted); // every Http mock Keploy wrote is in the direct path's shape
    }

    [Fact]
    public void This_tools_http_mocks_are_read_by_the_direct_path_with_the_node_paths_results()
    {
        DateTimeOffset t0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
        List<Mock> written = [];
        for (int i = 0; i < 6; i++)
        {
            HttpRequestRecord req = new() { Method = i % 2 == 0 ? "GET" : "POST", Url = $"http://svc.local/items/{i}?q={i}&q=x" };
            req.Header["Accept"] = "application/json";
            req.UrlParams = i == 3 ? new Dictionary<string, string> { ["q"] = "3" } : null;
            req.Body = i switch
            {
                1 => HttpBody.FromText("{\"a\":1,\n\"b\":\"two lines\"}\n"),
                3 => new HttpBody([0, 159, 146, 150, 255], isBinary: true),
                5 => HttpBody.FromText("'quoted' \"both\" and: colons # hash"),
                _ => HttpBody.Empty,
            };
            HttpResponseRecord resp = new() { StatusCode = 200 + i, StatusMessage = i == 2 ? "" : "OK", Body = HttpBody.FromText(i == 4 ? "null" : $"{{\"n\":{i}}}") };
            resp.Header["Content-Type"] = "application/json";
            if (i == 4)
            {
                resp.Header["X-Empty"] = "";
            }

            written.Add(HttpSpec.CreateMock(req, resp, i, t0.AddSeconds(i), t0.AddSeconds(i).AddMilliseconds(3), $"mock-{i}"));
        }

        string text = KeployYaml.FormatMocks(written);
        (string node, string direct) = ReadBothWays(text, out int accepted);
        Assert.Equal(node, direct);
        Assert.Equal(written.Count, accepted);
    }

    [Fact]
    public void A_mock_read_by_the_direct_path_gives_back_its_exact_spec_from_the_file()
    {
        string path = Path.Combine(_dir, "mocks.yaml");
        File.WriteAllText(path, Canonical);
        List<Mock> whole = KeployYaml.ReadMocks(path).ToList();
        List<Mock> direct = KeployYaml.ReadMocks(path, MockCompaction.ForReplay, MockCompaction.TryReadForReplay).ToList();

        Assert.False(direct[0].IsSpecLoaded);
        Assert.Equal(KeployYaml.FormatMocks(whole), KeployYaml.FormatMocks(direct)); // reads the spec again
        Assert.True(direct[0].IsSpecLoaded);
    }

    [Fact]
    public void Short_strings_that_repeat_across_mocks_are_one_instance()
    {
        string path = Path.Combine(_dir, "mocks.yaml");
        File.WriteAllText(path, Canonical + "---\n" + Canonical.Replace("mock-3", "mock-4", StringComparison.Ordinal));
        List<HttpMockSpec> views = KeployYaml.ReadMocks(path, MockCompaction.ForReplay, MockCompaction.TryReadForReplay)
            .Select(m => (HttpMockSpec)m.CompactView!).ToList();

        Assert.Same(views[0].Request.Header["Accept"], views[1].Request.Header["Accept"]);
        Assert.Same(views[0].Request.Header.Keys.First(), views[1].Request.Header.Keys.First());
        Assert.Same(views[0].Request.Method, views[1].Request.Method);
    }

    /// <summary>Reads <paramref name="text"/> as a mocks.yaml through the node path and through the direct path; each gives
    /// its mocks described (or its error). <paramref name="accepted"/>: the documents the direct reader accepted.</summary>
    private (string Node, string Direct) ReadBothWays(string text, out int accepted)
    {
        string path = Path.Combine(_dir, "mocks.yaml");
        File.WriteAllText(path, text);
        string node = Describe(() => KeployYaml.ReadMocks(path, MockCompaction.ForReplay).ToList());
        int count = 0;
        string direct = Describe(() => KeployYaml.ReadMocks(path, MockCompaction.ForReplay, (ReadOnlySpan<ParsedEvent> events, string file, YamlLimits limits, out Mock? mock) =>
        {
            bool read = MockCompaction.TryReadForReplay(events, file, limits, out mock);
            if (read)
            {
                Interlocked.Increment(ref count);
            }

            return read;
        }).ToList());
        accepted = count;
        return (node, direct);
    }

    private static string Describe(Func<List<Mock>> read)
    {
        try
        {
            return string.Join("\n", read().Select(Describe));
        }
        catch (KeployFormatException e)
        {
            return "error: " + e.Message;
        }
    }

    private static string Describe(Mock m)
    {
        StringBuilder sb = new();
        sb.Append(CultureInfo.InvariantCulture, $"{m.Version}|{m.Kind}|{m.Name}|{m.Location}|{m.Lifetime}|{m.ConnectionId ?? "<null>"}|");
        sb.Append(CultureInfo.InvariantCulture, $"{m.RequestTimestamp?.ToString("o") ?? "<none>"}|{m.ResponseTimestamp?.ToString("o") ?? "<none>"}|extra {m.Extra.Count}|");
        if (m.IsSpecLoaded || m.CompactView is not HttpMockSpec v)
        {
            return sb.Append("whole").ToString();
        }

        sb.Append("view|");
        HttpRequestRecord q = v.Request;
        sb.Append(CultureInfo.InvariantCulture, $"{q.Method} {q.ProtoMajor}.{q.ProtoMinor} {q.Url} {q.Timestamp:o} {Map(q.Header)} {(q.UrlParams is null ? "<no params>" : Map(q.UrlParams))} {Body(q.Body)}|");
        HttpResponseRecord r = v.Response;
        sb.Append(CultureInfo.InvariantCulture, $"{r.StatusCode} '{r.StatusMessage}' {r.ProtoMajor}.{r.ProtoMinor} {r.Timestamp:o} {Map(r.Header)} {Body(r.Body)}|");
        sb.Append(CultureInfo.InvariantCulture, $"{Map(v.Metadata)} {v.Created}");
        return sb.ToString();
    }

    private static string Map(Dictionary<string, string> map) =>
        $"{map.Comparer.GetType().Name}{{" + string.Join(",", map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")) + "}";

    private static string Body(HttpBody body) => (body.IsBinary ? "bin:" : "text:") + Convert.ToBase64String(body.Bytes);

    private static string Mutate(string text, string line, string? with)
    {
        string[] lines = text.Split('\n');
        int at = Array.FindIndex(lines, l => l.TrimStart().StartsWith(line, StringComparison.Ordinal));
        Assert.True(at >= 0, line);
        string indent = lines[at][..(lines[at].Length - lines[at].TrimStart().Length)];
        List<string> result = [.. lines[..at]];
        if (with is not null)
        {
            result.AddRange(with.Split('\n').Select(w => indent + w));
        }

        result.AddRange(lines[(at + 1)..]);
        return string.Join('\n', result);
    }
}
