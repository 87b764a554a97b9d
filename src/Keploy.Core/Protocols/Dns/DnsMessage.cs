using System.Buffers.Binary;
using System.Text;

namespace Keploy.Core.Protocols.Dns;

/// <summary>A DNS message that cannot be decoded; the message names the byte offset (RFC 1035 §4.1).</summary>
public sealed class DnsFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DnsFormatException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// The DNS header (RFC 1035 §4.1.1): id, the flags word (QR, OPCODE, AA, TC, RD, RA, Z, RCODE) and the four section counts.
/// </summary>
/// <param name="Id">Query id, echoed in the answer.</param>
/// <param name="Flags">The 16-bit flags word as on the wire.</param>
public readonly record struct DnsHeader(ushort Id, ushort Flags)
{
    /// <summary>Size on the wire: 12 bytes.</summary>
    public const int Size = 12;

    /// <summary>QR: true for a response.</summary>
    public bool IsResponse => (Flags & 0x8000) != 0;

    /// <summary>OPCODE (0 = standard query).</summary>
    public int Opcode => (Flags >> 11) & 0xF;

    /// <summary>AA: authoritative answer.</summary>
    public bool Authoritative => (Flags & 0x0400) != 0;

    /// <summary>TC: truncated.</summary>
    public bool Truncated => (Flags & 0x0200) != 0;

    /// <summary>RD: recursion desired.</summary>
    public bool RecursionDesired => (Flags & 0x0100) != 0;

    /// <summary>RA: recursion available.</summary>
    public bool RecursionAvailable => (Flags & 0x0080) != 0;

    /// <summary>RCODE (0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN).</summary>
    public int ResponseCode => Flags & 0xF;

    /// <summary>The flags word of an answer to a query with <paramref name="queryFlags"/>: QR set, OPCODE and RD copied.</summary>
    public static ushort AnswerFlags(ushort queryFlags, bool authoritative, bool truncated, bool recursionAvailable, int rcode) =>
        (ushort)(0x8000 | (queryFlags & 0x7800) | (authoritative ? 0x0400 : 0) | (truncated ? 0x0200 : 0) | (queryFlags & 0x0100)
                 | (recursionAvailable ? 0x0080 : 0) | (rcode & 0xF));
}

/// <summary>One question entry (RFC 1035 §4.1.2): QNAME (dotted, with the final dot), QTYPE, QCLASS.</summary>
/// <param name="Name">The name as sent (case kept: resolvers may randomise it), e.g. <c>svc.test.</c>.</param>
/// <param name="Type">QTYPE (1 A, 28 AAAA, ...).</param>
/// <param name="Class">QCLASS (1 IN).</param>
public sealed record DnsQuestion(string Name, ushort Type, ushort Class);

/// <summary>
/// One resource record of the answer, authority or additional section (RFC 1035 §4.1.3). <see cref="RData"/> has any compressed
/// names inside it expanded (RFC 1035 §4.1.4), so it stands alone without the message it came from.
/// </summary>
/// <param name="Name">Owner name, dotted with the final dot.</param>
/// <param name="Type">TYPE.</param>
/// <param name="Class">CLASS (for OPT, RFC 6891: the UDP payload size).</param>
/// <param name="Ttl">TTL in seconds.</param>
/// <param name="RData">RDATA, names uncompressed.</param>
public sealed record DnsResourceRecord(string Name, ushort Type, ushort Class, uint Ttl, byte[] RData);

/// <summary>A whole DNS message (RFC 1035 §4): header and the four sections. Decoded with <see cref="Parse"/>, written with
/// <see cref="Encode"/> (names never compressed).</summary>
/// <param name="Header">Id and flags.</param>
/// <param name="Questions">Question section.</param>
/// <param name="Answers">Answer section.</param>
/// <param name="Authorities">Authority section.</param>
/// <param name="Additionals">Additional section.</param>
public sealed record DnsMessage(DnsHeader Header, IReadOnlyList<DnsQuestion> Questions, IReadOnlyList<DnsResourceRecord> Answers, IReadOnlyList<DnsResourceRecord> Authorities, IReadOnlyList<DnsResourceRecord> Additionals)
{
    /// <summary>Most compression pointers followed in one name before the message is rejected as a loop.</summary>
    public const int MaxPointers = 64;

