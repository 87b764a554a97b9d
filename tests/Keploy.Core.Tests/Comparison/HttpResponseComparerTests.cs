using Keploy.Core.Protocols.Http;
using Keploy.Core.Replay.Comparison;

namespace Keploy.Core.Tests.Comparison;

public class HttpResponseComparerTests
{
    private static HttpResponseRecord Resp(string body, string contentType = "application/json", int status = 200)
    {
        HttpResponseRecord r = new() { StatusCode = status, Body = HttpBody.FromText(body) };
        r.Header["Content-Type"] = contentType;
        r.Header["Content-Length"] = System.Text.Encoding.UTF8.GetByteCount(body).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return r;
    }

    private static readonly CompareOptions Ordered = new() { IgnoreOrdering = false };

    [Fact]
    public void StatusMismatchFails()
    {
        ComparisonResult r = HttpResponseComparer.Compare(Resp("{}"), Resp("{}", status: 500), NoiseRules.Empty);
        Assert.False(r.Passed);
        Assert.Equal(new StatusCodeResult(false, 200, 500), r.StatusCode);
        Assert.Equal("status_code expected 200 actual 500", Assert.Single(r.Differences).ToString());
    }

    [Fact]
    public void ArrayOrderIgnoredByDefaultNotWhenOrdered()
    {
        HttpResponseRecord e = Resp("{\"items\":[1,2,3]}");
        HttpResponseRecord a = Resp("{\"items\":[3,1,2]}");
        ComparisonResult unordered = HttpResponseComparer.Compare(e, a, NoiseRules.Empty);
        Assert.True(unordered.Passed);
        Assert.Equal(["$.items"], unordered.ReorderedArrays);

        ComparisonResult ordered = HttpResponseComparer.Compare(e, a, NoiseRules.Empty, Ordered);
        Assert.False(ordered.Passed);
        ResponseDifference d = Assert.Single(ordered.Differences);
        Assert.Equal(DifferenceKind.OrderOnly, d.Kind);
        Assert.Equal("$.items", d.Path);
    }

    [Fact]
    public void NestedArraysMatchAsMultisetsRecursively()
    {
        HttpResponseRecord e = Resp("[{\"tags\":[\"a\",\"b\"],\"n\":1},{\"tags\":[\"c\"],\"n\":2}]");
        HttpResponseRecord a = Resp("[{\"n\":2,\"tags\":[\"c\"]},{\"n\":1,\"tags\":[\"b\",\"a\"]}]");
        Assert.True(HttpResponseComparer.Compare(e, a, NoiseRules.Empty).Passed);
        Assert.False(HttpResponseComparer.Compare(e, a, NoiseRules.Empty, Ordered).Passed);
    }

    [Fact]
    public void BooleanValueChangeFails()
    {
        ComparisonResult r = HttpResponseComparer.Compare(Resp("{\"valid\":true}"), Resp("{\"valid\":false}"), NoiseRules.Empty);
        Assert.False(r.Passed);
        Assert.Contains("$.valid expected true actual false", r.Differences.Select(d => d.ToString()));
        Assert.False(HttpResponseComparer.Compare(Resp("[true,false]"), Resp("[false,false]"), NoiseRules.Empty).Passed);
        Assert.True(HttpResponseComparer.Compare(Resp("[true,false]"), Resp("[false,true]"), NoiseRules.Empty).Passed);
    }

    [Fact]
    public void MultisetCountsDuplicates()
    {
        ComparisonResult r = HttpResponseComparer.Compare(Resp("[1,1,2]"), Resp("[1,2,2]"), NoiseRules.Empty);
        Assert.False(r.Passed);
        ResponseDifference d = Assert.Single(r.Differences);
        Assert.Equal("$[1] expected 1 actual 2", d.ToString());
    }

