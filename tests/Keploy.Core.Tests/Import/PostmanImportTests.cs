using Keploy.Core.Import;
using Keploy.Core.Import.Postman;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Replay;
using Keploy.Core.Sanitize;
using Keploy.Core.Storage;

namespace Keploy.Core.Tests.Import;

/// <summary>
/// <c>import postman</c> on a collection shaped like the seed's (../shared/seeds/004: a gateway folder, login whose test script
/// stores the token, bearer auth inherited from the folder, an idempotency key made by a pre-request script with
/// <c>{{$guid}}</c>, the new order's id kept for the next call, an environment file for the base URL), against a real HTTP
/// service; then the imported test-set replayed against that service.
/// </summary>
public sealed class PostmanImportTests : IAsyncLifetime
{
    internal const string SeedShapedCollection = """
        {
          "info": { "name": "Shop (seed shape)", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json" },
          "variable": [ { "key": "username", "value": "alice" }, { "key": "unused", "value": "x", "disabled": true } ],
          "item": [
            {
              "name": "API Gateway",
              "auth": { "type": "bearer", "bearer": [ { "key": "token", "value": "{{jwt}}", "type": "string" } ] },
              "item": [
                {
                  "name": "Login",
                  "auth": { "type": "noauth" },
                  "request": {
                    "method": "POST",
                    "header": [ { "key": "Content-Type", "value": "application/json" } ],
                    "url": { "raw": "{{gw_base}}/api/v1/login", "host": [ "{{gw_base}}" ], "path": [ "api", "v1", "login" ] },
                    "body": { "mode": "raw", "raw": "{\n \"username\": \"{{username}}\",\n \"password\": \"p@ssw0rd\"\n}" }
                  },
                  "event": [ { "listen": "test", "script": { "exec": [
                    "var j={}; try{ j=pm.response.json(); }catch(e){}; if (j.token) pm.environment.set('jwt', j.token);",
                    "pm.test('got token', function(){ pm.expect(!!pm.environment.get('jwt')).to.be.true; });"
                  ], "type": "text/javascript" } } ]
                },
                {
                  "name": "Orders",
                  "item": [
                    {
                      "name": "Create order",
                      "request": {
                        "method": "POST",
                        "header": [ { "key": "Idempotency-Key", "value": "{{idempotency_key}}" }, { "key": "X-Debug", "value": "1", "disabled": true } ],
                        "url": "{{gw_base}}/api/v1/orders",
                        "body": { "mode": "raw", "raw": "{\"items\":[{\"product_id\":7,\"qty\":1}]}", "options": { "raw": { "language": "json" } } }
                      },
                      "event": [
                        { "listen": "prerequest", "script": { "exec": [ "if (!pm.environment.get('idempotency_key')) { pm.environment.set('idempotency_key', pm.variables.replaceIn('{{$guid}}')); }" ] } },
                        { "listen": "test", "script": { "exec": [
                          "pm.test('order created', function(){ pm.expect([200,201]).to.include(pm.response.code); });",
                          "var j={}; try{ j=pm.response.json(); }catch(e){}; if (j.id){ pm.environment.set('last_order_id', j.id); }"
                        ] } }
                      ]
                    },
                    {
                      "name": "Create order again (same key)",
                      "request": {
                        "method": "POST",
                        "header": [ { "key": "Idempotency-Key", "value": "{{idempotency_key}}" } ],
                        "url": "{{gw_base}}/api/v1/orders",
                        "body": { "mode": "raw", "raw": "{\"items\":[{\"product_id\":7,\"qty\":1}]}", "options": { "raw": { "language": "json" } } }
                      },
                      "event": [ { "listen": "test", "script": { "exec": [ "pm.test('same order', function(){ pm.expect(pm.response.json().id).to.eql(Number(pm.environment.get('last_order_id'))); });" ] } } ]
                    },
                    {
                      "name": "Get order",
                      "request": { "method": "GET", "url": { "raw": "{{gw_base}}/api/v1/orders/{{last_order_id}}", "host": [ "{{gw_base}}" ], "path": [ "api", "v1", "orders", "{{last_order_id}}" ] } }
                    }
                  ]
                },
                {
                  "name": "Products (saved example)",
                  "request": { "method": "GET", "url": "{{gw_base}}/api/v1/products?limit=2" },
                  "response": [ { "name": "two products", "code": 200, "status": "OK", "header": [ { "key": "Content-Type", "value": "application/json; charset=utf-8" } ],
                                  "body": "[{\"id\":7,\"name\":\"laptop\",\"price\":1200},{\"id\":8,\"name\":\"mouse\",\"price\":20}]" } ]
                }
              ]
            }
          ]
        }
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("keploy-import-").FullName;
    private ShopApp _app = null!;

    public Task InitializeAsync()
    {
        _app = new ShopApp();
        File.WriteAllText(Path.Combine(_dir, "shop.postman_collection.json"), SeedShapedCollection);
        File.WriteAllText(Path.Combine(_dir, "local.postman_environment.json"), $$"""{ "name": "local", "values": [ { "key": "gw_base", "value": "{{_app.BaseUrl}}", "enabled": true } ] }""");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Seed_shaped_collection_becomes_test_cases_that_pass_on_replay()
    {
        List<string> log = new();
        ImportSummary summary = await ImportAsync(log, basePath: null);

        Assert.Equal(5, summary.TestCases);
        Assert.Equal(1, summary.FromSaved);
        Assert.Equal(0, summary.Skipped);
        Assert.DoesNotContain(log, l => l.Contains("failed", StringComparison.Ordinal));

        TestSetStore store = new(_dir);
        List<HttpTestCaseSpec> tests = store.ReadTestCases(summary.TestSetId).Select(HttpSpec.FromTestCase).ToList();
        HttpTestCaseSpec login = tests[0];
        Assert.Equal("POST", login.Request.Method);
        Assert.Equal($"{_app.BaseUrl}/api/v1/login", login.Request.Url);
        Assert.Contains("\"username\": \"alice\"", login.Request.Body.Text, StringComparison.Ordinal);

        // The token the login's test script stored was sent as the folder's bearer auth; in the file it is a secret placeholder.
        HttpTestCaseSpec create = tests[1];
        Assert.True(SecretTemplate.ContainsPlaceholder(create.Request.Header["Authorization"]), create.Request.Header["Authorization"]);
        Assert.Contains("Bearer tok-", File.ReadAllText(SecretStore.PathFor(store, summary.TestSetId)), StringComparison.Ordinal);
        Assert.All(store.ListTestCaseFiles(summary.TestSetId), f => Assert.DoesNotContain("tok-", File.ReadAllText(f), StringComparison.Ordinal));
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-", tests[1].Request.Header["Idempotency-Key"]);
        Assert.Equal(tests[1].Request.Header["Idempotency-Key"], tests[2].Request.Header["Idempotency-Key"]);
        Assert.False(create.Request.Header.ContainsKey("X-Debug"));
        Assert.Equal(201, create.Response.StatusCode);

        // The id the create's script kept is in the next URL.
        Assert.Equal($"{_app.BaseUrl}/api/v1/orders/1", tests[3].Request.Url);
        Assert.Equal(200, tests[3].Response.StatusCode);

        // The saved example is the expected response (the service answers differently: it has no ?limit).
        Assert.Equal("[{\"id\":7,\"name\":\"laptop\",\"price\":1200},{\"id\":8,\"name\":\"mouse\",\"price\":20}]", tests[4].Response.Body.Text);

        TestRunResult run = await ReplayAsync();
        TestSetResult set = Assert.Single(run.Sets);
        Assert.True(set.Failed == 0, string.Join("\n", set.Tests.Where(t => t.Status != TestStatus.Passed).Select(t => $"{t.TestCase.Name}: {t.FailureMessage}")));
        Assert.Equal(5, set.Passed);

        // A changed service fails the tests that see the change.
        _app.Prices = 999;
        TestRunResult changed = await ReplayAsync();
        Assert.True(changed.Sets[0].Failed >= 3, $"expected the order and product tests to fail, {changed.Sets[0].Failed} failed");
    }

    [Fact]
    public async Task Base_path_replaces_the_origin_and_unresolved_variables_are_named()
    {
        File.Delete(Path.Combine(_dir, "local.postman_environment.json"));
        List<string> log = new();
        PostmanImportSource source = new(Path.Combine(_dir, "shop.postman_collection.json"), null, log.Add);
        ImportRunner runner = new(new ImportOptions { Path = _dir, BasePath = _app.BaseUrl }, log.Add);
        ImportSummary summary = await runner.RunAsync(source.Steps, CancellationToken.None);

        Assert.Equal(5, summary.TestCases);
        Assert.Contains(log, l => l.Contains("variable '{{gw_base}}' is defined in no scope", StringComparison.Ordinal));
        Assert.All(new TestSetStore(_dir).ReadTestCases(summary.TestSetId).Select(HttpSpec.FromTestCase),
            t => Assert.StartsWith(_app.BaseUrl + "/api/v1/", t.Request.Url, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_request_with_nowhere_to_go_is_skipped_with_its_place()
    {
        File.Delete(Path.Combine(_dir, "local.postman_environment.json"));
        List<string> log = new();
        PostmanImportSource source = new(Path.Combine(_dir, "shop.postman_collection.json"), null, log.Add);
        ImportRunner runner = new(new ImportOptions { Path = _dir }, log.Add);
        ImportException ex = await Assert.ThrowsAsync<ImportException>(() => runner.RunAsync(source.Steps, CancellationToken.None));

        Assert.Equal("nothing was imported (5 request(s) skipped; see the lines above)", ex.Message);
        Assert.Contains(log, l => l.Contains("skipped API Gateway/Login (shop.postman_collection.json: item[0].item[0])", StringComparison.Ordinal)
                                  && l.Contains("unresolved variable", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Contains("skipped API Gateway/Products (saved example) (shop.postman_collection.json: item[0].item[2])", StringComparison.Ordinal));
        Assert.Empty(new TestSetStore(_dir).ListTestSets()); // no empty test-set left behind
    }

    [Theory]
    [InlineData("{ \"info\": { \"name\": \"x\" }, \"item\": [ { \"name\": \"a\" ", "shop.postman_collection.json:1:")]
    [InlineData("{ \"info\": { \"name\": \"old\" }, \"requests\": [] }", "Postman v1 collection")]
    [InlineData("{ \"info\": { \"name\": \"x\", \"schema\": \"https://schema.getpostman.com/json/collection/v2.1.0/collection.json\" }, \"item\": [ { \"name\": \"a\" } ] }", "item[0]: an item has either 'item' (a folder) or 'request'")]
    [InlineData("{ \"info\": { \"name\": \"x\" }, \"item\": [ { \"name\": \"a\", \"request\": { \"url\": \"http://h/\" }, \"response\": [ { \"code\": \"OK\" } ] } ] }", "item[0].response[0]: a saved response needs a numeric 'code'")]
    public void Bad_collections_get_one_line_naming_the_place(string json, string expected)
    {
        string path = Path.Combine(_dir, "shop.postman_collection.json");
        File.WriteAllText(path, json);
        ImportException ex = Assert.Throws<ImportException>(() => PostmanCollection.Load(path));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Scripts_are_bounded_and_their_failures_are_reported()
    {
        List<string> log = new();
        PostmanVariables variables = new([], []);
        PostmanScriptHost host = new(variables, _ => null, log.Add);
        HttpResponseSnapshot response = new(404, "Not Found", [new("Content-Type", "application/json")], "{\"error\":\"no\"}", 3);

        host.Run("pm.test('status', function(){ pm.response.to.have.status(200); }); pm.collectionVariables.set('seen', pm.response.json().error);", "test", "r", "c.json: item[0]", null, response);
        Assert.Equal("no", variables.Collection["seen"]);
        (string name, bool passed, string message) = Assert.Single(host.Tests);
        Assert.Equal("status", name);
        Assert.False(passed);
        Assert.Contains("to have status 200", message, StringComparison.Ordinal);

        host.Run("while (true) {}", "prerequest", "r", "c.json: item[1]", null, null);
        Assert.Contains(log, l => l.StartsWith("c.json: item[1]: prerequest script failed:", StringComparison.Ordinal));

        host.Run("pm.sendRequest('http://x/', function (err, res) { pm.variables.set('err', err ? err.message : 'none'); });", "test", "r", "c.json: item[2]", null, null);
        Assert.Contains("no app to send to", variables.Local["err"], StringComparison.Ordinal);
    }

    private async Task<ImportSummary> ImportAsync(List<string> log, string? basePath)
    {
        PostmanImportSource source = new(Path.Combine(_dir, "shop.postman_collection.json"), Path.Combine(_dir, "local.postman_environment.json"), log.Add);
        ImportRunner runner = new(new ImportOptions { Path = _dir, BasePath = basePath, ApiTimeout = TimeSpan.FromSeconds(30) }, log.Add);
        return await runner.RunAsync(source.Steps, CancellationToken.None);
    }

    private Task<TestRunResult> ReplayAsync()
    {
        ReplayRunner runner = new(new ReplayOptions { Path = _dir, UseEbpf = false, ApiTimeout = TimeSpan.FromSeconds(30) });
        return runner.RunAsync(null, null, CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2));
    }
}
