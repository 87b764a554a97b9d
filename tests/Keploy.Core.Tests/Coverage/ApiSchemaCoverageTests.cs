using System.Text;
using Keploy.Core.Replay.Coverage;

namespace Keploy.Core.Tests.Coverage;

/// <summary>API schema coverage: an OpenAPI document's operations matched against recorded requests (path templates, base path).</summary>
public sealed class ApiSchemaCoverageTests
{
    private const string Json = """
        {
          "openapi": "3.0.1",
          "info": { "title": "Items", "version": "1" },
          "servers": [ { "url": "http://localhost:5000/api" } ],
          "paths": {
            "/items": { "get": { "responses": { "200": { "description": "OK" } } }, "post": { "responses": { "201": { "description": "Created" } } } },
            "/items/{id}": { "get": { "responses": { "200": { "description": "OK" } } }, "delete": { "responses": { "204": { "description": "Gone" } } } },
            "/items/new": { "get": { "responses": { "200": { "description": "OK" } } } }
          }
        }
        """;

    private const string Yaml = """
        openapi: 3.0.1
        info: {title: Items, version: "1"}
        paths:
          /items/{id}/tags/{tag}.json:
            get:
              responses:
                "200": {description: OK}
          /health:
            get:
              responses:
                "200": {description: OK}
        """;

    [Fact]
    public async Task One_untested_operation_is_listed_and_templates_match_recorded_urls()
    {
        var doc = await ApiSchemaCoverage.LoadAsync(new MemoryStream(Encoding.UTF8.GetBytes(Json)), "items.json", CancellationToken.None);
        ApiSchemaCoverageResult result = ApiSchemaCoverage.Compute(doc, "items.json",
        [
            ("GET", "http://127.0.0.1:5000/api/items"),
            ("GET", "http://127.0.0.1:5000/api/items/42?expand=1"),
            ("GET", "http://127.0.0.1:5000/api/items/7/"),
            ("post", "http://127.0.0.1:5000/api/items"),
            ("GET", "http://127.0.0.1:5000/api/items/new"),
            ("GET", "http://127.0.0.1:5000/api/items/1/2"),  // no such operation
            ("PUT", "http://127.0.0.1:5000/api/items/1"),    // no such method
        ]);

        Assert.Equal(5, result.Operations.Count);
        Assert.Equal(4, result.Tested);
        Assert.Equal([new ApiOperation("DELETE", "/items/{id}")], result.Untested);
        Assert.Equal(80.0, result.Percent, 6);
        Assert.Equal(2, result.Operations.Single(o => o.Operation == new ApiOperation("GET", "/items/{id}")).Tests);
        Assert.Equal(1, result.Operations.Single(o => o.Operation == new ApiOperation("GET", "/items/new")).Tests); // literal wins
        Assert.Equal("Coverage: 80.0% (API schema)", CoverageReportFiles.SummaryLine(null, result));
        Assert.Contains("\tuntested operations: DELETE /items/{id}", CoverageReportFiles.DetailLines(null, result));
    }

    [Fact]
    public async Task Yaml_documents_and_partial_segment_templates()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("keploy-openapi-").FullName, "openapi.yaml");
        File.WriteAllText(path, Yaml);
        try
        {
            var doc = await ApiSchemaCoverage.LoadFileAsync(path, CancellationToken.None);
            ApiSchemaCoverageResult result = ApiSchemaCoverage.Compute(doc, path, [("GET", "http://h/items/3/tags/red.json"), ("GET", "http://h/items/3/tags/red.xml")]);
            Assert.Equal(1, result.Tested);
            Assert.Equal([new ApiOperation("GET", "/health")], result.Untested);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public async Task A_file_that_is_not_openapi_is_one_line_naming_it()
    {
        CoverageException e = await Assert.ThrowsAsync<CoverageException>(() =>
            ApiSchemaCoverage.LoadAsync(new MemoryStream(Encoding.UTF8.GetBytes("{\"hello\": [1, 2")), "broken.json", CancellationToken.None));
        Assert.StartsWith("broken.json: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }
}