    [Fact]
    public void ReportsDifferingPathInsideArray()
    {
        HttpResponseRecord e = Resp("{\"items\":[{\"id\":1,\"price\":5},{\"id\":2,\"price\":7},{\"id\":3,\"price\":10}]}");
        HttpResponseRecord a = Resp("{\"items\":[{\"id\":1,\"price\":5},{\"id\":2,\"price\":7},{\"id\":3,\"price\":12}]}");
        ComparisonResult r = HttpResponseComparer.Compare(e, a, NoiseRules.Empty, Ordered);
        Assert.Equal("$.items[2].price expected 10 actual 12", Assert.Single(r.Differences).ToString());
        Assert.Equal("$.items[2].price expected 10 actual 12", Assert.Single(HttpResponseComparer.Compare(e, a, NoiseRules.Empty).Differences).ToString());
    }

    [Fact]
    public void MissingAndExtraKeysFailAndNumbersCompareByValue()
    {
        ComparisonResult r = HttpResponseComparer.Compare(Resp("{\"a\":1.0,\"b\":2}"), Resp("{\"a\":1,\"c\":3}"), NoiseRules.Empty);
        Assert.Equal(["$.b expected 2 actual <missing>", "$.c expected <missing> actual 3"], r.Differences.Where(d => d.Path.StartsWith("$", StringComparison.Ordinal)).Select(d => d.ToString()));
    }

    [Fact]
    public void ContentLengthIgnoredOnlyWhenBodiesPass()
    {
        NoiseRules noise = NoiseRules.Create(new Dictionary<string, List<string>> { ["body.ts"] = new() });
        HttpResponseRecord e = Resp("{\"ts\":\"1\"}");
        HttpResponseRecord a = Resp("{\"ts\":\"12345\"}");
        Assert.True(HttpResponseComparer.Compare(e, a, noise).Passed);

        ComparisonResult failing = HttpResponseComparer.Compare(e, a, NoiseRules.Empty);
        Assert.Contains(failing.Differences, d => d.Path == "header.Content-Length");
        Assert.Contains(failing.HeadersResult, h => h.Expected.Key == "Content-Length" && !h.Normal);
    }

    [Fact]
    public void HopByHopHeadersAreNotCompared()
    {
        HttpResponseRecord e = Resp("{}");
        e.Header["Transfer-Encoding"] = "chunked";
        e.Header["Connection"] = "keep-alive";
        e.Header.Remove("Content-Length");
        HttpResponseRecord a = Resp("{}");
        ComparisonResult r = HttpResponseComparer.Compare(e, a, NoiseRules.Empty);
        Assert.True(r.Passed);
        Assert.Equal(["Connection", "Content-Type", "Transfer-Encoding"], r.HeadersResult.Select(h => h.Expected.Key));
    }

    [Fact]
    public void NonJsonBodiesComparedOnlyWithCompareAll()
    {
        HttpResponseRecord e = Resp("Hello", "text/plain");
        HttpResponseRecord a = Resp("Hullo", "text/plain");
        ComparisonResult lax = HttpResponseComparer.Compare(e, a, NoiseRules.Empty);
        Assert.True(lax.Passed);
        Assert.Equal("PLAIN", lax.BodyResult[0].Type);

        ComparisonResult all = HttpResponseComparer.Compare(e, a, NoiseRules.Empty, new CompareOptions { CompareAll = true });
        Assert.False(all.Passed);
        Assert.Equal("body", all.Differences.Single(d => d.Path == "body").Path);
    }

    [Fact]
    public void JsonAgainstNonJsonFails()
    {
        ComparisonResult r = HttpResponseComparer.Compare(Resp("{\"a\":1}"), Resp("oops", "text/plain"), NoiseRules.Empty);
        Assert.False(r.Passed);
        Assert.Contains(r.Differences, d => d.Path == "body" && d.Kind == DifferenceKind.TypeChanged);
    }

    [Fact]
    public void EmptyBodiesAreEqual()
    {
        ComparisonResult r = HttpResponseComparer.Compare(new HttpResponseRecord { StatusCode = 204 }, new HttpResponseRecord { StatusCode = 204 }, NoiseRules.Empty);
        Assert.True(r.Passed);
        Assert.Equal(new BodyResult(true, "PLAIN", "", ""), r.BodyResult[0]);
    }
}
