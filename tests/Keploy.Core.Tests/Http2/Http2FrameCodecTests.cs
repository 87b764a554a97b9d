using System.Buffers;
using Keploy.Core.Protocols.Http2;
using Xunit;

namespace Keploy.Core.Tests.Http2;

public sealed class Http2FrameCodecTests
{
    public static TheoryData<Http2Frame> Frames => new()
    {
        new Http2DataFrame(1, Http2Flags.EndStream, new byte[] { 1, 2, 3 }, 3),
        new Http2HeadersFrame(3, Http2Flags.EndHeaders, new byte[] { 0x82, 0x86 }, null),
        new Http2HeadersFrame(5, Http2Flags.EndHeaders | Http2Flags.Priority, new byte[] { 0x82 }, new Http2PriorityFields(true, 3, 15)),
        new Http2PriorityFrame(7, 0, new Http2PriorityFields(false, 1, 200)),
        new Http2RstStreamFrame(9, 0, Http2ErrorCode.Cancel),
        new Http2SettingsFrame(0, 0, new[] { (Http2SettingId.InitialWindowSize, 1u << 20), (Http2SettingId.MaxConcurrentStreams, 100u) }),
        new Http2SettingsFrame(0, Http2Flags.Ack, Array.Empty<(Http2SettingId, uint)>()),
        new Http2PushPromiseFrame(1, Http2Flags.EndHeaders, 2, new byte[] { 0x82 }),
        new Http2PingFrame(0, Http2Flags.Ack, 0x0102030405060708),
        new Http2GoAwayFrame(0, 0, 7, Http2ErrorCode.NoError, "bye"u8.ToArray()),
        new Http2WindowUpdateFrame(0, 0, 65535),
        new Http2ContinuationFrame(3, Http2Flags.EndHeaders, new byte[] { 0x84 }),
        new Http2UnknownFrame(1, 0, 0xfa, new byte[] { 9 }),
    };

    [Theory]
    [MemberData(nameof(Frames))]
    public void EveryFrameTypeRoundTrips(Http2Frame frame)
    {
        var writer = new ArrayBufferWriter<byte>();
        Http2FrameCodec.WriteFrame(writer, frame);
        var buffer = new ReadOnlySequence<byte>(writer.WrittenMemory);
        Assert.True(Http2FrameCodec.TryReadFrame(ref buffer, out Http2Frame read));
        Assert.True(buffer.IsEmpty);
        Assert.Equal(frame.GetType(), read.GetType());
        Assert.Equal(frame.Type, read.Type);
        Assert.Equal(frame.StreamId, read.StreamId);
        var again = new ArrayBufferWriter<byte>();
        Http2FrameCodec.WriteFrame(again, read);
        Assert.Equal(writer.WrittenSpan.ToArray(), again.WrittenSpan.ToArray());
    }

    [Fact]
    public void PaddedDataIsUnpaddedAndCountsPaddingForFlowControl()
    {
        // length 6: pad length 2, data "hi!", 2 pad... (1 + 3 + 2)
        byte[] wire = [0, 0, 6, 0, Http2Flags.Padded | Http2Flags.EndStream, 0, 0, 0, 1, 2, (byte)'h', (byte)'i', (byte)'!', 0, 0];
        var buffer = new ReadOnlySequence<byte>(wire);
        Assert.True(Http2FrameCodec.TryReadFrame(ref buffer, out Http2Frame frame));
        var data = Assert.IsType<Http2DataFrame>(frame);
        Assert.Equal("hi!"u8.ToArray(), data.Data.ToArray());
        Assert.Equal(6, data.FlowControlledLength);
        Assert.True(data.EndStream);
    }

    [Fact]
    public void PartialFramesWaitForMoreBytesAcrossSegments()
    {
        var writer = new ArrayBufferWriter<byte>();
        Http2FrameCodec.WriteFrame(writer, new Http2PingFrame(0, 0, 42));
        byte[] all = writer.WrittenSpan.ToArray();
        var partial = new ReadOnlySequence<byte>(all.AsMemory(0, 12));
        Assert.False(Http2FrameCodec.TryReadFrame(ref partial, out _));
        Assert.Equal(12, partial.Length);
        ReadOnlySequence<byte> split = TwoSegments(all, 4);
        Assert.True(Http2FrameCodec.TryReadFrame(ref split, out Http2Frame ping));
        Assert.Equal(42ul, Assert.IsType<Http2PingFrame>(ping).OpaqueData);
    }

    [Theory]
    [InlineData("00000403000000000000000008", "RST_STREAM")] // RST_STREAM on stream 0
    [InlineData("00000506000000000000000000000000", "PING")] // PING of 5 octets
    [InlineData("000001000800000001" + "05", "DATA")] // padding longer than payload
    [InlineData("000005040000000000" + "0000000000", "SETTINGS")] // not a multiple of 6
    public void MalformedFramesNameTheFrameType(string hex, string type)
    {
        var buffer = new ReadOnlySequence<byte>(Convert.FromHexString(hex));
        Http2ProtocolException error = Assert.Throws<Http2ProtocolException>(() => Http2FrameCodec.TryReadFrame(ref buffer, out _));
        Assert.StartsWith(type, error.Message);
    }

