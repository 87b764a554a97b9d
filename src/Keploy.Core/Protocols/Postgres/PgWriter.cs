using System.Buffers.Binary;
using System.Text;

namespace Keploy.Core.Protocols.Postgres;

/// <summary>Builds one protocol 3.0 message: type byte, Int32 length (including itself), body (PostgreSQL docs, 55.7 Message Formats).</summary>
internal sealed class PgWriter
{
    private readonly List<byte> _body = new();
    private readonly byte _type;

    public PgWriter(byte type)
    {
        _type = type;
    }

    public PgWriter Byte(byte b)
    {
        _body.Add(b);
        return this;
    }

    public PgWriter Int16(short v)
    {
        Span<byte> s = stackalloc byte[2];
        BinaryPrimitives.WriteInt16BigEndian(s, v);
        _body.AddRange(s.ToArray());
        return this;
    }

    public PgWriter Int32(int v)
    {
        Span<byte> s = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(s, v);
        _body.AddRange(s.ToArray());
        return this;
    }

    public PgWriter CString(string s)
    {
        _body.AddRange(Encoding.UTF8.GetBytes(s));
        _body.Add(0);
        return this;
    }

    public PgWriter Bytes(ReadOnlySpan<byte> b)
    {
        _body.AddRange(b.ToArray());
        return this;
    }

    /// <summary>Int32 length and bytes; null writes -1.</summary>
    public PgWriter NullableBytes(byte[]? b)
    {
        if (b is null)
        {
            return Int32(-1);
        }

        Int32(b.Length);
        return Bytes(b);
    }

    /// <summary>The whole message. A type byte of 0 writes an untyped startup-phase message.</summary>
    public byte[] ToArray()
    {
        int header = _type == 0 ? 4 : 5;
        byte[] result = new byte[header + _body.Count];
        if (_type != 0)
        {
            result[0] = _type;
        }

        BinaryPrimitives.WriteInt32BigEndian(result.AsSpan(header - 4), _body.Count + 4);
        _body.CopyTo(result, header);
        return result;
    }
}
