using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Replay;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Tests.Http;

/// <summary>
/// <see cref="HttpMatcher.Match"/> reads index buckets (method and path; method and path with dynamic segments masked) instead of
/// every mock: for each request it picks the mock a scan over every mock picks (<see cref="HttpMatcher.FindMatches(HttpRequestRecord, IReadOnlyList{Mock})"/>),
/// with and without dynamic segments (numbers, UUIDs, hex, long tokens).
/// </summary>
public sealed class HttpMatcherIndexTests
{
    private static readonly string[] MockPaths =
    [
        "/items/KB-1", "/items/KB-2", "/orders/123", "/orders/123/lines/7", "/users/3f2b8c1e-9d4a-4b7e-8f00-123456789abc/profile",
        "/blobs/deadbeef42", "/tokens/abcdefghij0123456789", "/static/app.js", "/", "/orders/latest",
    ];

    private static readonly string[] RequestPaths =
    [
        "/items/KB-1", "/items/KB-2", "/items/KB-3", "/orders/456", "/orders/999/lines/8", "/orders/999/lines/x",
        "/users/00000000-1111-2222-3333-444444444444/profile", "/users/00000000-1111-2222-3333-444444444444/settings",
        "/blobs/cafebabe99", "/tokens/zyxwvutsrq9876543210", "/tokens/short1", "/static/app.js", "/static/app.css", "/",
        "/orders/latest", "/orders/earliest",
    ];

    private static HttpRequestRecord Request(string path, string method = "GET")
    {
        HttpRequestRecord r = new() { Method = method, Url = "http://catalog.local" + path, Timestamp = DateTimeOffset.UnixEpoch };
        r.Header["Accept"] = "application/json";
        return r;
    }

    private static List<Mock> SessionMocks()
    {
        DateTimeOffset t0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
        return MockPaths.SelectMany(p => new[] { "GET", "POST" }.Select(method => (p, method))).Select((x, i) =>
        {
            Mock m = HttpSpec.CreateMock(Request(x.p, x.method), new HttpResponseRecord { StatusCode = 200, Timestamp = t0 }, i, t0, t0, $"mock-{x.method}{x.p}");
            ((YamlMappingNode)m.Spec["metadata"]).Children[new YamlScalarNode("type")] = new YamlScalarNode("config"); // never consumed
            return m;
        }).ToList();
    }

    [Fact]
    public void Every_request_gets_the_mock_a_scan_of_every_mock_gets()
    {
        List<Mock> mocks = SessionMocks();
        MockPool pool = new(mocks, null);
        int hits = 0;
        foreach (string path in RequestPaths)
        {
            foreach (string method in new[] { "GET", "POST", "PUT" })
            {
                HttpRequestRecord request = Request(path, method);
                string? scanned = HttpMatcher.FindMatches(request, mocks).FirstOrDefault()?.Name;
                string? indexed = HttpMatcher.Match(request, pool, "Http")?.Mock.Name;
                Assert.True(scanned == indexed, $"{method} {path}: scan {scanned ?? "none"}, index {indexed ?? "none"}");
                hits += indexed is null ? 0 : 1;
            }
        }

        Assert.Equal(20, hits); // 5 paths x 2 methods exactly, 5 x 2 more through dynamic segments
    }

    [Theory]
    [InlineData("/orders/456", "mock-GET/orders/123")]
    [InlineData("/orders/999/lines/8", "mock-GET/orders/123/lines/7")]
    [InlineData("/users/00000000-1111-2222-3333-444444444444/profile", "mock-GET/users/3f2b8c1e-9d4a-4b7e-8f00-123456789abc/profile")]
    [InlineData("/blobs/cafebabe99", "mock-GET/blobs/deadbeef42")]
    [InlineData("/tokens/zyxwvutsrq9876543210", "mock-GET/tokens/abcdefghij0123456789")]
    [InlineData("/items/KB-3", null)]
    [InlineData("/orders/999/lines/x", null)]
    [InlineData("/orders/earliest", null)]
    public void Dynamic_segments_match_only_dynamic_segments(string path, string? expected)
    {
        MockPool pool = new(SessionMocks(), null);
        Assert.Equal(expected, HttpMatcher.Match(Request(path), pool, "Http")?.Mock.Name);
    }
}
