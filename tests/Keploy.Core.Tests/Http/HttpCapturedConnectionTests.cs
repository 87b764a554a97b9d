using System.Text;
using Keploy.Core.Protocols.Http;

namespace Keploy.Core.Tests.Http;

/// <summary>
/// Ingress capture's HTTP/1.x assembler fed real request and response bytes the way the ring buffer delivers them: in chunks of
/// any size, reads and writes interleaved as the app made them.
/// </summary>
public sealed class HttpCapturedConnectionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 6, 0, 0, TimeSpan.Zero);

    private const string Get = "GET /items/KB-001?x=1 HTTP/1.1\r\nHost: shop.test:5200\r\nAccept: */*\r\n\r\n";
    private const string ChunkedAnswer =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
        "7\r\n{\"a\":1,\r\n6\r\n\"b\":2}\r\n0\r\n\r\n";
    private const string Post = "POST /orders HTTP/1.1\r\nHost: shop.test:5200\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"qty\":42}\n";
    private const string Created = "HTTP/1.1 201 Created\r\nContent-Length: 9\r\nLocation: /orders/7\r\n\r\n{\"id\":7}\n";

    [Fact]
    public void KeepAliveExchanges_SplitAtEveryByte_AreRebuiltWithTheSyscallTimes()
    {
        for (int split = 1; split < 40; split++)
        {
            Recorder r = new();
            HttpCapturedConnection c = r.Connection();
            Feed(c.OnRead, Get, split, T0);
            Feed(c.OnWrite, ChunkedAnswer, split, T0.AddMilliseconds(5));
            Feed(c.OnRead, Post, split, T0.AddMilliseconds(10));
            Feed(c.OnWrite, Created, split, T0.AddMilliseconds(20));

            Assert.Null(r.Failure);
            Assert.Equal(2, r.Exchanges.Count);
            (HttpRequestRecord get, HttpResponseRecord chunked) = r.Exchanges[0];
            Assert.Equal("GET", get.Method);
            Assert.Equal("http://shop.test:5200/items/KB-001?x=1", get.Url);
            Assert.Equal(T0, get.Timestamp);
            Assert.Equal(200, chunked.StatusCode);
            Assert.Equal("{\"a\":1,\"b\":2}", chunked.Body.Text);
            Assert.Equal(T0.AddMilliseconds(5 + Chunks(ChunkedAnswer, split) - 1), chunked.Timestamp);

            (HttpRequestRecord post, HttpResponseRecord created) = r.Exchanges[1];
            Assert.Equal("POST", post.Method);
            Assert.Equal("{\"qty\":42}\n", post.Body.Text);
            Assert.Equal(T0.AddMilliseconds(10), post.Timestamp);
            Assert.Equal(201, created.StatusCode);
            Assert.Equal("{\"id\":7}\n", created.Body.Text);
            Assert.Equal(0, c.Buffered);
        }
    }

    [Fact]
    public void PipelinedRequests_InOneRead_AreAnsweredInOrder()
    {
        Recorder r = new();
        HttpCapturedConnection c = r.Connection();
        c.OnRead(Bytes(Get + Post + Get.Replace("KB-001", "KB-002", StringComparison.Ordinal)), T0);
        c.OnWrite(Bytes(ChunkedAnswer + Created + "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"), T0.AddMilliseconds(1));

        Assert.Equal(["GET", "POST", "GET"], r.Exchanges.Select(e => e.Request.Method));
        Assert.Equal([200, 201, 404], r.Exchanges.Select(e => e.Response.StatusCode));
        Assert.EndsWith("/items/KB-002?x=1", r.Exchanges[2].Request.Url, StringComparison.Ordinal);
    }

    [Fact]
    public void InterimContinue_IsSkipped_AndTheBodyAfterItRecorded()
    {
        Recorder r = new();
        HttpCapturedConnection c = r.Connection();
        c.OnRead(Bytes("PUT /blob HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"), T0);
        c.OnWrite(Bytes("HTTP/1.1 100 Continue\r\n\r\n"), T0.AddMilliseconds(1));
        c.OnRead(Bytes("hello"), T0.AddMilliseconds(2));
        c.OnWrite(Bytes("HTTP/1.1 204 No Content\r\n\r\n"), T0.AddMilliseconds(3));

        (HttpRequestRecord request, HttpResponseRecord response) = Assert.Single(r.Exchanges);
        Assert.Equal("hello", request.Body.Text);
        Assert.Equal(204, response.StatusCode);
        Assert.Equal(T0.AddMilliseconds(3), response.Timestamp);
    }

    [Fact]
    public void AnswerBeforeTheWholeRequestBody_IsReportedWhenTheBodyEnds()
    {
        Recorder r = new();
        HttpCapturedConnection c = r.Connection();
        c.OnRead(Bytes("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n01234"), T0);
        c.OnWrite(Bytes("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\n\r\n"), T0.AddMilliseconds(1));
        Assert.Empty(r.Exchanges);
        c.OnRead(Bytes("56789"), T0.AddMilliseconds(2));

        (HttpRequestRecord request, HttpResponseRecord response) = Assert.Single(r.Exchanges);
        Assert.Equal("0123456789", request.Body.Text);
        Assert.Equal(413, response.StatusCode);
    }

    [Fact]
    public void BodyUntilClose_EndsAtTheClose()
    {
        Recorder r = new();
        HttpCapturedConnection c = r.Connection();
        c.OnRead(Bytes("GET / HTTP/1.0\r\nHost: h\r\n\r\n"), T0);
        c.OnWrite(Bytes("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall of "), T0.AddMilliseconds(1));
        c.OnWrite(Bytes("it"), T0.AddMilliseconds(2));
        Assert.Empty(r.Exchanges);
        c.OnClose(T0.AddMilliseconds(3));

        (_, HttpResponseRecord response) = Assert.Single(r.Exchanges);
        Assert.Equal("all of it", response.Body.Text);
        Assert.Equal(T0.AddMilliseconds(3), response.Timestamp);
        Assert.True(c.Stopped);
    }

    [Fact]
    public void SwitchingProtocols_StopsParsing_WithoutAReport()
    {
        Recorder r = new();
        HttpCapturedConnection c = r.Connection();
        c.OnRead(Bytes("GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"), T0);
        c.OnWrite(Bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"), T0);
        c.OnRead([0x81, 0x85, 1, 2, 3, 4, 5, 6, 7, 8, 9], T0);

        Assert.True(c.Stopped);
        Assert.Empty(r.Exchanges);
        Assert.Null(r.Failure);
    }

    [Fact]
    public void Garbage_FailsOnce_AndNothingIsReported()
    {
        Recorder r = new();
        HttpCapturedConnection c = r.Connection();
        c.OnRead(Bytes("\u0001\u0002 not http at all\r\n\r\n"), T0);
        c.OnRead(Bytes(Get), T0);
        c.OnWrite(Bytes(Created), T0);

        Assert.NotNull(r.Failure);
        Assert.Equal(1, r.Failures);
        Assert.Empty(r.Exchanges);
    }

    [Fact]
    public void ResponseBytesWithoutARequest_AreBounded()
    {
        Recorder r = new();
        HttpCapturedConnection c = r.Connection();
        byte[] chunk = new byte[64 * 1024];
        for (int i = 0; i * chunk.Length <= HttpCapturedConnection.MaxUnansweredBytes; i++)
        {
            c.OnWrite(chunk, T0);
        }

        Assert.Contains("before any request head", r.Failure, StringComparison.Ordinal);
        Assert.True(c.Stopped);
    }

    private static int Chunks(string text, int split) => (Encoding.ASCII.GetByteCount(text) + split - 1) / split;

    /// <summary>Feeds <paramref name="text"/> in pieces of <paramref name="split"/> bytes, the k-th at <paramref name="start"/> + k ms.</summary>
    private static void Feed(Action<ReadOnlySpan<byte>, DateTimeOffset> into, string text, int split, DateTimeOffset start)
    {
        byte[] bytes = Bytes(text);
        for (int offset = 0, k = 0; offset < bytes.Length; offset += split, k++)
        {
            into(bytes.AsSpan(offset, Math.Min(split, bytes.Length - offset)), start.AddMilliseconds(k));
        }
    }

    private static byte[] Bytes(string text) => Encoding.ASCII.GetBytes(text);

    private sealed class Recorder
    {
        public List<(HttpRequestRecord Request, HttpResponseRecord Response)> Exchanges { get; } = new();

        public string? Failure { get; private set; }

        public int Failures { get; private set; }

        public HttpCapturedConnection Connection() => new(
            (request, response) => Exchanges.Add((request, response)),
            why =>
            {
                Failure = why;
                Failures++;
            });
    }
}
