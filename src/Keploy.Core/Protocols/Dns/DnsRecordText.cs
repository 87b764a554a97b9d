using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;

namespace Keploy.Core.Protocols.Dns;

/// <summary>RR TYPE and CLASS numbers (RFC 1035 §3.2.2, RFC 3596, RFC 2782, RFC 6891) and their mnemonics.</summary>
public static class DnsTypes
{
    /// <summary>IPv4 address.</summary>
    public const ushort A = 1;

    /// <summary>Name server.</summary>
    public const ushort NS = 2;

    /// <summary>Canonical name.</summary>
    public const ushort CNAME = 5;

    /// <summary>Start of authority.</summary>
    public const ushort SOA = 6;

    /// <summary>Pointer.</summary>
    public const ushort PTR = 12;

    /// <summary>Mail exchange.</summary>
    public const ushort MX = 15;

    /// <summary>Text strings.</summary>
    public const ushort TXT = 16;

    /// <summary>IPv6 address.</summary>
    public const ushort AAAA = 28;

    /// <summary>Service location.</summary>
    public const ushort SRV = 33;

    /// <summary>EDNS(0) pseudo-record.</summary>
    public const ushort OPT = 41;

    private static readonly Dictionary<ushort, string> s_names = new()
    {
        [A] = "A", [NS] = "NS", [CNAME] = "CNAME", [SOA] = "SOA", [PTR] = "PTR", [MX] = "MX", [TXT] = "TXT", [AAAA] = "AAAA",
        [SRV] = "SRV", [OPT] = "OPT", [64] = "SVCB", [65] = "HTTPS", [257] = "CAA",
    };

    private static readonly Dictionary<string, ushort> s_numbers = s_names.ToDictionary(p => p.Value, p => p.Key, StringComparer.OrdinalIgnoreCase);

    /// <summary>The mnemonic, or <c>TYPEnnn</c> (RFC 3597 §5).</summary>
    public static string Name(ushort type) => s_names.TryGetValue(type, out string? n) ? n : "TYPE" + type.ToString(CultureInfo.InvariantCulture);

    /// <summary>The number of a mnemonic or <c>TYPEnnn</c>; null when neither.</summary>
    public static ushort? Parse(string text) =>
        s_numbers.TryGetValue(text, out ushort t) ? t
        : text.StartsWith("TYPE", StringComparison.OrdinalIgnoreCase) && ushort.TryParse(text.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out t) ? t
        : null;

    /// <summary>The class mnemonic (<c>IN</c>, <c>CH</c>, <c>HS</c>) or <c>CLASSnnn</c>.</summary>
    public static string ClassName(ushort cls) => cls switch { 1 => "IN", 3 => "CH", 4 => "HS", _ => "CLASS" + cls.ToString(CultureInfo.InvariantCulture) };

    /// <summary>The number of a class mnemonic or <c>CLASSnnn</c>; null when neither.</summary>
    public static ushort? ParseClass(string text) => text.ToUpperInvariant() switch
    {
        "IN" => 1,
        "CH" => 3,
        "HS" => 4,
        _ when text.StartsWith("CLASS", StringComparison.OrdinalIgnoreCase) && ushort.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out ushort c) => c,
        _ => null,
    };
}

/// <summary>
/// A resource record as one line of master-file text, the form Keploy stores in DNS mocks (miekg/dns <c>RR.String()</c>):
/// <c>name\tttl\tclass\ttype\trdata</c>, e.g. <c>api.example.com.\t300\tIN\tA\t93.184.216.34</c>. A, AAAA, NS, CNAME, PTR, MX,
/// TXT, SRV and SOA have their presentation forms (RFC 1035 §5.1, RFC 3596, RFC 2782); any other type is written in the
/// RFC 3597 §5 generic form <c>\# length hex</c>, which reads back byte-exact.
/// </summary>
public static class DnsRecordText
{
    /// <summary>The text line of <paramref name="rr"/>.</summary>
    public static string Format(DnsResourceRecord rr) =>
        $"{rr.Name}\t{rr.Ttl.ToString(CultureInfo.InvariantCulture)}\t{DnsTypes.ClassName(rr.Class)}\t{DnsTypes.Name(rr.Type)}\t{FormatData(rr.Type, rr.RData)}";

