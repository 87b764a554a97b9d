using System.Buffers;

namespace Keploy.Core.Protocols.Http2;

/// <summary>What <see cref="Http2StreamDemultiplexer"/> found in one direction of a connection.</summary>
/// <param name="StreamId">The stream (0 for connection-level frames).</param>
public abstract record Http2StreamEvent(int StreamId);

/// <summary>A complete, decoded header block (HEADERS plus CONTINUATIONs, RFC 9113 §4.3): the stream's headers, or its trailers
/// when the stream already had headers and a final block arrives (§8.1).</summary>
/// <param name="StreamId">The stream.</param>
/// <param name="Fields">Decoded fields in wire order.</param>
/// <param name="EndStream">END_STREAM was set on the HEADERS frame.</param>
/// <param name="IsTrailers">A second (or later) block on the stream; informational 1xx responses are reported as headers.</param>
public sealed record Http2HeadersEvent(int StreamId, IReadOnlyList<Http2HeaderField> Fields, bool EndStream, bool IsTrailers) : Http2StreamEvent(StreamId);

/// <summary>A PUSH_PROMISE's decoded request header block (RFC 9113 §8.4).</summary>
public sealed record Http2PushPromiseEvent(int StreamId, int PromisedStreamId, IReadOnlyList<Http2HeaderField> Fields) : Http2StreamEvent(StreamId);

/// <summary>DATA content of a stream (padding removed).</summary>
public sealed record Http2DataEvent(int StreamId, ReadOnlyMemory<byte> Data, bool EndStream) : Http2StreamEvent(StreamId);

/// <summary>RST_STREAM: the stream ended abnormally.</summary>
public sealed record Http2ResetEvent(int StreamId, Http2ErrorCode ErrorCode) : Http2StreamEvent(StreamId);

/// <summary>A frame that is not part of a stream's content: SETTINGS, PING, GOAWAY, WINDOW_UPDATE, PRIORITY, unknown types.</summary>
public sealed record Http2ControlEvent(Http2Frame Frame) : Http2StreamEvent(Frame.StreamId);

/// <summary>
/// Turns the bytes of ONE direction of an HTTP/2 connection into per-stream events: decoded header blocks, data, trailers,
/// resets (RFC 9113 §4-§6, §8.1). It only observes (consumes nothing the caller still needs), so record mode can run one per
/// direction over a relayed connection; it keeps that direction's HPACK decoder state. Not thread-safe.
/// </summary>
public sealed class Http2StreamDemultiplexer
{
    private readonly Dictionary<int, bool> _sawHeaders = new();
    private bool _expectPreface;
    private int _continuationStream;
    private Http2Frame? _blockStart;
    private ArrayBufferWriter<byte>? _block;
    private readonly int _maxHeaderBlock;

    /// <summary>Creates a demultiplexer.</summary>
    /// <param name="clientToServer">True for the client's direction: the 24-octet connection preface (§3.4) comes first.</param>
    /// <param name="maxHeaderBlock">Bound in octets on one encoded header block across CONTINUATIONs (memory bound).</param>
    public Http2StreamDemultiplexer(bool clientToServer, int maxHeaderBlock = 1 << 20)
    {
        _expectPreface = clientToServer;
        _maxHeaderBlock = maxHeaderBlock;
        ClientToServer = clientToServer;
    }

    /// <summary>The direction this instance decodes.</summary>
    public bool ClientToServer { get; }

    /// <summary>This direction's HPACK decoder (a passive observer accepts table size updates up to 1 MiB).</summary>
    public HpackDecoder Decoder { get; } = new(maxTableSize: 1 << 20);

    /// <summary>Frames decoded so far.</summary>
    public long FrameCount { get; private set; }

