using System.Text;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Replay.Comparison;
using Keploy.Core.Storage;

namespace Keploy.Core.Tests.Http;

/// <summary>
/// The recorder's direct test case text (<see cref="HttpTestCaseText"/>) against the node writer as the oracle:
/// <c>KeployYaml.FormatTestCase(HttpSpec.CreateTestCase(...))</c> must give the same bytes for every shape, and the text must read
/// back as the same exchange.
/// </summary>
public sealed class HttpTestCaseTextTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 16, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public void CatalogGet_IsTheNodeWritersText()
    {
        (HttpRequestRecord req, HttpResponseRecord resp) = Exchange(
            "GET", "http://127.0.0.1:5200/items/KB-001", [("Host", "127.0.0.1:5200"), ("Accept", "*/*"), ("User-Agent", "wrk")], "",
            200, "OK", [("Content-Type", "application/json; charset=utf-8"), ("Date", "Thu, 03 Dec 2026 16:00:00 GMT"), ("Server", "Kestrel")],
            "{\"sku\":\"KB-001\",\"name\":\"Mechanical keyboard\",\"priceCents\":8999,\"stock\":12}");
        string text = AssertSameAsNodeWriter("test-1", req, resp, 5200);
        Assert.Contains("      Accept: '*/*'\n", text);
        Assert.Contains("    body: \"\"\n", text);
        Assert.Contains("      header.Date: []\n", text);
        Assert.EndsWith("    --header 'User-Agent: wrk' \\\n", text);
    }

    [Fact]
    public void TrickyScalars_KeysAndBodies_AreStyledAsTheNodeWriterStylesThem()
    {
        (HttpRequestRecord req, HttpResponseRecord resp) = Exchange(
            "POST", "http://shop.test/orders?q=a b&x=#1",
            [("X-Count", "29"), ("X-Flag", "true"), ("X-Empty", ""), ("X-Null", "null"), ("X-Colon", "a: b"), ("X-Dash", "- x"),
             ("X-Hash", "#x"), ("X-Lead", " lead"), ("X-Trail", "trail "), ("X-Quote", "it's \"q\""), ("X-Uni", "ü € 😀"),
             ("X-Ctl", "a\tb\u0001c"), ("123", "key is a number"), ("X-Float", "1e3"), ("X-Time", "2026-12-03")],
            "line one\nline two\n\n",
            201, "", [("Location", "/orders/7")], " {\n  \"leading\": \"space\"\n}");
        req.UrlParams = new Dictionary<string, string>(StringComparer.Ordinal) { ["q"] = "a b", ["x"] = "#1", ["n"] = "7" };
        AssertSameAsNodeWriter("post-orders-1", req, resp, null);
    }

    [Fact]
    public void BinaryBodies_AndEmptyHeaders_AreTheNodeWritersText()
    {
        HttpRequestRecord req = new() { Method = "PUT", Url = "http://x/blob", Timestamp = T0, Body = new HttpBody([0, 1, 2, 255, 254], isBinary: true) };
        HttpResponseRecord resp = new() { StatusCode = 204, StatusMessage = "No Content", Timestamp = T0.AddMilliseconds(3), Body = new HttpBody([0xde, 0xad], isBinary: true) };
        string text = AssertSameAsNodeWriter("test-2", req, resp, 80);
        Assert.Contains("    header: {}\n", text);
        Assert.Contains("body: !!binary ", text);
    }

    [Fact]
    public void RandomExchanges_AreTheNodeWritersText()
    {
        // Fixed seed: the same 1,500 exchanges each run, built from characters that change a scalar's style.
        Random random = new(20261203);
        const string alphabet = "aZ09 -:#'\"\\\n\t{}[],&*!|>%@`?~.\u00e9\u20ac\u0085\u00a0\u2028\r\u0000";
        string Next(int max)
        {
            int n = random.Next(max + 1);
            StringBuilder sb = new();
            for (int i = 0; i < n; i++)
            {
                sb.Append(random.Next(3) == 0 ? alphabet[random.Next(alphabet.Length)] : (char)('a' + random.Next(26)));
            }

            return sb.ToString();
        }

        for (int i = 0; i < 1500; i++)
        {
            HttpRequestRecord req = new() { Method = Next(6), Url = Next(30), Timestamp = T0.AddTicks(random.Next()) };
            HttpResponseRecord resp = new() { StatusCode = random.Next(100, 600), StatusMessage = Next(8), Timestamp = T0.AddTicks(random.Next()) };
            for (int h = random.Next(5); h > 0; h--)
            {
                req.Header[Next(10) + h] = Next(12);
                resp.Header[Next(10) + h] = Next(12);
            }

            req.Body = HttpBody.FromText(Next(40));
            resp.Body = random.Next(8) == 0 ? new HttpBody(Encoding.UTF8.GetBytes(Next(20)), isBinary: true) : HttpBody.FromText(Next(60));
            if (random.Next(4) == 0)
            {
                req.UrlParams = new Dictionary<string, string>(StringComparer.Ordinal) { [Next(5) + "k"] = Next(8) };
            }

            Dictionary<string, List<string>> noise = new(StringComparer.Ordinal);
            for (int k = random.Next(3); k > 0; k--)
            {
                noise[Next(8) + k] = Enumerable.Range(0, random.Next(3)).Select(_ => Next(6)).ToList();
            }

            Assert.Equal(
                KeployYaml.FormatTestCase(HttpSpec.CreateTestCase($"t-{i}", req, resp, noise, i % 2 == 0 ? null : i, 1_700_000_000 + i)),
                Text($"t-{i}", req, resp, noise, i % 2 == 0 ? null : i, 1_700_000_000 + i));
        }
    }

    [Fact]
    public void TheText_ReadsBackAsTheExchange()
    {
        (HttpRequestRecord req, HttpResponseRecord resp) = Exchange(
            "POST", "http://127.0.0.1:5100/orders", [("Content-Type", "application/json")], "{\"qty\":2}\n",
            201, "Created", [("Content-Type", "application/json")], "{\"id\":7,\n\"at\":\"2026-12-03T16:00:00Z\"}");
        string path = Path.Combine(Path.GetTempPath(), "httptext-" + Guid.NewGuid().ToString("N") + ".yaml");
        try
        {
            File.WriteAllText(path, Text("test-3", req, resp, AutoNoise.Detect(resp), 5100, 1_800_000_000));
            TestCase back = Assert.Single(KeployYaml.ReadTestCases(path));
            (HttpRequestRecord r2, HttpResponseRecord s2) = (HttpSpec.FromTestCase(back).Request, HttpSpec.FromTestCase(back).Response);
            Assert.Equal("test-3", back.Name);
            Assert.Equal(req.Body.Text, r2.Body.Text);
            Assert.Equal(resp.Body.Text, s2.Body.Text);
            Assert.Equal(201, s2.StatusCode);
            Assert.Equal(req.Timestamp, r2.Timestamp);
            Assert.Equal(HttpSpec.MakeCurl(req), back.Curl);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string AssertSameAsNodeWriter(string name, HttpRequestRecord req, HttpResponseRecord resp, int? appPort)
    {
        Dictionary<string, List<string>> noise = new(AutoNoise.Detect(resp), StringComparer.Ordinal);
        noise["body.id"] = ["^\\d+$", "a, b", "", "[x]"];
        string expected = KeployYaml.FormatTestCase(HttpSpec.CreateTestCase(name, req, resp, noise, appPort, 1_795_000_000));
        string actual = Text(name, req, resp, noise, appPort, 1_795_000_000);
        Assert.Equal(expected, actual);
        return actual;
    }

    private static string Text(string name, HttpRequestRecord req, HttpResponseRecord resp, IEnumerable<KeyValuePair<string, List<string>>> noise, int? appPort, long created)
    {
        StringBuilder sb = new();
        string curl = HttpTestCaseText.Write(sb, name, req, resp, noise, appPort, created);
        Assert.Equal(HttpSpec.MakeCurl(req), curl);
        return sb.ToString();
    }

    private static (HttpRequestRecord, HttpResponseRecord) Exchange(
        string method, string url, (string, string)[] reqHeaders, string reqBody, int status, string message, (string, string)[] respHeaders, string respBody)
    {
        HttpRequestRecord req = new() { Method = method, Url = url, Timestamp = T0, Body = HttpBody.FromText(reqBody) };
        foreach ((string k, string v) in reqHeaders)
        {
            req.Header[k] = v;
        }

        HttpResponseRecord resp = new() { StatusCode = status, StatusMessage = message, Timestamp = T0.AddMilliseconds(2), Body = HttpBody.FromText(respBody) };
        foreach ((string k, string v) in respHeaders)
        {
            resp.Header[k] = v;
        }

        return (req, resp);
    }
}
