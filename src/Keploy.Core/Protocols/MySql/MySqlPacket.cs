using System.Buffers;
using System.IO.Pipelines;

namespace Keploy.Core.Protocols.MySql;

/// <summary>
/// One logical MySQL packet (MySQL "Client/Server Protocol", Basic Packets): a 3-byte little-endian payload length, a 1-byte
/// sequence id and the payload. A payload of 16 MiB - 1 or more travels as several wire packets of 0xFFFFFF bytes plus a shorter
/// last one; <see cref="MySqlPacketReader"/> joins them, so <see cref="Payload"/> is always the whole logical payload.
/// </summary>
/// <param name="SequenceId">The sequence id of the first wire packet.</param>
/// <param name="Payload">The whole payload.</param>
/// <param name="WireLength">Bytes it took on the wire (headers included).</param>
public readonly record struct MySqlPacket(byte SequenceId, byte[] Payload, long WireLength)
{
    /// <summary>The first payload byte, or -1 for an empty payload.</summary>
    public int First => Payload.Length == 0 ? -1 : Payload[0];
}

/// <summary>Reads and writes <see cref="MySqlPacket"/>s (MySQL docs, "Sending More Than 16Mb").</summary>
public static class MySqlPacketReader
{
    /// <summary>The largest wire packet payload, 2^24 - 1.</summary>
    public const int MaxWirePayload = 0xFFFFFF;

    /// <summary>The largest logical payload accepted (MySQL's max_allowed_packet ceiling, 1 GiB).</summary>
    public const int MaxLogicalPayload = 1 << 30;

    /// <summary>
    /// Takes one complete logical packet from the front of <paramref name="buffer"/>; false (buffer untouched) when it is incomplete.
    /// </summary>
    /// <exception cref="MySqlProtocolException">The packet is longer than <see cref="MaxLogicalPayload"/>.</exception>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, out MySqlPacket packet)
    {
        packet = default;
        SequenceReader<byte> reader = new(buffer);
        long total = 0;
        byte first = 0;
        List<(long Offset, int Length)> parts = new(1);
        Span<byte> header = stackalloc byte[4];
        while (true)
        {
            if (!reader.TryCopyTo(header))
            {
                return false;
            }

            int length = header[0] | (header[1] << 8) | (header[2] << 16);
            if (parts.Count == 0)
            {
                first = header[3];
            }

            if (reader.Remaining < 4 + length)
            {
                return false;
            }

            total += length;
            if (total > MaxLogicalPayload)
            {
                throw new MySqlProtocolException($"packet (sequence id {first}) is longer than {MaxLogicalPayload} bytes");
            }

            parts.Add((reader.Consumed + 4, length));
            reader.Advance(4 + length);
            if (length < MaxWirePayload)
            {
                break;
            }
        }

        byte[] payload = new byte[total];
        int at = 0;
        foreach ((long offset, int length) in parts)
        {
            buffer.Slice(offset, length).CopyTo(payload.AsSpan(at));
            at += length;
        }

        packet = new MySqlPacket(first, payload, reader.Consumed);
        buffer = buffer.Slice(reader.Consumed);
        return true;
    }

    /// <summary>Reads one packet from a pipe; null at a clean end of stream.</summary>
    /// <exception cref="MySqlProtocolException">The stream ended inside a packet, or the packet is too long.</exception>
    public static async ValueTask<MySqlPacket?> ReadAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (TryRead(ref buffer, out MySqlPacket packet))
            {
                reader.AdvanceTo(buffer.Start);
                return packet;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                if (!buffer.IsEmpty)
                {
                    throw new MySqlProtocolException($"stream ended inside a packet ({buffer.Length} byte(s) of a truncated packet)");
                }

                return null;
            }
        }
    }

    /// <summary>
    /// Frames <paramref name="payload"/> as wire packets starting at <paramref name="sequenceId"/> (split at 0xFFFFFF) into
    /// <paramref name="output"/>; returns the next sequence id.
    /// </summary>
    public static byte Write(IBufferWriter<byte> output, byte sequenceId, ReadOnlySpan<byte> payload)
    {
        while (true)
        {
            int length = Math.Min(payload.Length, MaxWirePayload);
            Span<byte> span = output.GetSpan(4 + length);
            span[0] = (byte)length;
            span[1] = (byte)(length >> 8);
            span[2] = (byte)(length >> 16);
            span[3] = sequenceId++;
            payload[..length].CopyTo(span[4..]);
            output.Advance(4 + length);
            payload = payload[length..];
            if (length < MaxWirePayload)
            {
                return sequenceId;
            }
        }
    }

    /// <summary>The wire bytes of one packet (header included).</summary>
    public static byte[] Frame(byte sequenceId, ReadOnlySpan<byte> payload)
    {
        ArrayBufferWriter<byte> w = new(payload.Length + 8);
        Write(w, sequenceId, payload);
        return w.WrittenSpan.ToArray();
    }
}
