using System.Buffers.Binary;
using System.Text;

namespace Keploy.Core.Protocols.MySql;

/// <summary>
/// Reads the MySQL basic data types (MySQL docs, "Basic Data Types": fixed-length little-endian integers, length-encoded integers
/// and strings, NUL-terminated strings, rest-of-packet strings) from one payload. Every read checks the bounds and throws
/// <see cref="MySqlProtocolException"/> naming the message and field.
/// </summary>
public ref struct MySqlReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly string _message;

    /// <summary>Starts at offset 0 of <paramref name="data"/>; <paramref name="message"/> names the packet in errors.</summary>
    public MySqlReader(ReadOnlySpan<byte> data, string message)
    {
        _data = data;
        _message = message;
        Position = 0;
    }

    /// <summary>Offset of the next byte.</summary>
    public int Position { get; private set; }

    /// <summary>Bytes left.</summary>
    public readonly int Remaining => _data.Length - Position;

    /// <summary>True when every byte was read.</summary>
    public readonly bool AtEnd => Position >= _data.Length;

    private ReadOnlySpan<byte> Take(int n, string field)
    {
        if (n < 0 || n > Remaining)
        {
            throw new MySqlProtocolException($"{_message}: {field} needs {n} byte(s) at offset {Position}, {Remaining} left");
        }

        ReadOnlySpan<byte> s = _data.Slice(Position, n);
        Position += n;
        return s;
    }

    /// <summary>int&lt;1&gt;.</summary>
    public byte U8(string field) => Take(1, field)[0];

    /// <summary>int&lt;2&gt;.</summary>
    public ushort U16(string field) => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, field));

    /// <summary>int&lt;3&gt;.</summary>
    public uint U24(string field)
    {
        ReadOnlySpan<byte> s = Take(3, field);
        return (uint)(s[0] | (s[1] << 8) | (s[2] << 16));
    }

    /// <summary>int&lt;4&gt;.</summary>
    public uint U32(string field) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, field));

    /// <summary>int&lt;8&gt;.</summary>
    public ulong U64(string field) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, field));

    /// <summary>The next byte without consuming it (-1 at the end).</summary>
    public readonly int Peek() => AtEnd ? -1 : _data[Position];

    /// <summary>int&lt;lenenc&gt;; null for the NULL marker 0xFB.</summary>
    public ulong? LenEncOrNull(string field)
    {
        byte b = U8(field);
        return b switch
        {
            < 0xFB => b,
            0xFB => null,
            0xFC => U16(field),
            0xFD => U24(field),
            0xFE => U64(field),
            _ => throw new MySqlProtocolException($"{_message}: {field} has the invalid length-encoded integer prefix 0xFF at offset {Position - 1}"),
        };
    }

    /// <summary>int&lt;lenenc&gt; (NULL is an error).</summary>
    public ulong LenEnc(string field) =>
        LenEncOrNull(field) ?? throw new MySqlProtocolException($"{_message}: {field} is NULL (0xFB) where a length is required");

    /// <summary>string&lt;lenenc&gt; as bytes; null for NULL (0xFB).</summary>
    public byte[]? LenEncBytesOrNull(string field)
    {
        ulong? n = LenEncOrNull(field);
        if (n is null)
        {
            return null;
        }

        if (n.Value > (ulong)Remaining)
        {
            throw new MySqlProtocolException($"{_message}: {field} declares {n.Value} byte(s) at offset {Position}, {Remaining} left");
        }

        return Take((int)n.Value, field).ToArray();
    }

    /// <summary>string&lt;lenenc&gt; as bytes.</summary>
    public byte[] LenEncBytes(string field) =>
        LenEncBytesOrNull(field) ?? throw new MySqlProtocolException($"{_message}: {field} is NULL (0xFB) where a string is required");

    /// <summary>string&lt;lenenc&gt; as UTF-8 text.</summary>
    public string LenEncString(string field) => Encoding.UTF8.GetString(LenEncBytes(field));

    /// <summary>string&lt;NUL&gt; as bytes (the NUL is consumed); the rest when no NUL follows and <paramref name="nulOptional"/>.</summary>
    public byte[] NulBytes(string field, bool nulOptional = false)
    {
        int end = _data[Position..].IndexOf((byte)0);
        if (end < 0)
        {
            if (nulOptional)
            {
                return RestBytes();
            }

            throw new MySqlProtocolException($"{_message}: {field} at offset {Position} has no terminating NUL");
        }

        byte[] s = Take(end, field).ToArray();
        Position++;
        return s;
    }

    /// <summary>string&lt;NUL&gt; as UTF-8 text.</summary>
    public string NulString(string field, bool nulOptional = false) => Encoding.UTF8.GetString(NulBytes(field, nulOptional));

    /// <summary>string&lt;fix&gt; / bytes of a fixed length.</summary>
    public byte[] Bytes(int n, string field) => Take(n, field).ToArray();

    /// <summary>string&lt;EOF&gt;: everything left.</summary>
    public byte[] RestBytes() => Take(Remaining, "rest").ToArray();

    /// <summary>Skips <paramref name="n"/> bytes.</summary>
    public void Skip(int n, string field) => Take(n, field);
}

