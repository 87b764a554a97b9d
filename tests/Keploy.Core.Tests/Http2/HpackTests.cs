using System.Buffers;
using System.Text;
using Keploy.Core.Protocols.Http2;
using Xunit;

namespace Keploy.Core.Tests.Http2;

/// <summary>RFC 7541 Appendix C examples, decoded in sequence with one decoder per example group (C.3-C.6 share the table).</summary>
public sealed class HpackTests
{
    private static readonly (string Name, string Value)[][] Requests =
    [
        [(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com")],
        [(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com"), ("cache-control", "no-cache")],
        [(":method", "GET"), (":scheme", "https"), (":path", "/index.html"), (":authority", "www.example.com"), ("custom-key", "custom-value")],
    ];

    private static readonly (string Name, string Value)[][] Responses =
    [
        [(":status", "302"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"), ("location", "https://www.example.com")],
        [(":status", "307"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"), ("location", "https://www.example.com")],
        [(":status", "200"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:22 GMT"), ("location", "https://www.example.com"), ("content-encoding", "gzip"), ("set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1")],
    ];

    private static readonly string[] C5 = ["4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a31333a323120474d546e1768747470733a2f2f7777772e6578616d706c652e636f6d", "4803333037c1c0bf", "88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d54c05a04677a69707738666f6f3d4153444a4b48514b425a584f5157454f50495541585157454f49553b206d61782d6167653d333630303b2076657273696f6e3d31"];

    public static TheoryData<string, string[], int, int[]> Sequences => new()
    {
        // group, blocks, table max size, table size after each block (RFC 7541 C.3-C.6)
        { "C.3", ["828684410f7777772e6578616d706c652e636f6d", "828684be58086e6f2d6361636865", "828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565"], 4096, [57, 110, 164] },
        { "C.4", ["828684418cf1e3c2e5f23a6ba0ab90f4ff", "828684be5886a8eb10649cbf", "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf"], 4096, [57, 110, 164] },
        { "C.5", C5, 256, [222, 222, 215] },
        { "C.6", ["488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29ad171863c78f0b97c8e9ae82ae43d3", "4883640effc1c0bf", "88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007"], 256, [222, 222, 215] },
    };

    [Theory]
    [MemberData(nameof(Sequences))]
    public void AppendixCSequencesDecodeWithTheRfcTableSizes(string group, string[] blocks, int tableSize, int[] sizes)
    {
        var decoder = new HpackDecoder();
        decoder.Table.Resize(tableSize);
        (string, string)[][] expected = group is "C.3" or "C.4" ? Requests : Responses;
        for (int i = 0; i < blocks.Length; i++)
        {
            List<Http2HeaderField> fields = decoder.Decode(Convert.FromHexString(blocks[i]));
            Assert.Equal(expected[i], fields.Select(f => (f.Name, f.Value)).ToArray());
            Assert.Equal(sizes[i], decoder.Table.Size);
        }
    }

    [Fact]
    public void AppendixC5LeavesTheRfcDynamicTable()
    {
        var decoder = new HpackDecoder();
        decoder.Table.Resize(256);
        foreach (string block in C5)
        {
            decoder.Decode(Convert.FromHexString(block));
        }

        // C.5.3: [1] set-cookie, [2] content-encoding: gzip, [3] date: ... 20:13:22 GMT
        Assert.Equal(3, decoder.Table.Count);
        Assert.Equal("set-cookie", decoder.Table[1].Name);
        Assert.Equal(new Http2HeaderField("content-encoding", "gzip"), decoder.Table[2]);
        Assert.Equal(new Http2HeaderField("date", "Mon, 21 Oct 2013 20:13:22 GMT"), decoder.Table[3]);
    }

    [Theory]
    [InlineData("400a637573746f6d2d6b65790d637573746f6d2d686561646572", "custom-key", "custom-header", 55)] // C.2.1
    [InlineData("040c2f73616d706c652f70617468", ":path", "/sample/path", 0)] // C.2.2
    [InlineData("100870617373776f726406736563726574", "password", "secret", 0)] // C.2.3
    [InlineData("82", ":method", "GET", 0)] // C.2.4
    public void AppendixC2SingleFields(string hex, string name, string value, int tableSize)
    {
        var decoder = new HpackDecoder();
        List<Http2HeaderField> fields = decoder.Decode(Convert.FromHexString(hex));
        Assert.Equal(new[] { new Http2HeaderField(name, value) }, fields);
        Assert.Equal(tableSize, decoder.Table.Size);
    }

    [Theory]
    [InlineData("0a", 5, 10)] // C.1.1
    [InlineData("1f9a0a", 5, 1337)] // C.1.2
    [InlineData("2a", 8, 42)] // C.1.3
    public void AppendixC1Integers(string hex, int prefix, long value)
    {
        int pos = 0;
        Assert.Equal(value, HpackDecoder.ReadInteger(Convert.FromHexString(hex), ref pos, prefix));
        var writer = new ArrayBufferWriter<byte>();
        HpackEncoder.WriteInteger(writer, 0, prefix, value);
        Assert.Equal(hex, Convert.ToHexString(writer.WrittenSpan).ToLowerInvariant());
    }

    [Theory]
    [InlineData("www.example.com", "f1e3c2e5f23a6ba0ab90f4ff")]
    [InlineData("no-cache", "a8eb10649cbf")]
    [InlineData("custom-key", "25a849e95ba97d7f")]
    [InlineData("302", "6402")]
    [InlineData("Mon, 21 Oct 2013 20:13:21 GMT", "d07abe941054d444a8200595040b8166e082a62d1bff")]
    public void HuffmanEncodesAndDecodesTheRfcStrings(string text, string hex)
    {
        byte[] raw = Encoding.ASCII.GetBytes(text);
        byte[] encoded = new byte[HpackHuffman.EncodedLength(raw)];
        HpackHuffman.Encode(raw, encoded);
        Assert.Equal(hex, Convert.ToHexString(encoded).ToLowerInvariant());
        Assert.Equal(text, Encoding.ASCII.GetString(HpackHuffman.Decode(encoded)));
    }

    [Fact]
    public void HuffmanRoundTripsEveryOctet()
    {
        byte[] all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        byte[] encoded = new byte[HpackHuffman.EncodedLength(all)];
        HpackHuffman.Encode(all, encoded);
        Assert.Equal(all, HpackHuffman.Decode(encoded));
    }

    [Theory]
    [InlineData("ff")] // 8 bits of padding
    [InlineData("f1e3c2e5f23a6ba0ab90f4fe")] // padding not all ones
    public void HuffmanRejectsBadPadding(string hex) =>
        Assert.Throws<HpackException>(() => HpackHuffman.Decode(Convert.FromHexString(hex)));

    [Theory]
    [InlineData("80")] // index 0
    [InlineData("be")] // index 62 with an empty dynamic table
    [InlineData("4103")] // string literal runs past the end
    [InlineData("1f")] // truncated integer
    [InlineData("823f00")] // size update after a field
    public void MalformedBlocksAreOneLineErrors(string hex)
    {
        HpackException error = Assert.Throws<HpackException>(() => new HpackDecoder().Decode(Convert.FromHexString(hex)));
        Assert.DoesNotContain("\n", error.Message);
    }

    [Fact]
    public void EncoderOutputDecodesBackAcrossBlocksWithTheDynamicTable()
    {
        var encoder = new HpackEncoder();
        var decoder = new HpackDecoder();
        var blocks = new List<int>();
        for (int round = 0; round < 3; round++)
        {
            Http2HeaderField[] fields =
            [
                new(":method", "POST"), new(":scheme", "http"), new(":path", "/tokenpb.TokenService/SeedTokens"),
                new(":authority", "localhost:50051"), new("content-type", "application/grpc"), new("te", "trailers"),
                new("authorization", "Bearer secret"), new("x-round", round.ToString()), new("x-utf8", "grüße"),
            ];
            var writer = new ArrayBufferWriter<byte>();
            encoder.Encode(fields, writer);
            blocks.Add(writer.WrittenCount);
            Assert.Equal(fields, decoder.Decode(writer.WrittenSpan));
        }

        Assert.True(blocks[1] < blocks[0], $"second block {blocks[1]} octets should reuse the dynamic table (first {blocks[0]})");
        Assert.Equal(encoder.Table.Size, decoder.Table.Size);
    }
}
