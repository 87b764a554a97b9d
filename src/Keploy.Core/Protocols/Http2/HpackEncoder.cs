using System.Buffers;
using System.Text;

namespace Keploy.Core.Protocols.Http2;

/// <summary>
/// Encodes header blocks (RFC 7541 §6) for one direction of a connection this tool serves (replay). Full matches in the static
/// or dynamic table are sent indexed (§6.1); other fields are literals with incremental indexing (§6.2.1), except sensitive
/// ones (authorization, cookie, set-cookie, proxy-authorization) which are never indexed (§6.2.3, §7.1.3). Strings are
/// Huffman-coded when that is shorter (§5.2). Not thread-safe.
/// </summary>
public sealed class HpackEncoder
{
    private static readonly HashSet<string> NeverIndexed = new(StringComparer.Ordinal)
    {
        "authorization", "proxy-authorization", "cookie", "set-cookie",
    };

    private int? _pendingResize;

    /// <summary>The encoder's dynamic table (mirrors the peer's decoder).</summary>
    public HpackDynamicTable Table { get; } = new();

    /// <summary>Applies the peer's SETTINGS_HEADER_TABLE_SIZE (RFC 9113 §6.5.2): the next block starts with a size update.</summary>
    public void SetMaxTableSize(int size)
    {
        int effective = Math.Min(size, 4096);
        if (effective != Table.MaxSize)
        {
            _pendingResize = effective;
        }
    }

    /// <summary>Encodes <paramref name="fields"/> as one header block into <paramref name="output"/>.</summary>
    public void Encode(IEnumerable<Http2HeaderField> fields, IBufferWriter<byte> output)
    {
        if (_pendingResize is int resize)
        {
            WriteInteger(output, 0x20, 5, resize);
            Table.Resize(resize);
            _pendingResize = null;
        }

        foreach (Http2HeaderField field in fields)
        {
            int staticIndex = HpackStaticTable.Find(field.Name, field.Value, out bool staticFull);
            if (staticFull)
            {
                WriteInteger(output, 0x80, 7, staticIndex);
                continue;
            }

            int dynamicIndex = Table.Find(field.Name, field.Value, out bool dynamicFull);
            if (dynamicFull)
            {
                WriteInteger(output, 0x80, 7, dynamicIndex + HpackStaticTable.Entries.Length);
                continue;
            }

            int nameIndex = staticIndex != 0 ? staticIndex : dynamicIndex != 0 ? dynamicIndex + HpackStaticTable.Entries.Length : 0;
            bool sensitive = NeverIndexed.Contains(field.Name);
            if (sensitive)
            {
                WriteInteger(output, 0x10, 4, nameIndex);
            }
            else
            {
                WriteInteger(output, 0x40, 6, nameIndex);
            }

            if (nameIndex == 0)
            {
                WriteString(output, field.Name);
            }

            WriteString(output, field.Value);
            if (!sensitive)
            {
                Table.Add(field);
            }
        }
    }

    private static void WriteString(IBufferWriter<byte> output, string text)
    {
        byte[] raw = Encoding.UTF8.GetBytes(text);
        int huffmanLength = HpackHuffman.EncodedLength(raw);
        if (huffmanLength < raw.Length)
        {
            WriteInteger(output, 0x80, 7, huffmanLength);
            Span<byte> span = output.GetSpan(huffmanLength);
            HpackHuffman.Encode(raw, span);
            output.Advance(huffmanLength);
        }
        else
        {
            WriteInteger(output, 0x00, 7, raw.Length);
            output.Write(raw);
        }
    }

    /// <summary>Writes an HPACK integer (RFC 7541 §5.1) with <paramref name="prefixBits"/> bits of prefix and
    /// <paramref name="flags"/> in the first octet's high bits.</summary>
    internal static void WriteInteger(IBufferWriter<byte> output, byte flags, int prefixBits, long value)
    {
        Span<byte> span = output.GetSpan(6);
        int max = (1 << prefixBits) - 1;
        int n = 0;
        if (value < max)
        {
            span[n++] = (byte)(flags | value);
        }
        else
        {
            span[n++] = (byte)(flags | max);
            value -= max;
            while (value >= 0x80)
            {
                span[n++] = (byte)((value & 0x7F) | 0x80);
                value >>= 7;
            }

            span[n++] = (byte)value;
        }

        output.Advance(n);
    }
}
