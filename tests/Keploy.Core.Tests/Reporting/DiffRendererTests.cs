using Keploy.Core.Protocols.Http;
using Keploy.Core.Replay;
using Keploy.Core.Replay.Comparison;
using Keploy.Core.Replay.Reporting;

namespace Keploy.Core.Tests.Reporting;

public class DiffRendererTests
{
    private static HttpResponseRecord Resp(string body, int status = 200, string type = "application/json")
    {
        HttpResponseRecord r = new() { StatusCode = status, Body = HttpBody.FromText(body) };
        r.Header["Content-Type"] = type;
        return r;
    }

    [Fact]
    public void RendersKeployFailureLayout()
    {
        ComparisonResult c = HttpResponseComparer.Compare(
            Resp("{\"items\":[{\"id\":3,\"price\":10}]}"),
            Resp("{\"items\":[{\"id\":3,\"price\":12}]}", 500, "text/json"),
            NoiseRules.Empty);
        string text = DiffRenderer.RenderFailure("get-items-1", c);
        string[] lines = text.Split('\n');

        Assert.Equal("Testrun failed for testcase with id: \"get-items-1\"", lines[0]);
        Assert.Equal(DiffRenderer.DashedLine, lines[1]);
        Assert.StartsWith("+-", lines[2], StringComparison.Ordinal);
        Assert.Equal("get-items-1", lines[3].Trim('|', ' '));
        Assert.Contains(lines, l => l.StartsWith("| Expect status ", StringComparison.Ordinal) && l.Contains("| Actual status ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("| 200 ", StringComparison.Ordinal) && l.Contains("| 500 ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("| Expect header ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Content-Type: application/json", StringComparison.Ordinal) && l.Contains("Content-Type: text/json", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("| Expect body ", StringComparison.Ordinal) && l.Contains("| Actual body ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("| $.items[0].price: 10 ", StringComparison.Ordinal) && l.Contains("| $.items[0].price: 12 ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("$.items[0].id", StringComparison.Ordinal)); // only differing paths
        Assert.DoesNotContain('\u001b', text);
        int width = lines[2].Length;
        Assert.All(lines.Where(l => l.StartsWith('|') || l.StartsWith('+')), l => Assert.Equal(width, l.Length));
    }

    [Fact]
    public void AnsiColoursExpectedRedAndActualGreen()
    {
        ComparisonResult c = HttpResponseComparer.Compare(Resp("{\"a\":1}"), Resp("{\"a\":2}"), NoiseRules.Empty);
        string text = DiffRenderer.RenderFailure("t", c, ansi: true);
        Assert.Contains("\u001b[31m$.a: 1", text, StringComparison.Ordinal);
        Assert.Contains("\u001b[32m$.a: 2", text, StringComparison.Ordinal);
    }

    [Fact]
    public void OrderOnlyDifferenceGetsKeployWarning()
    {
        ComparisonResult c = HttpResponseComparer.Compare(Resp("{\"ids\":[1,2]}"), Resp("{\"ids\":[2,1]}"), NoiseRules.Empty, new CompareOptions { IgnoreOrdering = false });
        string text = DiffRenderer.RenderFailure("t", c);
        Assert.Contains("⚠️ Expected and actual value of $.ids are in different order but have the same objects\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void LongValuesAreTruncatedAt10000Bytes()
    {
        string big = new('x', 12_000);
        string cut = DiffRenderer.Truncate(big);
        Assert.Equal(new string('x', 10_000) + "...(truncated, original length 12000 bytes)", cut);
        Assert.Equal("short", DiffRenderer.Truncate("short"));
        string multibyte = DiffRenderer.Truncate(new string('é', 6000)); // 2 bytes each
        Assert.StartsWith(new string('é', 5000) + "...(truncated, original length 12000 bytes)", multibyte, StringComparison.Ordinal);
    }

    [Fact]
    public void MultiLinePlainBodiesShowOnlyChangedLines()
    {
        ComparisonResult c = HttpResponseComparer.Compare(
            Resp("line one\nline two\nline three", type: "text/plain"),
            Resp("line one\nline 2\nline three", type: "text/plain"),
            NoiseRules.Empty,
            new CompareOptions { CompareAll = true });
        string text = DiffRenderer.RenderFailure("t", c);
        Assert.Contains("| 2: line two", text, StringComparison.Ordinal);
        Assert.Contains("| 2: line 2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("line one", text, StringComparison.Ordinal);
    }

    [Fact]
    public void RendersMockMisses()
    {
        string text = DiffRenderer.RenderMockMisses(
        [
            new MockMiss("Http", "GET http://catalog:5200/items/7", "mock-3", "url: expected /items/8 actual /items/7", "catalog:5200"),
            new MockMiss("Postgres", "SELECT 1", null, null, "127.0.0.1:5432"),
        ]);
        Assert.Equal(
            "Mock mismatches: 2 outgoing calls found no mock\n" +
            "  [1] Http GET http://catalog:5200/items/7 (destination catalog:5200)\n" +
            "      closest mock: mock-3\n" +
            "      diff:\n" +
            "        url: expected /items/8 actual /items/7\n" +
            "  [2] Postgres SELECT 1 (destination 127.0.0.1:5432)\n" +
            "      closest mock: none\n",
            text);
        Assert.Equal("", DiffRenderer.RenderMockMisses([]));
    }
}
