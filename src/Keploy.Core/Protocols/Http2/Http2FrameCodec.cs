using System.Buffers;
using System.Buffers.Binary;

namespace Keploy.Core.Protocols.Http2;

/// <summary>
/// Reads and writes HTTP/2 frames (RFC 9113 §4.1 frame format, §6 frame definitions) over <see cref="ReadOnlySequence{T}"/> /
/// <see cref="IBufferWriter{T}"/>.
/// </summary>
public static class Http2FrameCodec
{
    /// <summary>The client connection preface (RFC 9113 §3.4), 24 octets: <c>PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n</c>.</summary>
    public static ReadOnlySpan<byte> ClientPreface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    /// <summary>Frame header length in octets (§4.1).</summary>
    public const int HeaderLength = 9;

    /// <summary>The initial and smallest SETTINGS_MAX_FRAME_SIZE (§6.5.2).</summary>
    public const int DefaultMaxFrameSize = 16384;

    /// <summary>The largest frame payload the format allows (2^24-1, §4.2).</summary>
    public const int MaxFrameSizeLimit = (1 << 24) - 1;

    /// <summary>
    /// Takes one complete frame from the start of <paramref name="buffer"/>; false (buffer untouched) when more bytes are needed.
    /// Throws <see cref="Http2ProtocolException"/> for a payload above <paramref name="maxFrameSize"/> (FRAME_SIZE_ERROR, §4.2)
    /// or a malformed payload (wrong fixed length, padding longer than the payload, a frame on the wrong stream).
    /// </summary>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out Http2Frame frame, int maxFrameSize = MaxFrameSizeLimit)
    {
        frame = null!;
        if (buffer.Length < HeaderLength)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderLength];
        buffer.Slice(0, HeaderLength).CopyTo(header);
        int length = (header[0] << 16) | (header[1] << 8) | header[2];
        byte type = header[3];
        byte flags = header[4];
        int streamId = (int)(BinaryPrimitives.ReadUInt32BigEndian(header[5..]) & 0x7FFFFFFF);
        if (length > maxFrameSize)
        {
            throw new Http2ProtocolException($"{Name(type)} frame on stream {streamId}: payload of {length} octets exceeds SETTINGS_MAX_FRAME_SIZE {maxFrameSize} (RFC 9113 §4.2)");
        }

        if (buffer.Length < HeaderLength + length)
        {
            return false;
        }

