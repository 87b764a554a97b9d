using System.Buffers.Binary;
using System.IO.Compression;

namespace Keploy.Core.Protocols.Grpc;

/// <summary>
/// gRPC's Length-Prefixed-Message framing (gRPC PROTOCOL-HTTP2.md): a 1-byte Compressed-Flag, a 4-byte big-endian Message-Length,
/// then the message; compressed messages use the call's <c>grpc-encoding</c> (<c>gzip</c>, <c>deflate</c>, <c>identity</c>).
/// </summary>
public static class GrpcFraming
{
    /// <summary>The most a single message may hold here (gRPC's default receive limit is 4 MiB; 64 MiB keeps memory bounded).</summary>
    public const int MaxMessageLength = 64 * 1024 * 1024;

    /// <summary>Frames <paramref name="messages"/> for the wire, compressing those whose flag is 1 with <paramref name="encoding"/>.</summary>
    /// <exception cref="FormatException">A message's <c>decoded_data</c> is not protoscope, or the encoding is unknown.</exception>
    public static byte[] Frame(IEnumerable<GrpcMessage> messages, string? encoding)
    {
        using MemoryStream output = new();
        Span<byte> prefix = stackalloc byte[5];
        foreach (GrpcMessage message in messages)
        {
            byte[] payload = message.Payload();
            if (message.CompressionFlag == 1)
            {
                payload = Compress(payload, encoding);
            }

            prefix[0] = (byte)(message.CompressionFlag == 1 ? 1 : 0);
            BinaryPrimitives.WriteUInt32BigEndian(prefix[1..], (uint)payload.Length);
            output.Write(prefix);
            output.Write(payload);
        }

        return output.ToArray();
    }

    /// <summary>
    /// Splits a DATA stream into its messages, decompressing flagged ones with <paramref name="encoding"/>. Bytes after the last
    /// complete message (a truncated stream) make the error.
    /// </summary>
    /// <exception cref="FormatException">A prefix announces more than <see cref="MaxMessageLength"/> or more bytes than there are.</exception>
    public static List<GrpcMessage> Unframe(ReadOnlySpan<byte> data, string? encoding)
    {
        List<GrpcMessage> messages = new();
        int pos = 0;
        while (pos < data.Length)
        {
            if (data.Length - pos < 5)
            {
                throw new FormatException($"gRPC message {messages.Count + 1}: {data.Length - pos} bytes left, a 5-byte prefix needed");
            }

            byte flag = data[pos];
            uint length = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(pos + 1, 4));
            if (length > MaxMessageLength || length > data.Length - pos - 5)
            {
                throw new FormatException($"gRPC message {messages.Count + 1}: length {length} but {data.Length - pos - 5} bytes follow (limit {MaxMessageLength})");
            }

            ReadOnlySpan<byte> payload = data.Slice(pos + 5, (int)length);
            pos += 5 + (int)length;
            messages.Add(flag == 1
                ? GrpcMessage.FromPayload(Decompress(payload.ToArray(), encoding), 1, length)
                : GrpcMessage.FromPayload(payload));
        }

        return messages;
    }

    private static byte[] Compress(byte[] payload, string? encoding)
    {
        using MemoryStream output = new();
        using (Stream z = Codec(output, encoding, CompressionMode.Compress))
        {
            z.Write(payload);
        }

        return output.ToArray();
    }

    private static byte[] Decompress(byte[] payload, string? encoding)
    {
        using MemoryStream input = new(payload);
        using Stream z = Codec(input, encoding, CompressionMode.Decompress);
        using MemoryStream output = new();
        byte[] buffer = new byte[81920];
        int n;
        while ((n = z.Read(buffer)) > 0)
        {
            output.Write(buffer, 0, n);
            if (output.Length > MaxMessageLength)
            {
                throw new FormatException($"gRPC message decompresses to more than {MaxMessageLength} bytes");
            }
        }

        return output.ToArray();
    }

    private static Stream Codec(Stream stream, string? encoding, CompressionMode mode) => encoding?.Trim().ToLowerInvariant() switch
    {
        "gzip" => new GZipStream(stream, mode, leaveOpen: true),
        "deflate" => new ZLibStream(stream, mode, leaveOpen: true),
        _ => throw new FormatException($"compressed gRPC message with grpc-encoding '{encoding ?? "(none)"}': only gzip and deflate are handled"),
    };
}
