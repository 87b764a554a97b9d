using System.Buffers;
using System.Buffers.Binary;

namespace Keploy.Core.Protocols.Postgres;

/// <summary>
/// Splits a byte stream into <see cref="PgFrame"/>s (PostgreSQL docs, 55.2 Message Flow: "the first byte of a message identifies
/// the message type, and the next four bytes specify the length of the rest of the message (this length count includes itself)").
/// </summary>
internal static class PgFrameReader
{
    /// <summary>Largest message accepted (the server's own limit for most messages is 1 GB).</summary>
    public const int MaxMessageLength = 1 << 30;

    private const string FrontendTypes = "pQPBDESHCdcfXF";
    private const string BackendTypes = "RSKZTDCIs123ntEANGHWdcV";

    /// <summary>
    /// Takes one complete frame from the start of <paramref name="buffer"/>; false when more bytes are needed.
    /// Throws <see cref="PgProtocolException"/> for an unknown type byte or an impossible length.
    /// </summary>
    /// <param name="buffer">Unread bytes; advanced past the frame on success.</param>
    /// <param name="untyped">True for the startup phase (no type byte).</param>
    /// <param name="frontend">Direction, for checking the type byte.</param>
    /// <param name="frame">The frame read (type byte, raw bytes including the header); default when false is returned.</param>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, bool untyped, bool frontend, out PgFrame frame)
    {
        frame = default;
        int header = untyped ? 4 : 5;
        if (buffer.Length < header)
        {
            return false;
        }

        Span<byte> head = stackalloc byte[5];
        buffer.Slice(0, header).CopyTo(head);
        byte type = untyped ? (byte)0 : head[0];
        if (!untyped && (frontend ? FrontendTypes : BackendTypes).IndexOf((char)type) < 0)
        {
            throw new PgProtocolException($"{(frontend ? "frontend" : "backend")} message: unknown type byte 0x{type:X2}");
        }

        int length = BinaryPrimitives.ReadInt32BigEndian(head.Slice(header - 4));
        if (length < 4 || length > MaxMessageLength || (untyped && length < 8))
        {
            throw new PgProtocolException($"{PgMessageNames.Name(type, frontend)}: invalid length {length}");
        }

        long total = (long)length + (untyped ? 0 : 1);
        if (buffer.Length < total)
        {
            return false;
        }

        frame = new PgFrame(type, buffer.Slice(0, total).ToArray());
        buffer = buffer.Slice(total);
        return true;
    }

    /// <summary>
    /// Reads the next frontend message from <paramref name="reader"/>: the message, or null when the client closed cleanly between
    /// messages. <paramref name="untyped"/> reads the startup-phase form (length first, no type byte: StartupMessage, SSLRequest,
    /// CancelRequest). Throws <see cref="PgProtocolException"/> when the client closes in the middle of a message.
    /// </summary>
    public static async Task<PgFrame?> ReadFrontendAsync(System.IO.Pipelines.PipeReader reader, bool untyped, CancellationToken ct)
    {
        while (true)
        {
            System.IO.Pipelines.ReadResult result = await reader.ReadAsync(ct).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (TryRead(ref buffer, untyped, frontend: true, out PgFrame frame))
            {
                reader.AdvanceTo(buffer.Start);
                return frame;
            }

            if (result.IsCompleted)
            {
                if (!buffer.IsEmpty)
                {
                    throw new PgProtocolException($"client closed in the middle of a message ({buffer.Length} byte(s) of a truncated message)");
                }

                reader.AdvanceTo(buffer.End);
                return null;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