    [Fact]
    public void OversizedFrameIsRefused()
    {
        var buffer = new ReadOnlySequence<byte>(Convert.FromHexString("004001000000000001"));
        Http2ProtocolException error = Assert.Throws<Http2ProtocolException>(() => Http2FrameCodec.TryReadFrame(ref buffer, out _, Http2FrameCodec.DefaultMaxFrameSize));
        Assert.Contains("16384", error.Message);
    }

    internal static ReadOnlySequence<byte> TwoSegments(byte[] bytes, int split)
    {
        var first = new Segment(bytes.AsMemory(0, split), 0);
        Segment last = first.Append(bytes.AsMemory(split));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}

public sealed class Http2StreamDemultiplexerTests
{
    [Fact]
    public void ClientDirectionYieldsRequestsHeadersDataAndTrailersPerStream()
    {
        var encoder = new HpackEncoder();
        var wire = new ArrayBufferWriter<byte>();
        wire.Write(Http2FrameCodec.ClientPreface);
        Http2FrameCodec.WriteFrame(wire, new Http2SettingsFrame(0, 0, new[] { (Http2SettingId.EnablePush, 0u) }));
        byte[] Block(params Http2HeaderField[] fields)
        {
            var w = new ArrayBufferWriter<byte>();
            encoder.Encode(fields, w);
            return w.WrittenSpan.ToArray();
        }

        byte[] first = Block(new Http2HeaderField(":method", "POST"), new Http2HeaderField(":path", "/a"), new Http2HeaderField(":scheme", "http"), new Http2HeaderField(":authority", "x"), new Http2HeaderField("x-long", new string('v', 300)));
        // stream 1: HEADERS split over a CONTINUATION
        Http2FrameCodec.WriteFrame(wire, new Http2HeadersFrame(1, 0, first.AsMemory(0, 10), null));
        Http2FrameCodec.WriteFrame(wire, new Http2ContinuationFrame(1, Http2Flags.EndHeaders, first.AsMemory(10)));
        // stream 3 interleaved: GET with END_STREAM on HEADERS
        Http2FrameCodec.WriteFrame(wire, new Http2HeadersFrame(3, Http2Flags.EndHeaders | Http2Flags.EndStream, Block(new Http2HeaderField(":method", "GET"), new Http2HeaderField(":path", "/b"), new Http2HeaderField(":scheme", "http"), new Http2HeaderField(":authority", "x")), null));
        Http2FrameCodec.WriteFrame(wire, new Http2DataFrame(1, 0, "hel"u8.ToArray(), 3));
        Http2FrameCodec.WriteFrame(wire, new Http2PingFrame(0, 0, 1));
        Http2FrameCodec.WriteFrame(wire, new Http2DataFrame(1, 0, "lo"u8.ToArray(), 2));
        Http2FrameCodec.WriteFrame(wire, new Http2HeadersFrame(1, Http2Flags.EndHeaders | Http2Flags.EndStream, Block(new Http2HeaderField("x-checksum", "1")), null));

        var demux = new Http2StreamDemultiplexer(clientToServer: true);
        var collector = new Http2MessageCollector();
        var events = new List<Http2StreamEvent>();
        var done = new List<Http2Message>();
        byte[] bytes = wire.WrittenSpan.ToArray();

        // fed in 7-octet slices: partial frames and a partial preface must wait
        var pending = new List<byte>();
        for (int i = 0; i < bytes.Length; i += 7)
        {
            pending.AddRange(bytes.Skip(i).Take(7));
            var buffer = new ReadOnlySequence<byte>(pending.ToArray());
            demux.Feed(ref buffer, events);
            pending = buffer.ToArray().ToList();
        }

        Assert.Empty(pending);
        foreach (Http2StreamEvent e in events)
        {
            if (collector.Apply(e) is Http2Message m)
            {
                done.Add(m);
            }
        }

        Assert.Equal(new[] { 3, 1 }, done.Select(m => m.StreamId));
        Assert.Equal("/b", done[0].Header(":path"));
        Assert.Equal("/a", done[1].Header(":path"));
        Assert.Equal(300, done[1].Header("x-long")!.Length);
        Assert.Equal("hello"u8.ToArray(), done[1].Body.WrittenSpan.ToArray());
        Assert.Equal("1", Assert.Single(done[1].Trailers).Value);
        Assert.Contains(events, e => e is Http2ControlEvent { Frame: Http2PingFrame });
        Assert.Equal(0, collector.OpenCount);
    }

    [Fact]
    public void AFrameInsideAHeaderBlockIsAProtocolError()
    {
        var wire = new ArrayBufferWriter<byte>();
        Http2FrameCodec.WriteFrame(wire, new Http2HeadersFrame(1, 0, new byte[] { 0x82 }, null));
        Http2FrameCodec.WriteFrame(wire, new Http2DataFrame(1, 0, new byte[] { 1 }, 1));
        var demux = new Http2StreamDemultiplexer(clientToServer: false);
        var buffer = new ReadOnlySequence<byte>(wire.WrittenMemory);
        Http2ProtocolException error = Assert.Throws<Http2ProtocolException>(() => demux.Feed(ref buffer, new List<Http2StreamEvent>()));
        Assert.Contains("CONTINUATION", error.Message);
    }

    [Fact]
    public void MissingPrefaceIsRefused()
    {
        var buffer = new ReadOnlySequence<byte>("GET / HTTP/1.1\r\n\r\n"u8.ToArray());
        Assert.Throws<Http2ProtocolException>(() => new Http2StreamDemultiplexer(clientToServer: true).Feed(ref buffer, new List<Http2StreamEvent>()));
    }
}