    /// <summary>
    /// Consumes every complete frame at the start of <paramref name="buffer"/> (advanced past them; a partial frame stays) and
    /// appends what they mean to <paramref name="events"/>. Throws <see cref="Http2ProtocolException"/> (bad preface, frame or
    /// header block sequence) or <see cref="HpackException"/>; the connection cannot be decoded further after either.
    /// </summary>
    public void Feed(ref ReadOnlySequence<byte> buffer, List<Http2StreamEvent> events)
    {
        if (_expectPreface)
        {
            int have = (int)Math.Min(buffer.Length, Http2FrameCodec.ClientPreface.Length);
            Span<byte> start = stackalloc byte[24];
            buffer.Slice(0, have).CopyTo(start);
            if (!start[..have].SequenceEqual(Http2FrameCodec.ClientPreface[..have]))
            {
                throw new Http2ProtocolException("client connection preface missing (RFC 9113 §3.4: PRI * HTTP/2.0)");
            }

            if (have < Http2FrameCodec.ClientPreface.Length)
            {
                return;
            }

            buffer = buffer.Slice(have);
            _expectPreface = false;
        }

        while (Http2FrameCodec.TryReadFrame(ref buffer, out Http2Frame frame))
        {
            FrameCount++;
            Handle(frame, events);
        }
    }

    /// <summary>Handles one already-parsed frame (for callers that read frames themselves, e.g. a server).</summary>
    public void Handle(Http2Frame frame, List<Http2StreamEvent> events)
    {
        if (_blockStart is not null)
        {
            if (frame is not Http2ContinuationFrame continuation || continuation.StreamId != _continuationStream)
            {
                throw new Http2ProtocolException($"{Http2FrameCodec.Name((byte)frame.Type)} frame on stream {frame.StreamId} inside the header block of stream {_continuationStream} (RFC 9113 §6.10: only CONTINUATION may follow)");
            }

            Append(continuation.Fragment.Span);
            if (continuation.EndHeaders)
            {
                Finish(events);
            }

            return;
        }

        switch (frame)
        {
            case Http2HeadersFrame headers:
                _block = new ArrayBufferWriter<byte>(headers.Fragment.Length);
                _blockStart = headers;
                _continuationStream = headers.StreamId;
                Append(headers.Fragment.Span);
                if (headers.EndHeaders)
                {
                    Finish(events);
                }

                break;
            case Http2PushPromiseFrame push:
                _block = new ArrayBufferWriter<byte>(push.Fragment.Length);
                _blockStart = push;
                _continuationStream = push.StreamId;
                Append(push.Fragment.Span);
                if (push.EndHeaders)
                {
                    Finish(events);
                }

                break;
            case Http2ContinuationFrame continuation:
                throw new Http2ProtocolException($"CONTINUATION frame on stream {continuation.StreamId} without a preceding HEADERS (RFC 9113 §6.10)");
            case Http2DataFrame data:
                events.Add(new Http2DataEvent(data.StreamId, data.Data, data.EndStream));
                if (data.EndStream)
                {
                    _sawHeaders.Remove(data.StreamId);
                }

                break;
            case Http2RstStreamFrame rst:
                _sawHeaders.Remove(rst.StreamId);
                events.Add(new Http2ResetEvent(rst.StreamId, rst.ErrorCode));
                break;
            default:
                events.Add(new Http2ControlEvent(frame));
                break;
        }
    }

    private void Append(ReadOnlySpan<byte> fragment)
    {
        if (_block!.WrittenCount + fragment.Length > _maxHeaderBlock)
        {
            throw new Http2ProtocolException($"header block on stream {_continuationStream} larger than {_maxHeaderBlock} octets");
        }

        _block.Write(fragment);
    }

    private void Finish(List<Http2StreamEvent> events)
    {
        Http2Frame start = _blockStart!;
        List<Http2HeaderField> fields;
        try
        {
            fields = Decoder.Decode(_block!.WrittenSpan);
        }
        catch (HpackException e)
        {
            throw new HpackException($"{Http2FrameCodec.Name((byte)start.Type)} on stream {start.StreamId}: {e.Message}");
        }

        _blockStart = null;
        _block = null;
        if (start is Http2PushPromiseFrame push)
        {
            events.Add(new Http2PushPromiseEvent(push.StreamId, push.PromisedStreamId, fields));
            return;
        }

        var headers = (Http2HeadersFrame)start;
        bool informational = fields.Count > 0 && fields[0].Name == ":status" && fields[0].Value.Length == 3 && fields[0].Value[0] == '1';
        bool trailers = _sawHeaders.ContainsKey(headers.StreamId);
        if (!informational)
        {
            _sawHeaders[headers.StreamId] = true;
        }

        if (headers.EndStream)
        {
            _sawHeaders.Remove(headers.StreamId);
        }

        events.Add(new Http2HeadersEvent(headers.StreamId, fields, headers.EndStream, trailers));
    }
}