    /// <summary>Decodes a message. Throws <see cref="DnsFormatException"/> ("at byte N: ...") for a truncated message, a bad label,
    /// a compression loop or a name over 255 bytes.</summary>
    public static DnsMessage Parse(ReadOnlySpan<byte> message)
    {
        if (message.Length < DnsHeader.Size)
        {
            throw new DnsFormatException($"at byte 0: {message.Length} bytes, shorter than the 12-byte header");
        }

        DnsHeader header = new(BinaryPrimitives.ReadUInt16BigEndian(message), BinaryPrimitives.ReadUInt16BigEndian(message[2..]));
        int qd = BinaryPrimitives.ReadUInt16BigEndian(message[4..]);
        int an = BinaryPrimitives.ReadUInt16BigEndian(message[6..]);
        int ns = BinaryPrimitives.ReadUInt16BigEndian(message[8..]);
        int ar = BinaryPrimitives.ReadUInt16BigEndian(message[10..]);
        int pos = DnsHeader.Size;
        List<DnsQuestion> questions = new();
        for (int i = 0; i < qd; i++)
        {
            string name = ReadName(message, ref pos);
            Need(message, pos, 4, "question type and class");
            questions.Add(new DnsQuestion(name, BinaryPrimitives.ReadUInt16BigEndian(message[pos..]), BinaryPrimitives.ReadUInt16BigEndian(message[(pos + 2)..])));
            pos += 4;
        }

        List<DnsResourceRecord> answers = ReadRecords(message, ref pos, an);
        List<DnsResourceRecord> authorities = ReadRecords(message, ref pos, ns);
        List<DnsResourceRecord> additionals = ReadRecords(message, ref pos, ar);
        return new DnsMessage(header, questions, answers, authorities, additionals);
    }

    /// <summary>The wire form, names uncompressed.</summary>
    public byte[] Encode()
    {
        List<byte> output = new(512);
        void U16(int v)
        {
            output.Add((byte)(v >> 8));
            output.Add((byte)v);
        }

        U16(Header.Id);
        U16(Header.Flags);
        U16(Questions.Count);
        U16(Answers.Count);
        U16(Authorities.Count);
        U16(Additionals.Count);
        foreach (DnsQuestion q in Questions)
        {
            output.AddRange(EncodeName(q.Name));
            U16(q.Type);
            U16(q.Class);
        }

        foreach (DnsResourceRecord rr in Answers.Concat(Authorities).Concat(Additionals))
        {
            output.AddRange(EncodeName(rr.Name));
            U16(rr.Type);
            U16(rr.Class);
            U16((int)(rr.Ttl >> 16));
            U16((int)(rr.Ttl & 0xFFFF));
            U16(rr.RData.Length);
            output.AddRange(rr.RData);
        }

        return output.ToArray();
    }

    /// <summary>The uncompressed wire form of a dotted name (RFC 1035 §3.1); <c>\.</c>, <c>\\</c> and <c>\DDD</c> escapes are
    /// read as in master files (§5.1). Throws <see cref="DnsFormatException"/> for a label over 63 or a name over 255 bytes.</summary>
    public static byte[] EncodeName(string name)
    {
        List<byte> output = new();
        List<byte> label = new();
        void EndLabel()
        {
            if (label.Count > 63)
            {
                throw new DnsFormatException($"name '{name}': a label is longer than 63 bytes");
            }

            output.Add((byte)label.Count);
            output.AddRange(label);
            label.Clear();
        }

        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (c == '\\' && i + 1 < name.Length)
            {
                if (i + 3 < name.Length && char.IsAsciiDigit(name[i + 1]) && char.IsAsciiDigit(name[i + 2]) && char.IsAsciiDigit(name[i + 3]))
                {
                    label.Add((byte)int.Parse(name.AsSpan(i + 1, 3), System.Globalization.CultureInfo.InvariantCulture));
                    i += 3;
                }
                else
                {
                    label.Add((byte)name[++i]);
                }
            }
            else if (c == '.')
            {
                if (label.Count > 0)
                {
                    EndLabel();
                }
            }
            else
            {
                label.Add((byte)c);
            }
        }

        if (label.Count > 0)
        {
            EndLabel();
        }

        output.Add(0);
        if (output.Count > 255)
        {
            throw new DnsFormatException($"name '{name}' is longer than 255 bytes");
        }

