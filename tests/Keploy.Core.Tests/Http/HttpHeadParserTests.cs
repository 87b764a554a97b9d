using System.Buffers;
using System.Text;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Tests.Http2;

namespace Keploy.Core.Tests.Http;

/// <summary>The span parser of HTTP/1.x heads: one segment or many give the same head; values decode as UTF-8 or Latin-1; bad heads fail by line.</summary>
public sealed class HttpHeadParserTests
{
    private const string Request = "GET /items/KB-001?q=1 HTTP/1.1\r\nHost: 127.0.0.1:5200\r\nX-Note: \t caf\u00e9 \r\nAccept: */*\r\n\r\nBODY";

    [Fact]
    public void Single_and_multi_segment_heads_parse_alike()
    {
        byte[] bytes = Encoding.UTF8.GetBytes(Request);
        Assert.True(HttpHeadParser.TryParse(new ReadOnlySequence<byte>(bytes), isRequest: true, out HttpHead one, out SequencePosition end1));
        ReadOnlySequence<byte> split = Http2FrameCodecTests.TwoSegments(bytes, 7);
        Assert.True(HttpHeadParser.TryParse(split, isRequest: true, out HttpHead many, out SequencePosition end2));
        foreach (HttpHead h in new[] { one, many })
        {
            Assert.Equal("GET", h.Method);
            Assert.Equal("/items/KB-001?q=1", h.Target);
            Assert.Equal(1, h.Minor);
            Assert.Equal(["Host", "X-Note", "Accept"], h.Headers.Select(x => x.Key));
            Assert.Equal("caf\u00e9", h.Get("X-Note"));
            Assert.Equal(bytes.Length - 4, h.WireLength);
        }

        Assert.Equal("BODY", Encoding.ASCII.GetString(new ReadOnlySequence<byte>(bytes).Slice(end1).ToArray()));
        Assert.Equal("BODY", Encoding.ASCII.GetString(split.Slice(end2).ToArray()));
    }

    [Fact]
    public void Invalid_utf8_value_is_latin1_and_incomplete_head_waits()
    {
        byte[] bytes = [.. "HTTP/1.1 404 Not Found\r\nX-Raw: "u8, 0xE9, .. "\r\n\r\n"u8];
        Assert.True(HttpHeadParser.TryParse(new ReadOnlySequence<byte>(bytes), isRequest: false, out HttpHead head, out _));
        Assert.Equal(404, head.StatusCode);
        Assert.Equal("Not Found", head.Reason);
        Assert.Equal("\u00e9", head.Get("X-Raw"));
        Assert.False(HttpHeadParser.TryParse(new ReadOnlySequence<byte>(bytes, 0, bytes.Length - 2), isRequest: false, out _, out _));
    }

    [Theory]
    [InlineData("GET  / HTTP/1.1\r\n\r\n", "is not 'METHOD target HTTP/1.x'")]
    [InlineData("G(T / HTTP/1.1\r\n\r\n", "invalid method")]
    [InlineData("GET / HTTP/2.0\r\n\r\n", "unsupported HTTP version")]
    [InlineData("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", "line 2 has an invalid field name")]
    [InlineData("GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", "line 3 uses obsolete line folding")]
    [InlineData("GET / HTTP/1.1\r\nNoColon\r\n\r\n", "line 2 'NoColon' has no colon")]
    [InlineData("GET / HTTP/1.1\r\nA: b\rc\r\n\r\n", "control character in the value of 'A'")]
    public void Malformed_heads_fail_naming_the_line(string wire, string expected)
    {
        byte[] bytes = Encoding.Latin1.GetBytes(wire);
        foreach (ReadOnlySequence<byte> sequence in new[] { new ReadOnlySequence<byte>(bytes), Http2FrameCodecTests.TwoSegments(bytes, 3) })
        {
            HttpParseException ex = Assert.Throws<HttpParseException>(() => HttpHeadParser.TryParse(sequence, isRequest: true, out _, out _));
            Assert.Contains(expected, ex.Message);
        }
    }

    [Fact]
    public void Status_code_must_be_three_digits()
    {
        byte[] bytes = "HTTP/1.1 2x0 OK\r\n\r\n"u8.ToArray();
        HttpParseException ex = Assert.Throws<HttpParseException>(() => HttpHeadParser.TryParse(new ReadOnlySequence<byte>(bytes), isRequest: false, out _, out _));
        Assert.Contains("invalid status code '2x0'", ex.Message);
    }
}
