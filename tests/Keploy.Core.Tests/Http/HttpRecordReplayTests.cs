using System.Net;
using System.Net.Http;
using System.Text;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Proxy;
using Keploy.Core.Replay;

namespace Keploy.Core.Tests.Http;

public sealed class HttpRecordReplayTests
{
    internal static HttpClient Client(int proxyPort, int upstreamPort)
    {
        SocketsHttpHandler handler = new()
        {
            AutomaticDecompression = DecompressionMethods.None,
            ConnectCallback = async (ctx, ct) =>
            {
                System.Net.Sockets.Socket s = new(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                await s.ConnectAsync(IPAddress.Loopback, proxyPort, ct);
                return new System.Net.Sockets.NetworkStream(s, ownsSocket: true);
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{upstreamPort}") };
    }

    internal static async Task<List<Mock>> RecordAsync(Func<HttpClient, Task> calls, int expectedMocks)
    {
        using HttpTestUpstream upstream = new();
        ListMockRecorder recorder = new();
        using HttpTestProxy proxy = new(
            (id, client) => new ProxyConnection(id, new IPEndPoint(IPAddress.Loopback, upstream.Port), client, _ => { })
            {
                ConnectUpstreamAsync = ct => HttpTestProxy.ConnectAsync(upstream.Port, ct),
                Recorder = recorder,
            },
            record: true);
        using (HttpClient client = Client(proxy.Port, upstream.Port))
        {
            await calls(client);
        }

        // The mock is handed over after the response's last byte was relayed; wait (bounded) for the recorder to see it.
        for (int i = 0; i < 200 && recorder.Snapshot().Count < expectedMocks; i++)
        {
            await Task.Delay(10);
        }

        return recorder.Snapshot();
    }

    [Fact]
    public async Task RecordsKeepAliveExchangesAsMocksWhileRelayingExactly()
    {
        List<string> seen = new();
        List<Mock> mocks = await RecordAsync(
            async client =>
            {
                seen.Add(await client.GetStringAsync("/count"));
                seen.Add(await client.GetStringAsync("/count"));
                HttpResponseMessage gz = await client.GetAsync("/gzip");
                Assert.Equal("gzip", Assert.Single(gz.Content.Headers.ContentEncoding));
                seen.Add(Convert.ToBase64String(await gz.Content.ReadAsByteArrayAsync()));
                seen.Add((await client.GetStringAsync("/chunked")).Length.ToString());
                HttpRequestMessage post = new(HttpMethod.Post, "/echo") { Content = new StringContent("{\"a\":1}", Encoding.UTF8, "application/json") };
                post.Headers.ExpectContinue = true;
                HttpResponseMessage echoed = await client.SendAsync(post);
                Assert.Equal(HttpStatusCode.Created, echoed.StatusCode);
                seen.Add(await echoed.Content.ReadAsStringAsync());
            },
            expectedMocks: 5);

        Assert.Equal("{\"n\":1}", seen[0]);
        Assert.Equal("{\"n\":2}", seen[1]);
        Assert.Equal("5000", seen[3]);
        Assert.Equal("{\"a\":1}", seen[4]);
        Assert.Equal(5, mocks.Count);
        HttpMockSpec first = HttpSpec.FromMock(mocks[0]);
        Assert.Equal("/count", first.Request.Url);
        Assert.Equal("{\"n\":1}", first.Response.Body.Text);
        Assert.Equal("HTTP_CLIENT", first.Metadata["type"]);
        Assert.Equal("GET", first.Metadata["operation"]);
        Assert.NotNull(mocks[0].RequestTimestamp);
        Assert.True(mocks[0].ResponseTimestamp >= mocks[0].RequestTimestamp);
        HttpMockSpec gzip = HttpSpec.FromMock(mocks[2]);
        Assert.False(gzip.Response.Body.IsBinary);
        Assert.Equal("{\"compressed\":\"yes\"}", gzip.Response.Body.Text);
        Assert.Equal("gzip", gzip.Response.Header["Content-Encoding"]);
        HttpMockSpec chunked = HttpSpec.FromMock(mocks[3]);
        Assert.Equal(5000, chunked.Response.Body.Bytes.Length);
        HttpMockSpec echo = HttpSpec.FromMock(mocks[4]);
        Assert.Equal(201, echo.Response.StatusCode);
        Assert.Equal("{\"a\":1}", echo.Request.Body.Text);
        Assert.Equal("Created", echo.Response.StatusMessage);
    }

    [Fact]
    public async Task ReplayServesRepeatedCallsInRecordedOrderAndExplainsMisses()
    {
        List<Mock> mocks = await RecordAsync(
            async client =>
            {
                await client.GetStringAsync("/count");
                await client.GetStringAsync("/count");
                await client.GetAsync("/gzip");
                await client.PostAsync("/echo", new StringContent("{\"name\":\"alice\",\"age\":3}", Encoding.UTF8, "application/json"));
            },
            expectedMocks: 4);
        Assert.Equal(4, mocks.Count);

        MockPool pool = new(mocks, firstTestRequestTime: null);
        using HttpTestProxy proxy = new(
            (id, client) => new ProxyConnection(id, new IPEndPoint(IPAddress.Loopback, 9), client, _ => { }) { Mocks = pool },
            record: false);
        using HttpClient replay = Client(proxy.Port, 5200);
        Assert.Equal("{\"n\":1}", await replay.GetStringAsync("/count"));
        Assert.Equal("{\"n\":2}", await replay.GetStringAsync("/count"));
        HttpResponseMessage gz = await replay.GetAsync("/gzip");
        byte[] gzBytes = await gz.Content.ReadAsByteArrayAsync();
        using (var z = new System.IO.Compression.GZipStream(new MemoryStream(gzBytes), System.IO.Compression.CompressionMode.Decompress))
        {
            MemoryStream plain = new();
            z.CopyTo(plain);
            Assert.Equal("{\"compressed\":\"yes\"}", Encoding.UTF8.GetString(plain.ToArray()));
        }

        Assert.Equal(3, pool.TakeEvents().Count(e => e.Mock is not null));

        // Third /count: both recorded ones are consumed → miss.
        HttpResponseMessage miss = await replay.GetAsync("/count");
        Assert.Equal(HttpStatusCode.BadGateway, miss.StatusCode);
        Assert.Equal("keploy: no matching mock found for this HTTP request\n", await miss.Content.ReadAsStringAsync());
        MockMiss report = Assert.Single(pool.TakeEvents()).Miss!;
        Assert.Equal("Http", report.Kind);
        Assert.Equal("GET http://127.0.0.1:5200/count", report.Summary);
        Assert.Equal("mock-0", report.ClosestMock);

        // A changed body: closest is the recorded POST and the diff names the JSON path.
        HttpResponseMessage miss2 = await replay.PostAsync("/echo", new StringContent("{\"name\":\"bob\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadGateway, miss2.StatusCode);
        MockMiss report2 = Assert.Single(pool.TakeEvents()).Miss!;
        Assert.Equal("mock-3", report2.ClosestMock);
        Assert.Contains("method   POST = POST", report2.Diff);
        Assert.Contains("body     $.name  expected \"alice\"  actual \"bob\"", report2.Diff);
        Assert.Contains("body     $.age  expected 3  actual <missing>", report2.Diff);
    }

    [Fact]
    public async Task IngressReportsTestCaseExchangesAndExchangeClientReadsTheSame()
    {
        using HttpTestUpstream app = new();
        System.Net.Sockets.TcpListener ingress = new(IPAddress.Loopback, 0);
        ingress.Start();
        int ingressPort = ((IPEndPoint)ingress.LocalEndpoint).Port;
        List<(HttpRequestRecord Req, HttpResponseRecord Resp)> exchanges = new();
        Task relay = Task.Run(async () =>
        {
            using System.Net.Sockets.TcpClient client = await ingress.AcceptTcpClientAsync();
            using System.Net.Sockets.TcpClient appConn = new();
            await appConn.ConnectAsync(IPAddress.Loopback, app.Port);
            await HttpIngress.RelayAsync(client.GetStream(), appConn.GetStream(), (q, r) => exchanges.Add((q, r)), _ => { }, CancellationToken.None);
        });

        HttpRequestRecord request = new()
        {
            Method = "POST",
            Url = $"http://127.0.0.1:{ingressPort}/echo?x=1",
            Header = new(StringComparer.OrdinalIgnoreCase) { ["Host"] = $"127.0.0.1:{ingressPort}", ["Content-Type"] = "application/json", ["Connection"] = "close" },
            Body = HttpBody.FromText("{\"k\":\"v\"}"),
        };
        HttpResponseRecord viaIngress = await HttpExchange.SendAsync(request, new Uri($"http://127.0.0.1:{ingressPort}"), TimeSpan.FromSeconds(30), CancellationToken.None);
        await relay;
        ingress.Stop();

        var (req, resp) = Assert.Single(exchanges);
        Assert.Equal($"http://127.0.0.1:{ingressPort}/echo?x=1", req.Url);
        Assert.Equal("1", req.UrlParams!["x"]);
        Assert.Equal("{\"k\":\"v\"}", req.Body.Text);
        Assert.Equal(201, resp.StatusCode);
        Assert.True(resp.Timestamp >= req.Timestamp);
        Assert.Equal(resp.Body.Bytes, viaIngress.Body.Bytes);
        Assert.Equal(resp.StatusCode, viaIngress.StatusCode);

        TestCase tc = HttpSpec.CreateTestCase("test-1", req, resp, new() { ["header.Date"] = new() }, 8080);
        Assert.Equal(
            $"curl --request POST \\\n  --url http://127.0.0.1:{ingressPort}/echo?x=1 \\\n  --header 'Host: 127.0.0.1:{ingressPort}' \\\n"
            + "  --header 'Content-Type: application/json' \\\n  --header 'Connection: close' \\\n  --data \"{\\\"k\\\":\\\"v\\\"}\"",
            tc.Curl);
        HttpTestCaseSpec view = HttpSpec.FromTestCase(tc);
        Assert.Equal(8080, view.AppPort);
        Assert.Equal(["header.Date"], view.Noise.Keys);
        Assert.Equal(req.Body.Bytes, view.Request.Body.Bytes);
    }
}
