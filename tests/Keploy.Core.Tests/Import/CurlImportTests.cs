using System.Text;
using Keploy.Core.Import;
using Keploy.Core.Import.Curl;
using Keploy.Core.Import.Postman;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Replay;
using Keploy.Core.Storage;

namespace Keploy.Core.Tests.Import;

/// <summary>
/// <c>import curl</c>: the <c>curl:</c> blocks of every Keploy test case under ../shared/keploy-fixtures are the corpus (each must
/// give back its test case's method, URL, headers and body); shell quoting as users paste it; curl commands sent to a real
/// service; and <c>export postman</c> read back by <c>import postman</c>.
/// </summary>
public sealed class CurlImportTests
{
    public static IEnumerable<object[]> KeployTestFiles() =>
        Directory.EnumerateFiles(TestPaths.Fixtures, "*.yaml", SearchOption.AllDirectories)
            .Where(f => f.Contains($"{Path.DirectorySeparatorChar}tests{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && File.ReadAllText(f).Contains("\ncurl:", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => new object[] { Path.GetRelativePath(TestPaths.Fixtures, f) });

    [Theory]
    [MemberData(nameof(KeployTestFiles))]
    public void Keploy_curl_blocks_give_back_their_request(string relative)
    {
        string file = Path.Combine(TestPaths.Fixtures, relative);
        TestCase testCase = KeployYaml.ReadTestCases(file).Single();
        HttpRequestRecord recorded = HttpSpec.FromTestCase(testCase).Request;

        ImportStep step = Assert.Single(CurlImportSource.Steps([file]));
        ImportedRequest request = step.Build();

        Assert.Equal(recorded.Method, request.Method);
        Assert.Equal(recorded.Url, request.Url);
        foreach (KeyValuePair<string, string> header in recorded.Header.Where(h => !h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)))
        {
            Assert.Contains(request.Headers, h => h.Key.Equals(header.Key, StringComparison.OrdinalIgnoreCase) && h.Value == header.Value);
        }

        Assert.Equal(recorded.Body.Text, Encoding.UTF8.GetString(request.Body));
    }

    [Fact]
    public void The_corpus_is_not_empty()
    {
        Assert.True(KeployTestFiles().Count() >= 8, "expected the curl: blocks of at least 8 fixture test cases");
    }

    [Fact]
    public void Shell_quoting_and_curl_options_as_users_paste_them()
    {
        string text = """
            # copied from a browser
            curl 'http://127.0.0.1:9/api/items?q=a%20b' -H 'Accept: application/json' -H "X-Name: \"quoted\" \$HOME" \
              --compressed -s -k

            curl -X PUT http://127.0.0.1:9/api/items/1 --json '{"name":"it'\''s"}'
            curl -G http://127.0.0.1:9/search -d q=1 --data-urlencode 'name=a b'
            curl -u alice:secret -b 'sid=1' -A agent/1 http://127.0.0.1:9/me
            curl http://127.0.0.1:9/echo --data-binary $'line1\nline2'
            curl -XPOST 127.0.0.1:9/form -F 'a=1' -F 'b=two'
            """;
        List<(string Text, int Line)> commands = CurlCommand.SplitCommands(text);
        Assert.Equal([2, 5, 6, 7, 8, 9], commands.Select(c => c.Line));
        List<ImportedRequest> requests = commands.Select((c, i) => CurlCommand.Parse(c.Text, $"curl #{i + 1}", $"t:{c.Line}")).ToList();

        Assert.Equal("GET", requests[0].Method);
        Assert.Equal("http://127.0.0.1:9/api/items?q=a%20b", requests[0].Url);
        Assert.Contains(new KeyValuePair<string, string>("X-Name", "\"quoted\" $HOME"), requests[0].Headers);

        Assert.Equal("PUT", requests[1].Method);
        Assert.Equal("{\"name\":\"it's\"}", Encoding.UTF8.GetString(requests[1].Body));
        Assert.Contains(new KeyValuePair<string, string>("Content-Type", "application/json"), requests[1].Headers);

        Assert.Equal("GET", requests[2].Method);
        Assert.Equal("http://127.0.0.1:9/search?q=1&name=a+b", requests[2].Url);
        Assert.Empty(requests[2].Body);

        Assert.Contains(new KeyValuePair<string, string>("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:secret"))), requests[3].Headers);
        Assert.Contains(new KeyValuePair<string, string>("Cookie", "sid=1"), requests[3].Headers);
        Assert.Contains(new KeyValuePair<string, string>("User-Agent", "agent/1"), requests[3].Headers);

