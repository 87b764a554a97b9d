using System.IO.Compression;
using System.IO.Pipelines;
using System.Text;
using Keploy.Core.Protocols.Http;

namespace Keploy.Core.Tests.Http;

public sealed class HttpCodecTests
{
    private static async Task<(List<(HttpHead Head, byte[] Body, List<KeyValuePair<string, string>> Trailers)> Messages, byte[] Forwarded)> ReadAllAsync(
        string wire, bool isRequest, string requestMethod = "GET")
    {
        Pipe source = new();
        Pipe sink = new();
        await source.Writer.WriteAsync(Encoding.Latin1.GetBytes(wire));
        await source.Writer.CompleteAsync();
        List<(HttpHead, byte[], List<KeyValuePair<string, string>>)> messages = new();
        while (true)
        {
            var read = await HttpMessageReader.ReadHeadAsync(source.Reader, sink.Writer, isRequest, CancellationToken.None);
            if (read is null)
            {
                break;
            }

            HttpHead head = read.Value.Head;
            var (framing, length) = isRequest ? HttpMessageReader.RequestFraming(head) : HttpMessageReader.ResponseFraming(head, messages.Count == 0 ? requestMethod : "GET");
            HttpBodyCapture body = new();
            await HttpMessageReader.ReadBodyAsync(source.Reader, sink.Writer, framing, length, body, "test", CancellationToken.None);
            messages.Add((head, body.ToArray(), body.Trailers));
        }

        await sink.Writer.CompleteAsync();
        MemoryStream forwarded = new();
        await sink.Reader.CopyToAsync(forwarded);
        return (messages, forwarded.ToArray());
    }

    [Fact]
    public async Task ContentLengthAndPipelinedRequestsAreSplitAndForwardedByteExact()
    {
        string wire = "POST /a?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
            + "GET /b HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nX-A: 2\r\n\r\n"
            + "PUT /c HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc";
        var (messages, forwarded) = await ReadAllAsync(wire, isRequest: true);
        Assert.Equal(3, messages.Count);
        Assert.Equal("POST", messages[0].Head.Method);
        Assert.Equal("/a?x=1", messages[0].Head.Target);
        Assert.Equal("hello", Encoding.ASCII.GetString(messages[0].Body));
        Assert.Empty(messages[1].Body);
        Assert.Equal("1, 2", messages[1].Head.ToHeaderMap()["x-a"]);
        Assert.Equal(0, messages[2].Head.Minor);
        Assert.True(messages[2].Head.WantsClose);
        Assert.Equal(wire, Encoding.Latin1.GetString(forwarded));
    }

    [Fact]
    public async Task ChunkedBodyWithExtensionsAndTrailersIsDecoded()
    {
        string wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n7\r\n, world\r\n0\r\nX-Checksum: abc\r\n\r\n"
            + "HTTP/1.1 204 No Content\r\n\r\n";
        var (messages, forwarded) = await ReadAllAsync(wire, isRequest: false);
        Assert.Equal(2, messages.Count);
        Assert.Equal("hello, world", Encoding.ASCII.GetString(messages[0].Body));
        Assert.Equal(new KeyValuePair<string, string>("X-Checksum", "abc"), Assert.Single(messages[0].Trailers));
        Assert.Equal(204, messages[1].Head.StatusCode);
        Assert.Equal(wire, Encoding.Latin1.GetString(forwarded));
    }

