using Keploy.Core.Config;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Replay.Comparison;

namespace Keploy.Core.Tests.Comparison;

public class NoiseRulesTests
{
    private static HttpResponseRecord Json(string body, params (string Name, string Value)[] headers)
    {
        HttpResponseRecord r = new() { Body = HttpBody.FromText(body) };
        r.Header["Content-Type"] = "application/json";
        foreach ((string n, string v) in headers)
        {
            r.Header[n] = v;
        }

        return r;
    }

    private static NoiseRules Test(params (string Key, string[] Regexes)[] entries)
    {
        Dictionary<string, List<string>> map = entries.ToDictionary(e => e.Key, e => e.Regexes.ToList());
        return NoiseRules.Create(map);
    }

    [Theory]
    [InlineData("2025-10-16T10:55:58Z", true)]   // matches the regex: passes
    [InlineData("yesterday", false)]             // does not match: fails (bug #4416 skipped it)
    public void RegexNoiseIsEnforced(string actualValue, bool passes)
    {
        NoiseRules noise = Test(("body.updated_at", ["^\\d{4}-\\d{2}-\\d{2}T"]));
        ComparisonResult r = HttpResponseComparer.Compare(
            Json("{\"id\":1,\"updated_at\":\"2024-01-01T00:00:00Z\"}"),
            Json($"{{\"id\":1,\"updated_at\":\"{actualValue}\"}}"),
            noise);
        Assert.Equal(passes, r.Passed);
        if (!passes)
        {
            ResponseDifference d = Assert.Single(r.Differences);
            Assert.Equal("$.updated_at", d.Path);
            Assert.Equal(DifferenceKind.NoiseRegexMismatch, d.Kind);
        }
    }

    [Fact]
    public void EmptyRegexListIgnoresAnyValueAndAbsence()
    {
        NoiseRules noise = Test(("body.updated_at", []));
        Assert.True(HttpResponseComparer.Compare(Json("{\"updated_at\":\"a\"}"), Json("{\"updated_at\":\"b\"}"), noise).Passed);
        Assert.True(HttpResponseComparer.Compare(Json("{\"updated_at\":\"a\"}"), Json("{}"), noise).Passed);
        Assert.False(HttpResponseComparer.Compare(Json("{\"updated_at\":\"a\"}"), Json("{}"), NoiseRules.Empty).Passed);
    }

    [Fact]
    public void SingleSegmentMatchesAtAnyDepthAndIgnoresArrayIndices()
    {
        NoiseRules noise = Test(("body.id", []));
        string expected = "{\"data\":{\"items\":[{\"id\":1,\"name\":\"a\"},{\"id\":2,\"name\":\"b\"}]}}";
        string actual = "{\"data\":{\"items\":[{\"id\":10,\"name\":\"a\"},{\"id\":20,\"name\":\"b\"}]}}";
        Assert.True(HttpResponseComparer.Compare(Json(expected), Json(actual), noise).Passed);
        Assert.False(HttpResponseComparer.Compare(Json(expected), Json(actual), NoiseRules.Empty).Passed);
    }

    [Fact]
    public void MultiSegmentPathMatchesFromTheRootOnly()
    {
        string expected = "{\"data\":{\"items\":[{\"id\":1}]},\"other\":{\"items\":[{\"id\":1}]}}";
        string actual = "{\"data\":{\"items\":[{\"id\":9}]},\"other\":{\"items\":[{\"id\":9}]}}";
        ComparisonResult r = HttpResponseComparer.Compare(Json(expected), Json(actual), Test(("body.data.items.id", [])));
        ResponseDifference d = Assert.Single(r.Differences);
        Assert.Equal("$.other.items[0].id", d.Path);
    }

    [Fact]
    public void HeaderNoiseIsCaseInsensitive()
    {
        NoiseRules noise = Test(("header.x-version", []));
        ComparisonResult r = HttpResponseComparer.Compare(Json("{}", ("X-Version", "1")), Json("{}", ("X-VERSION", "2")), noise);
        Assert.True(r.Passed);
        ComparisonResult strict = HttpResponseComparer.Compare(Json("{}", ("X-Version", "1")), Json("{}", ("X-VERSION", "2")), NoiseRules.Empty);
        Assert.Equal("header.X-Version expected 1 actual 2", Assert.Single(strict.Differences).ToString());
    }