        byte[] payload = buffer.Slice(HeaderLength, length).ToArray();
        frame = Parse(type, flags, streamId, payload);
        buffer = buffer.Slice(HeaderLength + length);
        return true;
    }

    /// <summary>The RFC name of a frame type code (DATA, HEADERS, ...), or <c>type 0xNN</c>.</summary>
    public static string Name(byte type) => type switch
    {
        0x0 => "DATA",
        0x1 => "HEADERS",
        0x2 => "PRIORITY",
        0x3 => "RST_STREAM",
        0x4 => "SETTINGS",
        0x5 => "PUSH_PROMISE",
        0x6 => "PING",
        0x7 => "GOAWAY",
        0x8 => "WINDOW_UPDATE",
        0x9 => "CONTINUATION",
        _ => $"type 0x{type:X2}",
    };

    private static Http2Frame Parse(byte type, byte flags, int streamId, byte[] payload)
    {
        string where = $"{Name(type)} frame on stream {streamId}";
        void RequireStream(bool onStream)
        {
            if (onStream ? streamId == 0 : streamId != 0)
            {
                throw new Http2ProtocolException($"{where}: must be on {(onStream ? "a stream" : "stream 0")} (RFC 9113 §6)");
            }
        }

        void RequireLength(int expected)
        {
            if (payload.Length != expected)
            {
                throw new Http2ProtocolException($"{where}: payload is {payload.Length} octets, expected {expected} (FRAME_SIZE_ERROR, RFC 9113 §6)");
            }
        }

        switch ((Http2FrameType)type)
        {
            case Http2FrameType.Data:
            {
                RequireStream(true);
                ReadOnlyMemory<byte> data = Unpad(payload, flags, where);
                return new Http2DataFrame(streamId, flags, data, payload.Length);
            }

            case Http2FrameType.Headers:
            {
                RequireStream(true);
                ReadOnlyMemory<byte> body = Unpad(payload, flags, where);
                Http2PriorityFields? priority = null;
                if ((flags & Http2Flags.Priority) != 0)
                {
                    if (body.Length < 5)
                    {
                        throw new Http2ProtocolException($"{where}: PRIORITY flag set but only {body.Length} octets (RFC 9113 §6.2)");
                    }

                    priority = ReadPriority(body.Span);
                    body = body[5..];
                }

                return new Http2HeadersFrame(streamId, flags, body, priority);
            }

            case Http2FrameType.Priority:
                RequireStream(true);
                RequireLength(5);
                return new Http2PriorityFrame(streamId, flags, ReadPriority(payload));

            case Http2FrameType.RstStream:
                RequireStream(true);
                RequireLength(4);
                return new Http2RstStreamFrame(streamId, flags, (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(payload));

            case Http2FrameType.Settings:
            {
                RequireStream(false);
                if (payload.Length % 6 != 0 || ((flags & Http2Flags.Ack) != 0 && payload.Length != 0))
                {
                    throw new Http2ProtocolException($"{where}: payload of {payload.Length} octets is not a multiple of 6 (or ACK with a payload) (RFC 9113 §6.5)");
                }

                var settings = new List<(Http2SettingId, uint)>(payload.Length / 6);
                for (int i = 0; i < payload.Length; i += 6)
                {
                    settings.Add(((Http2SettingId)BinaryPrimitives.ReadUInt16BigEndian(payload.AsSpan(i)), BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(i + 2))));
                }

                return new Http2SettingsFrame(streamId, flags, settings);
            }

            case Http2FrameType.PushPromise:
            {
                RequireStream(true);
                ReadOnlyMemory<byte> body = Unpad(payload, flags, where);
                if (body.Length < 4)
                {
                    throw new Http2ProtocolException($"{where}: shorter than the promised stream id (RFC 9113 §6.6)");
                }

                int promised = (int)(BinaryPrimitives.ReadUInt32BigEndian(body.Span) & 0x7FFFFFFF);
                return new Http2PushPromiseFrame(streamId, flags, promised, body[4..]);
            }

            case Http2FrameType.Ping:
                RequireStream(false);
                RequireLength(8);
                return new Http2PingFrame(streamId, flags, BinaryPrimitives.ReadUInt64BigEndian(payload));

            case Http2FrameType.GoAway:
                RequireStream(false);
                if (payload.Length < 8)
                {
                    throw new Http2ProtocolException($"{where}: payload of {payload.Length} octets, at least 8 expected (RFC 9113 §6.8)");
                }

                return new Http2GoAwayFrame(
                    streamId,
                    flags,
                    (int)(BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7FFFFFFF),
                    (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(4)),
                    payload.AsMemory(8));

            case Http2FrameType.WindowUpdate:
                RequireLength(4);
                return new Http2WindowUpdateFrame(streamId, flags, (int)(BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7FFFFFFF));

            case Http2FrameType.Continuation:
                RequireStream(true);
                return new Http2ContinuationFrame(streamId, flags, payload);

            default:
                return new Http2UnknownFrame(streamId, flags, type, payload);
        }
    }

    private static Http2PriorityFields ReadPriority(ReadOnlySpan<byte> span)
    {
        uint dependency = BinaryPrimitives.ReadUInt32BigEndian(span);
        return new Http2PriorityFields((dependency & 0x80000000) != 0, (int)(dependency & 0x7FFFFFFF), span[4]);
    }

    private static ReadOnlyMemory<byte> Unpad(byte[] payload, byte flags, string where)
    {
        if ((flags & Http2Flags.Padded) == 0)
        {
            return payload;
        }

        if (payload.Length < 1 || payload[0] >= payload.Length)
        {
            throw new Http2ProtocolException($"{where}: padding length is not smaller than the payload (PROTOCOL_ERROR, RFC 9113 §6.1)");
        }

        return payload.AsMemory(1, payload.Length - 1 - payload[0]);
    }

    /// <summary>Writes <paramref name="frame"/> (unpadded) with its 9-octet header. Throws <see cref="ArgumentException"/> for a
    /// payload larger than 2^24-1.</summary>
    public static void WriteFrame(IBufferWriter<byte> output, Http2Frame frame)
    {
        switch (frame)
        {
            case Http2DataFrame data:
                WriteRaw(output, Http2FrameType.Data, (byte)(data.Flags & ~Http2Flags.Padded), data.StreamId, data.Data.Span);
                break;
            case Http2HeadersFrame headers:
                if (headers.Priority is Http2PriorityFields p)
                {
                    byte[] body = new byte[5 + headers.Fragment.Length];
                    WritePriority(body, p);
                    headers.Fragment.Span.CopyTo(body.AsSpan(5));
                    WriteRaw(output, Http2FrameType.Headers, (byte)((headers.Flags & ~Http2Flags.Padded) | Http2Flags.Priority), headers.StreamId, body);
                }
                else
                {
                    WriteRaw(output, Http2FrameType.Headers, (byte)(headers.Flags & ~(Http2Flags.Padded | Http2Flags.Priority)), headers.StreamId, headers.Fragment.Span);
                }

                break;
            case Http2PriorityFrame priority:
            {
                Span<byte> body = stackalloc byte[5];
                WritePriority(body, priority.Priority);
                WriteRaw(output, Http2FrameType.Priority, priority.Flags, priority.StreamId, body);
                break;
            }

            case Http2RstStreamFrame rst:
            {
                Span<byte> body = stackalloc byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(body, (uint)rst.ErrorCode);
                WriteRaw(output, Http2FrameType.RstStream, rst.Flags, rst.StreamId, body);
                break;
            }

            case Http2SettingsFrame settings:
            {
                byte[] body = new byte[settings.Settings.Count * 6];
                for (int i = 0; i < settings.Settings.Count; i++)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(i * 6), (ushort)settings.Settings[i].Id);
                    BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan((i * 6) + 2), settings.Settings[i].Value);
                }

                WriteRaw(output, Http2FrameType.Settings, settings.Flags, 0, body);
                break;
            }

            case Http2PushPromiseFrame push:
            {
                byte[] body = new byte[4 + push.Fragment.Length];
                BinaryPrimitives.WriteUInt32BigEndian(body, (uint)push.PromisedStreamId);
                push.Fragment.Span.CopyTo(body.AsSpan(4));
                WriteRaw(output, Http2FrameType.PushPromise, (byte)(push.Flags & ~Http2Flags.Padded), push.StreamId, body);
                break;
            }

            case Http2PingFrame ping:
            {
                Span<byte> body = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64BigEndian(body, ping.OpaqueData);
                WriteRaw(output, Http2FrameType.Ping, ping.Flags, 0, body);
                break;
            }

            case Http2GoAwayFrame goAway:
            {
                byte[] body = new byte[8 + goAway.DebugData.Length];
                BinaryPrimitives.WriteUInt32BigEndian(body, (uint)goAway.LastStreamId);
                BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(4), (uint)goAway.ErrorCode);
                goAway.DebugData.Span.CopyTo(body.AsSpan(8));
                WriteRaw(output, Http2FrameType.GoAway, goAway.Flags, 0, body);
                break;
            }

            case Http2WindowUpdateFrame window:
            {
                Span<byte> body = stackalloc byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(body, (uint)window.Increment);
                WriteRaw(output, Http2FrameType.WindowUpdate, window.Flags, window.StreamId, body);
                break;
            }

            case Http2ContinuationFrame continuation:
                WriteRaw(output, Http2FrameType.Continuation, continuation.Flags, continuation.StreamId, continuation.Fragment.Span);
                break;
            case Http2UnknownFrame unknown:
                WriteRaw(output, (Http2FrameType)unknown.RawType, unknown.Flags, unknown.StreamId, unknown.Payload.Span);
                break;
            default:
                throw new ArgumentException($"unsupported frame {frame.GetType().Name}", nameof(frame));
        }
    }

    /// <summary>Writes a frame header and payload as given (§4.1).</summary>
    public static void WriteRaw(IBufferWriter<byte> output, Http2FrameType type, byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        if (payload.Length > MaxFrameSizeLimit)
        {
            throw new ArgumentException($"{Name((byte)type)} payload of {payload.Length} octets exceeds 2^24-1", nameof(payload));
        }

        Span<byte> span = output.GetSpan(HeaderLength + payload.Length);
        span[0] = (byte)(payload.Length >> 16);
        span[1] = (byte)(payload.Length >> 8);
        span[2] = (byte)payload.Length;
        span[3] = (byte)type;
        span[4] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(span[5..], (uint)streamId & 0x7FFFFFFF);
        payload.CopyTo(span[HeaderLength..]);
        output.Advance(HeaderLength + payload.Length);
    }

    private static void WritePriority(Span<byte> body, Http2PriorityFields p)
    {
        BinaryPrimitives.WriteUInt32BigEndian(body, (uint)p.DependsOn | (p.Exclusive ? 0x80000000u : 0));
        body[4] = p.Weight;
    }
}