    [Theory]
    [InlineData("HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n")]
    [InlineData("GET", "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n")]
    [InlineData("GET", "HTTP/1.1 204 No Content\r\n\r\n")]
    [InlineData("GET", "HTTP/1.1 100 Continue\r\n\r\n")]
    public async Task ResponsesWithoutBodyEndAtTheHead(string method, string wire)
    {
        var (messages, _) = await ReadAllAsync(wire + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", isRequest: false, method);
        Assert.Equal(2, messages.Count);
        Assert.Empty(messages[0].Body);
        Assert.Equal("ok", Encoding.ASCII.GetString(messages[1].Body));
    }

    [Fact]
    public async Task ResponseWithoutLengthIsDelimitedByClose()
    {
        var (messages, _) = await ReadAllAsync("HTTP/1.0 200 OK\r\n\r\nuntil the end", isRequest: false);
        Assert.Equal("until the end", Encoding.ASCII.GetString(Assert.Single(messages).Body));
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nNoColon\r\n\r\n", "HTTP request head: line 2 'NoColon' has no colon")]
    [InlineData("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", "HTTP request head: line 2 has an invalid field name 'Bad Name'")]
    [InlineData("GET /\r\n\r\n", "HTTP request head: request line 'GET /' is not 'METHOD target HTTP/1.x'")]
    [InlineData("GET / HTTP/2.0\r\n\r\n", "HTTP request head: unsupported HTTP version 'HTTP/2.0' (only HTTP/1.x)")]
    [InlineData("POST / HTTP/1.1\r\nContent-Length: 12x\r\n\r\n", "HTTP request head: invalid Content-Length '12x'")]
    [InlineData("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "test: invalid chunk size 'zz'")]
    [InlineData("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc", "test: connection closed before the body ended (3 bytes read)")]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\n", "HTTP request head: connection closed after 25 bytes of an incomplete head")]
    public async Task MalformedInputGivesOneLineError(string wire, string message)
    {
        HttpParseException ex = await Assert.ThrowsAsync<HttpParseException>(() => ReadAllAsync(wire, isRequest: true));
        Assert.Equal(message, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void GzipTextBodyIsStoredDecompressedAndRecompressedForReplay()
    {
        byte[] json = Encoding.UTF8.GetBytes("{\"ok\":true}");
        MemoryStream gz = new();
        using (GZipStream z = new(gz, CompressionMode.Compress, leaveOpen: true))
        {
            z.Write(json);
        }

        HttpBody body = HttpBodyCoding.ToRecordBody(gz.ToArray(), "gzip");
        Assert.False(body.IsBinary);
        Assert.Equal("{\"ok\":true}", body.Text);
        byte[] wire = HttpBodyCoding.ToWireBody(body, "gzip");
        using GZipStream back = new(new MemoryStream(wire), CompressionMode.Decompress);
        MemoryStream plain = new();
        back.CopyTo(plain);
        Assert.Equal(json, plain.ToArray());
    }

    [Fact]
    public void BinaryBodiesKeepTheirBytes()
    {
        byte[] png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00];
        HttpBody body = HttpBodyCoding.ToRecordBody(png, null);
        Assert.True(body.IsBinary);
        Assert.Equal(png, HttpBodyCoding.ToWireBody(body, null));

        HttpBody notGzip = HttpBodyCoding.ToRecordBody(png, "gzip");
        Assert.True(notGzip.IsBinary);
        Assert.Equal(png, HttpBodyCoding.ToWireBody(notGzip, "gzip"));
    }

    [Fact]
    public void ReplayedResponseHasContentLengthAndNoTransferEncoding()
    {
        HttpResponseRecord resp = new()
        {
            StatusCode = 201,
            Header = new(StringComparer.OrdinalIgnoreCase) { ["Transfer-Encoding"] = "chunked", ["Content-Type"] = "text/plain", ["Content-Length"] = "999" },
            Body = HttpBody.FromText("héllo"),
        };
        string wire = Encoding.UTF8.GetString(HttpWire.Response(resp, "GET"));
        Assert.Equal("HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nhéllo", wire);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n", "Yes")]
    [InlineData("DELETE /x HTTP/1.1", "Yes")]
    [InlineData("DEL", "NeedMoreData")]
    [InlineData("", "NeedMoreData")]
    [InlineData("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "No")]
    [InlineData("\u0016\u0003\u0001", "No")]
    [InlineData("GETX / HTTP/1.1", "No")]
    public void MatchRecognisesHttp1RequestLines(string prefix, string expected)
    {
        HttpIntegration integration = new();
        var result = integration.Match(new System.Buffers.ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(prefix)), new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 80));
        Assert.Equal(expected, result.ToString());
    }
}
