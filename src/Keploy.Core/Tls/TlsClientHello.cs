using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Keploy.Core.Tls;

/// <summary>
/// What the proxy needs from a TLS ClientHello (RFC 8446 §4.1.2): the server name (SNI, RFC 6066 §3) and the ALPN protocol list
/// (RFC 7301). Read from the first TLS record only; a ClientHello spread over several records yields what the first one holds.
/// </summary>
/// <param name="ServerName">The host_name entry of server_name, or null when the client sent none.</param>
/// <param name="Alpn">Protocols offered in application_layer_protocol_negotiation, empty when the extension is absent.</param>
public sealed record TlsClientHello(string? ServerName, IReadOnlyList<string> Alpn)
{
    /// <summary>True when the first bytes look like a TLS handshake record (content type 22, major version 3).</summary>
    /// <returns>Yes, No, or null when fewer than two bytes are available.</returns>
    public static bool? LooksLikeTls(ReadOnlySequence<byte> prefix)
    {
        if (prefix.Length < 2)
        {
            return prefix.Length == 0 || prefix.FirstSpan[0] == 0x16 ? null : false;
        }

        Span<byte> head = stackalloc byte[2];
        prefix.Slice(0, 2).CopyTo(head);
        return head[0] == 0x16 && head[1] == 0x03;
    }

    /// <summary>Bytes needed for the whole first record (5-byte header plus its length), or null before the header is complete.</summary>
    public static int? FirstRecordLength(ReadOnlySequence<byte> prefix)
    {
        if (prefix.Length < 5)
        {
            return null;
        }

        Span<byte> head = stackalloc byte[5];
        prefix.Slice(0, 5).CopyTo(head);
        return 5 + BinaryPrimitives.ReadUInt16BigEndian(head[3..]);
    }

    /// <summary>Parses the ClientHello in the first record of <paramref name="record"/>; null when it is not a well-formed ClientHello.</summary>
    public static TlsClientHello? TryParse(ReadOnlySequence<byte> record)
    {
        int? total = FirstRecordLength(record);
        if (total is null || record.Length < 5 + 4)
        {
            return null;
        }

        byte[] bytes = record.Slice(5, Math.Min(total.Value, (int)record.Length) - 5).ToArray();
        try
        {
            return Parse(bytes);
        }
        catch (IndexOutOfRangeException)
        {
            return null;
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static TlsClientHello? Parse(ReadOnlySpan<byte> b)
    {
        if (b[0] != 1)
        {
            return null; // not client_hello
        }

        int end = Math.Min(b.Length, 4 + (b[1] << 16 | b[2] << 8 | b[3]));
        int p = 4 + 2 + 32; // legacy_version, random
        p += 1 + b[p]; // legacy_session_id
        p += 2 + BinaryPrimitives.ReadUInt16BigEndian(b[p..]); // cipher_suites
        p += 1 + b[p]; // legacy_compression_methods
        string? sni = null;
        List<string> alpn = new();
        if (p + 2 > end)
        {
            return new TlsClientHello(null, alpn);
        }

        int extEnd = Math.Min(end, p + 2 + BinaryPrimitives.ReadUInt16BigEndian(b[p..]));
        p += 2;
        while (p + 4 <= extEnd)
        {
            int type = BinaryPrimitives.ReadUInt16BigEndian(b[p..]);
            int len = BinaryPrimitives.ReadUInt16BigEndian(b[(p + 2)..]);
            ReadOnlySpan<byte> ext = b.Slice(p + 4, Math.Min(len, extEnd - p - 4));
            p += 4 + len;
            if (type == 0 && ext.Length >= 5)
            {
                int listEnd = Math.Min(ext.Length, 2 + BinaryPrimitives.ReadUInt16BigEndian(ext));
                for (int q = 2; q + 3 <= listEnd;)
                {
                    int nameType = ext[q];
                    int nameLen = BinaryPrimitives.ReadUInt16BigEndian(ext[(q + 1)..]);
                    if (nameType == 0 && q + 3 + nameLen <= listEnd)
                    {
                        sni = Encoding.ASCII.GetString(ext.Slice(q + 3, nameLen));
                        break;
                    }

                    q += 3 + nameLen;
                }
            }
            else if (type == 16 && ext.Length >= 2)
            {
                int listEnd = Math.Min(ext.Length, 2 + BinaryPrimitives.ReadUInt16BigEndian(ext));
                for (int q = 2; q < listEnd;)
                {
                    int n = ext[q];
                    if (q + 1 + n > listEnd)
                    {
                        break;
                    }

                    alpn.Add(Encoding.ASCII.GetString(ext.Slice(q + 1, n)));
                    q += 1 + n;
                }
            }
        }

        return new TlsClientHello(sni, alpn);
    }
}