        Assert.Equal("POST", requests[4].Method);
        Assert.Equal("line1\nline2", Encoding.UTF8.GetString(requests[4].Body));

        Assert.Equal("POST", requests[5].Method);
        Assert.Equal("http://127.0.0.1:9/form", requests[5].Url);
        Assert.Contains("name=\"b\"\r\n\r\ntwo\r\n", Encoding.UTF8.GetString(requests[5].Body), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("curl 'http://h/", "a single quote is not closed")]
    [InlineData("curl --frobnicate http://h/", "curl option '--frobnicate' is not understood")]
    [InlineData("curl -d @body.json http://h/", "reads a file")]
    [InlineData("curl -H", "option '-H' needs a value")]
    [InlineData("wget http://h/", "not a curl command")]
    [InlineData("curl -s", "no URL")]
    public void Bad_commands_get_one_line_with_their_place(string command, string expected)
    {
        ImportException ex = Assert.Throws<ImportException>(() => CurlCommand.Parse(command, "curl #1", "cmds.txt:3"));
        Assert.StartsWith("cmds.txt:3: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Curl_commands_sent_to_a_service_replay_and_export_round_trips()
    {
        string dir = Directory.CreateTempSubdirectory("keploy-curl-").FullName;
        await using ShopApp app = new();
        try
        {
            string file = Path.Combine(dir, "calls.txt");
            File.WriteAllText(file, $$"""
                curl -s -X POST {{app.BaseUrl}}/api/v1/login -H 'Content-Type: application/json' -d '{"username":"bob"}'
                curl {{app.BaseUrl}}/api/v1/products
                curl -X POST {{app.BaseUrl}}/api/v1/orders -H 'Idempotency-Key: k-1' -H 'Authorization: Bearer tok-0123456789abcdef' --json '{"items":[]}'
                """);
            List<string> log = new();
            ImportRunner runner = new(new ImportOptions { Path = dir, ApiTimeout = TimeSpan.FromSeconds(30) }, log.Add);
            ImportSummary summary = await runner.RunAsync(_ => CurlImportSource.Steps([file]), CancellationToken.None);
            Assert.Equal(3, summary.TestCases);
            Assert.Equal(0, summary.Skipped);

            TestRunResult run = await new ReplayRunner(new ReplayOptions { Path = dir, UseEbpf = false, ApiTimeout = TimeSpan.FromSeconds(30) })
                .RunAsync(null, null, CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2));
            Assert.Equal(3, run.Sets[0].Passed);

            // export postman, then import the collection with no app: the saved examples are the expected responses.
            TestSetStore store = new(dir);
            (string json, int exported, int leftOut) = PostmanExporter.Export(store, summary.TestSetId);
            Assert.Equal((3, 0), (exported, leftOut));
            Assert.DoesNotContain("tok-0123456789abcdef", json, StringComparison.Ordinal); // the secret stays in secret.yaml
            Assert.Contains("{{Authorization}}", json, StringComparison.Ordinal);
            Assert.Contains("{{base_url}}/api/v1/products", json, StringComparison.Ordinal);
            string collection = Path.Combine(dir, "exported.postman_collection.json");
            File.WriteAllText(collection, json);

            await app.DisposeAsync(); // nothing to send to now
            PostmanImportSource source = new(collection, null, log.Add);
            ImportSummary again = await new ImportRunner(new ImportOptions { Path = dir }, log.Add).RunAsync(source.Steps, CancellationToken.None);
            Assert.Equal((3, 3), (again.TestCases, again.FromSaved));
            List<HttpTestCaseSpec> first = store.ReadTestCases(summary.TestSetId).Select(HttpSpec.FromTestCase).ToList();
            List<HttpTestCaseSpec> second = store.ReadTestCases(again.TestSetId).Select(HttpSpec.FromTestCase).ToList();
            Assert.Equal(first.Select(t => (t.Request.Method, t.Request.Url, t.Response.StatusCode, t.Response.Body.Text)),
                second.Select(t => (t.Request.Method, t.Request.Url, t.Response.StatusCode, t.Response.Body.Text)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
