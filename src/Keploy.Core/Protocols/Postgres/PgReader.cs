using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Keploy.Core.Protocols.Postgres;

/// <summary>
/// Reads the field types of PostgreSQL protocol 3.0 message bodies (PostgreSQL docs, 55.6 Message Data Types): Int16/Int32 in network
/// byte order, NUL-terminated UTF-8 strings, byte runs. Throws <see cref="PgProtocolException"/> naming <c>what</c> on truncation.
/// </summary>
internal ref struct PgReader
{
    private SequenceReader<byte> _reader;
    private readonly string _what;

    public PgReader(ReadOnlySequence<byte> body, string what)
    {
        _reader = new SequenceReader<byte>(body);
        _what = what;
    }

    public readonly long Remaining => _reader.Remaining;

    public readonly bool End => _reader.End;

    public byte ReadByte()
    {
        if (!_reader.TryRead(out byte b))
        {
            throw Truncated("Byte1");
        }

        return b;
    }

    public short ReadInt16()
    {
        if (!_reader.TryReadBigEndian(out short v))
        {
            throw Truncated("Int16");
        }

        return v;
    }

    public int ReadInt32()
    {
        if (!_reader.TryReadBigEndian(out int v))
        {
            throw Truncated("Int32");
        }

        return v;
    }

    public string ReadCString()
    {
        if (!_reader.TryReadTo(out ReadOnlySequence<byte> s, (byte)0))
        {
            throw Truncated("String (no NUL terminator)");
        }

        return Encoding.UTF8.GetString(s);
    }

    public byte[] ReadBytes(int count)
    {
        if (count < 0 || _reader.Remaining < count)
        {
            throw Truncated($"Byte{count}");
        }

        byte[] result = _reader.UnreadSequence.Slice(0, count).ToArray();
        _reader.Advance(count);
        return result;
    }

    public byte[] ReadRest()
    {
        byte[] result = _reader.UnreadSequence.ToArray();
        _reader.AdvanceToEnd();
        return result;
    }

    /// <summary>Int32 length then that many bytes; -1 is SQL NULL (returns null).</summary>
    public byte[]? ReadNullableBytes()
    {
        int len = ReadInt32();
        if (len == -1)
        {
            return null;
        }

        if (len < -1)
        {
            throw new PgProtocolException($"{_what}: negative value length {len}");
        }

        return ReadBytes(len);
    }

    public readonly void ExpectEnd()
    {
        if (!_reader.End)
        {
            throw new PgProtocolException($"{_what}: {_reader.Remaining} unexpected trailing byte(s)");
        }
    }

    private readonly PgProtocolException Truncated(string field) => new($"{_what}: truncated message (expected {field})");
}