/// <summary>Writes the MySQL basic data types into a growable buffer (the inverse of <see cref="MySqlReader"/>).</summary>
public sealed class MySqlWriter
{
    private byte[] _buffer = new byte[64];

    /// <summary>Bytes written.</summary>
    public int Length { get; private set; }

    /// <summary>The payload written so far (a copy).</summary>
    public byte[] ToArray() => _buffer.AsSpan(0, Length).ToArray();

    private Span<byte> Grow(int n)
    {
        if (Length + n > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + n));
        }

        Span<byte> s = _buffer.AsSpan(Length, n);
        Length += n;
        return s;
    }

    /// <summary>int&lt;1&gt;.</summary>
    public MySqlWriter U8(int v)
    {
        Grow(1)[0] = (byte)v;
        return this;
    }

    /// <summary>int&lt;2&gt;.</summary>
    public MySqlWriter U16(int v)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(Grow(2), (ushort)v);
        return this;
    }

    /// <summary>int&lt;3&gt;.</summary>
    public MySqlWriter U24(uint v)
    {
        Span<byte> s = Grow(3);
        s[0] = (byte)v;
        s[1] = (byte)(v >> 8);
        s[2] = (byte)(v >> 16);
        return this;
    }

    /// <summary>int&lt;4&gt;.</summary>
    public MySqlWriter U32(uint v)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(Grow(4), v);
        return this;
    }

    /// <summary>int&lt;8&gt;.</summary>
    public MySqlWriter U64(ulong v)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(Grow(8), v);
        return this;
    }

    /// <summary>int&lt;lenenc&gt; in its shortest form.</summary>
    public MySqlWriter LenEnc(ulong v)
    {
        if (v < 0xFB)
        {
            return U8((int)v);
        }

        if (v <= 0xFFFF)
        {
            return U8(0xFC).U16((int)v);
        }

        if (v <= 0xFFFFFF)
        {
            return U8(0xFD).U24((uint)v);
        }

        return U8(0xFE).U64(v);
    }

    /// <summary>string&lt;lenenc&gt;; the NULL marker 0xFB for null.</summary>
    public MySqlWriter LenEncBytes(ReadOnlySpan<byte> v, bool isNull = false)
    {
        if (isNull)
        {
            return U8(0xFB);
        }

        LenEnc((ulong)v.Length);
        return Bytes(v);
    }

    /// <summary>string&lt;lenenc&gt; of UTF-8 text.</summary>
    public MySqlWriter LenEncString(string v) => LenEncBytes(Encoding.UTF8.GetBytes(v));

    /// <summary>string&lt;NUL&gt; of UTF-8 text.</summary>
    public MySqlWriter NulString(string v) => Bytes(Encoding.UTF8.GetBytes(v)).U8(0);

    /// <summary>Raw bytes.</summary>
    public MySqlWriter Bytes(ReadOnlySpan<byte> v)
    {
        v.CopyTo(Grow(v.Length));
        return this;
    }

    /// <summary>UTF-8 text without a terminator (string&lt;EOF&gt; / string&lt;fix&gt;).</summary>
    public MySqlWriter Text(string v) => Bytes(Encoding.UTF8.GetBytes(v));
}