        return output.ToArray();
    }

    /// <summary>Reads a possibly compressed name at <paramref name="pos"/> (advanced past it) as dotted text with the final dot.</summary>
    internal static string ReadName(ReadOnlySpan<byte> message, ref int pos)
    {
        StringBuilder name = new();
        int at = pos;
        int pointers = 0;
        int length = 0;
        bool jumped = false;
        while (true)
        {
            Need(message, at, 1, "name");
            byte len = message[at];
            if ((len & 0xC0) == 0xC0)
            {
                Need(message, at, 2, "compression pointer");
                int target = BinaryPrimitives.ReadUInt16BigEndian(message[at..]) & 0x3FFF;
                if (++pointers > MaxPointers || target >= message.Length)
                {
                    throw new DnsFormatException($"at byte {at}: compression pointer loop or out of the message");
                }

                if (!jumped)
                {
                    pos = at + 2;
                    jumped = true;
                }

                at = target;
                continue;
            }

            if ((len & 0xC0) != 0)
            {
                throw new DnsFormatException($"at byte {at}: label type 0x{len & 0xC0:x2} is not supported");
            }

            at++;
            if (len == 0)
            {
                break;
            }

            Need(message, at, len, "label");
            length += len + 1;
            if (length > 255)
            {
                throw new DnsFormatException($"at byte {at}: name longer than 255 bytes");
            }

            foreach (byte b in message.Slice(at, len))
            {
                if (b is (byte)'.' or (byte)'\\')
                {
                    name.Append('\\').Append((char)b);
                }
                else if (b is > 0x20 and < 0x7f)
                {
                    name.Append((char)b);
                }
                else
                {
                    name.Append('\\').Append(b.ToString("D3", System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            name.Append('.');
            at += len;
        }

        if (!jumped)
        {
            pos = at;
        }

        return name.Length == 0 ? "." : name.ToString();
    }

    private static List<DnsResourceRecord> ReadRecords(ReadOnlySpan<byte> message, ref int pos, int count)
    {
        List<DnsResourceRecord> records = new();
        for (int i = 0; i < count; i++)
        {
            string name = ReadName(message, ref pos);
            Need(message, pos, 10, "record header");
            ushort type = BinaryPrimitives.ReadUInt16BigEndian(message[pos..]);
            ushort cls = BinaryPrimitives.ReadUInt16BigEndian(message[(pos + 2)..]);
            uint ttl = BinaryPrimitives.ReadUInt32BigEndian(message[(pos + 4)..]);
            int rdLength = BinaryPrimitives.ReadUInt16BigEndian(message[(pos + 8)..]);
            pos += 10;
            Need(message, pos, rdLength, "RDATA");
            records.Add(new DnsResourceRecord(name, type, cls, ttl, ExpandRData(message, pos, rdLength, type)));
            pos += rdLength;
        }

        return records;
    }

    /// <summary>RDATA with the names of NS, CNAME, PTR, SOA, MX and SRV uncompressed (the types RFC 1035/2782 let senders compress).</summary>
    private static byte[] ExpandRData(ReadOnlySpan<byte> message, int start, int length, ushort type)
    {
        int end = start + length;
        int pos = start;
        List<byte> output = new();
        void Name(ReadOnlySpan<byte> m, ref int p)
        {
            output.AddRange(EncodeName(ReadName(m, ref p)));
        }

        void Fixed(ReadOnlySpan<byte> m, ref int p, int n)
        {
            Need(m, p, n, "RDATA field");
            output.AddRange(m.Slice(p, n).ToArray());
            p += n;
        }

        switch (type)
        {
            case DnsTypes.NS or DnsTypes.CNAME or DnsTypes.PTR:
                Name(message, ref pos);
                break;
            case DnsTypes.MX:
                Fixed(message, ref pos, 2);
                Name(message, ref pos);
                break;
            case DnsTypes.SRV:
                Fixed(message, ref pos, 6);
                Name(message, ref pos);
                break;
            case DnsTypes.SOA:
                Name(message, ref pos);
                Name(message, ref pos);
                Fixed(message, ref pos, 20);
                break;
            default:
                return message.Slice(start, length).ToArray();
        }

        if (pos != end)
        {
            throw new DnsFormatException($"at byte {start}: RDATA of type {DnsTypes.Name(type)} is {length} bytes but its fields take {pos - start}");
        }

        return output.ToArray();
    }

    private static void Need(ReadOnlySpan<byte> message, int pos, int count, string what)
    {
        if (pos + count > message.Length)
        {
            throw new DnsFormatException($"at byte {pos}: the message ends inside the {what}");
        }
    }
}