    [Fact]
    public void HeaderRegexIsEnforced()
    {
        NoiseRules noise = Test(("header.X-Version", ["^v\\d+$"]));
        Assert.True(HttpResponseComparer.Compare(Json("{}", ("X-Version", "v1")), Json("{}", ("X-Version", "v2")), noise).Passed);
        Assert.False(HttpResponseComparer.Compare(Json("{}", ("X-Version", "v1")), Json("{}", ("X-Version", "beta")), noise).Passed);
    }

    [Fact]
    public void GlobalWholeBodyIgnoreForOneTestSet()
    {
        GlobalNoiseConfig global = new();
        global.Global["header"] = new Dictionary<string, List<string>> { ["X-Version"] = new() };
        NoiseMap set1 = new();
        set1["body"] = new Dictionary<string, List<string>> { ["*"] = new() { "*" } };
        global.TestSets["test-set-1"] = set1;

        HttpResponseRecord e = Json("{\"a\":1}", ("X-Version", "1"));
        HttpResponseRecord a = Json("{\"a\":2,\"b\":[1]}", ("X-Version", "2"));
        ComparisonResult inSet1 = HttpResponseComparer.Compare(e, a, NoiseRules.Create(null, global, "test-set-1"));
        Assert.True(inSet1.Passed);
        ComparisonResult inSet0 = HttpResponseComparer.Compare(e, a, NoiseRules.Create(null, global, "test-set-0"));
        Assert.False(inSet0.Passed);
        Assert.DoesNotContain(inSet0.Differences, d => d.Path.StartsWith("header.", StringComparison.Ordinal)); // global header noise applies
    }

    [Fact]
    public void LeftJoinReplacesGlobalEntriesWithTestSetOnes()
    {
        NoiseMap global = new();
        global["body"] = new Dictionary<string, List<string>> { ["token"] = new() { "^ey" }, ["updated_at"] = new() };
        NoiseMap set = new();
        set["body"] = new Dictionary<string, List<string>> { ["token"] = new() };
        set["header"] = new Dictionary<string, List<string>> { ["Date"] = new() };
        NoiseMap joined = NoiseRules.LeftJoin(global, set);
        Assert.Empty(joined["body"]["token"]);
        Assert.Contains("updated_at", joined["body"].Keys);
        Assert.Contains("Date", joined["header"].Keys);
        Assert.Single(global["body"]["token"]); // global untouched
    }

    [Fact]
    public void TestLevelWholeBodyKeyIgnoresBody()
    {
        Assert.True(HttpResponseComparer.Compare(Json("{\"a\":1}"), Json("[2]"), Test(("body", []))).Passed);
    }

    [Fact]
    public void AutoHeaderNoiseRequiresPresenceOnly()
    {
        HttpResponseRecord e = Json("{}", ("Date", "Thu, 16 Oct 2025 10:55:58 GMT"), ("X-B3-TraceId", "abc"));
        Assert.True(HttpResponseComparer.Compare(e, Json("{}", ("Date", "Fri, 17 Oct 2025 10:55:58 GMT"), ("X-B3-TraceId", "def")), NoiseRules.Empty).Passed);

        ComparisonResult missing = HttpResponseComparer.Compare(e, Json("{}", ("X-B3-TraceId", "def")), NoiseRules.Empty);
        Assert.False(missing.Passed);
        Assert.Equal("header.Date", Assert.Single(missing.Differences).Path);

        NoiseRules off = NoiseRules.Create(null, disableAutoHeaderNoise: true);
        Assert.False(HttpResponseComparer.Compare(e, Json("{}", ("Date", "Fri, 17 Oct 2025 10:55:58 GMT"), ("X-B3-TraceId", "abc")), off).Passed);
    }

    [Fact]
    public void InvalidRegexNamesTheNoiseKey()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => Test(("body.a", ["("])));
        Assert.StartsWith("noise body.a: invalid regex '('", e.Message, StringComparison.Ordinal);
    }
}
