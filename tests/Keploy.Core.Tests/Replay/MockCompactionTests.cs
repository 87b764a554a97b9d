using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Replay;
using Keploy.Core.Replay.Matching;
using Keploy.Core.Storage;

namespace Keploy.Core.Tests.Replay;

/// <summary>
/// Mocks read for replay (<see cref="MockCompaction.ForReplay"/>): Http mocks are kept as their typed view, serve and match as the
/// whole mocks do, and give back their exact spec when asked (re-read from mocks.yaml); a changed file is a one-line error.
/// </summary>
public sealed class MockCompactionTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "keploy-compaction-" + Guid.NewGuid().ToString("N"));

    public MockCompactionTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static HttpRequestRecord Request(int i)
    {
        HttpRequestRecord r = new() { Method = "GET", Url = $"http://catalog.local/items/KB-{i}?view=full", Timestamp = DateTimeOffset.UtcNow };
        r.Header["Accept"] = "application/json";
        return r;
    }

    private string WriteMocks(out List<Mock> written)
    {
        DateTimeOffset t0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
        written = Enumerable.Range(0, 3).Select(i =>
        {
            HttpResponseRecord resp = new() { StatusCode = 200, Body = HttpBody.FromText($"{{\"sku\":\"KB-{i}\"}}"), Timestamp = t0 };
            resp.Header["Content-Type"] = "application/json";
            return HttpSpec.CreateMock(Request(i), resp, i, t0.AddSeconds(i), t0.AddSeconds(i).AddMilliseconds(5), $"mock-{i}");
        }).ToList();
        string path = Path.Combine(_dir, "mocks.yaml");
        File.WriteAllText(path, KeployYaml.FormatMocks(written));
        return path;
    }

    [Fact]
    public void Http_mocks_are_kept_as_views_and_give_back_their_exact_spec()
    {
        string path = WriteMocks(out _);
        List<Mock> whole = KeployYaml.ReadMocks(path).ToList();
        List<Mock> compact = KeployYaml.ReadMocks(path, MockCompaction.ForReplay).ToList();

        Assert.All(compact, m => Assert.False(m.IsSpecLoaded));
        Assert.Equal(whole.Select(m => (m.Name, m.Lifetime, m.RequestTimestamp, m.ResponseTimestamp, m.ConnectionId)),
            compact.Select(m => (m.Name, m.Lifetime, m.RequestTimestamp, m.ResponseTimestamp, m.ConnectionId)));
        Assert.Equal(HttpSpec.FromMock(whole[1]).Response.Body.Text, HttpSpec.FromMock(compact[1]).Response.Body.Text);
        Assert.False(compact[1].IsSpecLoaded); // serving reads the view, not the spec

        // The same match from a pool of compact mocks, and the spec (read again from the file) formats to the same bytes.
        MockMatch? match = HttpMatcher.Match(Request(2), new MockPool(compact, null), "Http");
        Assert.Equal("mock-2", match?.Mock.Name);
        Assert.Equal(KeployYaml.FormatMocks(whole), KeployYaml.FormatMocks(compact));
        Assert.All(compact, m => Assert.True(m.IsSpecLoaded));
    }

    [Fact]
    public void A_deferred_spec_of_a_changed_file_is_a_one_line_error()
    {
        string path = WriteMocks(out List<Mock> written);
        List<Mock> compact = KeployYaml.ReadMocks(path, MockCompaction.ForReplay).ToList();
        File.WriteAllText(path, KeployYaml.FormatMocks(written.Take(2)));

        KeployFormatException e = Assert.Throws<KeployFormatException>(() => compact[0].Spec);
        Assert.Contains("mocks.yaml", e.Message);
        Assert.Contains("changed since replay loaded it", e.Message);
    }

    [Fact]
    public void A_mock_holding_a_secret_placeholder_is_kept_whole()
    {
        DateTimeOffset t0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
        HttpRequestRecord req = Request(7);
        req.Header["Authorization"] = SecretTemplateText;
        Mock mock = HttpSpec.CreateMock(req, new HttpResponseRecord { StatusCode = 204, Timestamp = t0 }, 1, t0, t0, "mock-7");
        string path = Path.Combine(_dir, "mocks.yaml");
        File.WriteAllText(path, KeployYaml.FormatMocks([mock]));

        Mock read = Assert.Single(KeployYaml.ReadMocks(path, MockCompaction.ForReplay));
        Assert.True(read.IsSpecLoaded);
        Assert.Null(read.CompactView);
    }

    private static string SecretTemplateText => Keploy.Core.Sanitize.SecretTemplate.Placeholder("API_TOKEN");
}