    /// <summary>Reads a line written by <see cref="Format"/> (or by Keploy). Throws <see cref="DnsFormatException"/> saying what
    /// part is wrong.</summary>
    public static DnsResourceRecord Parse(string line)
    {
        string[] parts = line.Split('\t', 5);
        if (parts.Length != 5)
        {
            parts = line.Split((char[]?)null, 5, StringSplitOptions.RemoveEmptyEntries);
        }

        if (parts.Length < 4)
        {
            throw new DnsFormatException($"record '{line}': expected name, ttl, class, type and data separated by tabs");
        }

        if (!uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out uint ttl))
        {
            throw new DnsFormatException($"record '{line}': ttl '{parts[1]}' is not a number");
        }

        ushort cls = DnsTypes.ParseClass(parts[2]) ?? throw new DnsFormatException($"record '{line}': unknown class '{parts[2]}'");
        ushort type = DnsTypes.Parse(parts[3]) ?? throw new DnsFormatException($"record '{line}': unknown type '{parts[3]}'");
        string data = parts.Length == 5 ? parts[4].Trim() : "";
        try
        {
            return new DnsResourceRecord(parts[0], type, cls, ttl, ParseData(type, data));
        }
        catch (Exception e) when (e is FormatException or IndexOutOfRangeException or OverflowException)
        {
            throw new DnsFormatException($"record '{line}': {(e is IndexOutOfRangeException ? "too few data fields" : e.Message)}");
        }
    }

    private static string FormatData(ushort type, byte[] d)
    {
        try
        {
            int pos = 0;
            switch (type)
            {
                case DnsTypes.A when d.Length == 4:
                    return new IPAddress(d).ToString();
                case DnsTypes.AAAA when d.Length == 16:
                    return new IPAddress(d).ToString();
                case DnsTypes.NS or DnsTypes.CNAME or DnsTypes.PTR:
                    return Name(d, ref pos, whole: true);
                case DnsTypes.MX when d.Length > 2:
                    pos = 2;
                    return $"{BinaryPrimitives.ReadUInt16BigEndian(d)} {Name(d, ref pos, whole: true)}";
                case DnsTypes.SRV when d.Length > 6:
                    pos = 6;
                    return $"{BinaryPrimitives.ReadUInt16BigEndian(d)} {BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(2))} {BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(4))} {Name(d, ref pos, whole: true)}";
                case DnsTypes.SOA:
                    string mname = Name(d, ref pos, whole: false);
                    string rname = Name(d, ref pos, whole: false);
                    if (d.Length - pos != 20)
                    {
                        break;
                    }

                    uint[] n = Enumerable.Range(0, 5).Select(i => BinaryPrimitives.ReadUInt32BigEndian(d.AsSpan(pos + (4 * i)))).ToArray();
                    return $"{mname} {rname} {n[0]} {n[1]} {n[2]} {n[3]} {n[4]}";
                case DnsTypes.TXT:
                    return FormatTxt(d);
            }
        }
        catch (DnsFormatException)
        {
            // not in its type's shape: the generic form below keeps it exact
        }

        return d.Length == 0 ? "\\# 0" : $"\\# {d.Length} {Convert.ToHexString(d).ToLowerInvariant()}";
    }

    private static byte[] ParseData(ushort type, string data)
    {
        if (data.StartsWith("\\#", StringComparison.Ordinal))
        {
            string[] g = data[2..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int length = g.Length > 0 ? int.Parse(g[0], NumberStyles.None, CultureInfo.InvariantCulture) : throw new FormatException("generic data without a length");
            byte[] bytes = Convert.FromHexString(string.Concat(g.Skip(1)));
            return bytes.Length == length ? bytes : throw new FormatException($"generic data says {length} bytes but has {bytes.Length}");
        }

        string[] f = data.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        switch (type)
        {
            case DnsTypes.A or DnsTypes.AAAA:
                IPAddress address = IPAddress.Parse(data);
                byte[] raw = address.GetAddressBytes();
                return raw.Length == (type == DnsTypes.A ? 4 : 16) ? raw : throw new FormatException($"'{data}' is not an {DnsTypes.Name(type)} address");
            case DnsTypes.NS or DnsTypes.CNAME or DnsTypes.PTR:
                return DnsMessage.EncodeName(data);
            case DnsTypes.MX:
                return [.. U16(f[0]), .. DnsMessage.EncodeName(f[1])];
            case DnsTypes.SRV:
                return [.. U16(f[0]), .. U16(f[1]), .. U16(f[2]), .. DnsMessage.EncodeName(f[3])];
            case DnsTypes.SOA:
                return [.. DnsMessage.EncodeName(f[0]), .. DnsMessage.EncodeName(f[1]), .. f.Skip(2).Take(5).SelectMany(U32)];
            case DnsTypes.TXT:
                return ParseTxt(data);
            default:
                throw new FormatException($"type {DnsTypes.Name(type)} needs the generic form \\# length hex");
        }
    }

    private static byte[] U16(string s)
    {
        byte[] b = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(b, ushort.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture));
        return b;
    }

    private static byte[] U32(string s)
    {
        byte[] b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, uint.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture));
        return b;
    }

    private static string Name(byte[] d, ref int pos, bool whole)
    {
        string name = DnsMessage.ReadName(d, ref pos);
        if (whole && pos != d.Length)
        {
            throw new DnsFormatException("trailing bytes after the name");
        }

        return name;
    }

    private static string FormatTxt(byte[] d)
    {
        List<string> strings = new();
        int pos = 0;
        while (pos < d.Length)
        {
            int len = d[pos++];
            if (pos + len > d.Length)
            {
                throw new DnsFormatException("TXT string runs past the data");
            }

            StringBuilder s = new("\"");
            foreach (byte b in d.AsSpan(pos, len))
            {
                if (b is (byte)'"' or (byte)'\\')
                {
                    s.Append('\\').Append((char)b);
                }
                else if (b is >= 0x20 and < 0x7f)
                {
                    s.Append((char)b);
                }
                else
                {
                    s.Append('\\').Append(b.ToString("D3", CultureInfo.InvariantCulture));
                }
            }

            strings.Add(s.Append('"').ToString());
            pos += len;
        }

        return string.Join(' ', strings);
    }

    private static byte[] ParseTxt(string data)
    {
        List<byte> output = new();
        int i = 0;
        while (i < data.Length)
        {
            if (data[i] == ' ')
            {
                i++;
                continue;
            }

            if (data[i] != '"')
            {
                throw new FormatException("TXT data must be quoted strings");
            }

            List<byte> s = new();
            i++;
            while (i < data.Length && data[i] != '"')
            {
                if (data[i] == '\\' && i + 3 < data.Length && char.IsAsciiDigit(data[i + 1]) && char.IsAsciiDigit(data[i + 2]) && char.IsAsciiDigit(data[i + 3]))
                {
                    s.Add((byte)int.Parse(data.AsSpan(i + 1, 3), CultureInfo.InvariantCulture));
                    i += 4;
                }
                else if (data[i] == '\\' && i + 1 < data.Length)
                {
                    s.Add((byte)data[i + 1]);
                    i += 2;
                }
                else
                {
                    s.Add((byte)data[i++]);
                }
            }

            if (i >= data.Length)
            {
                throw new FormatException("TXT string without its closing quote");
            }

            i++;
            if (s.Count > 255)
            {
                throw new FormatException("TXT string longer than 255 bytes");
            }

            output.Add((byte)s.Count);
            output.AddRange(s);
        }

        return output.ToArray();
    }
}
