using System.Text;

namespace Keploy.Core.Protocols.Http2;

/// <summary>
/// Decodes HPACK header blocks (RFC 7541 §6) of one direction of one connection, keeping that direction's dynamic table across
/// blocks. Not thread-safe: blocks must be decoded in the order they were sent.
/// </summary>
public sealed class HpackDecoder
{
    private readonly int _maxHeaderListSize;

    /// <summary>Creates a decoder.</summary>
    /// <param name="maxTableSize">The largest dynamic table size an update may ask for (the receiver's SETTINGS_HEADER_TABLE_SIZE,
    /// RFC 9113 §6.5.2; a passive observer passes the largest value it will tolerate).</param>
    /// <param name="maxHeaderListSize">Bound on the decoded block (sum of entry sizes, RFC 9113 §6.5.2 SETTINGS_MAX_HEADER_LIST_SIZE),
    /// so a hostile block cannot take unbounded memory.</param>
    public HpackDecoder(int maxTableSize = 4096, int maxHeaderListSize = 1 << 20)
    {
        MaxTableSize = maxTableSize;
        _maxHeaderListSize = maxHeaderListSize;
    }

    /// <summary>The dynamic table (starts at 4096 octets, RFC 9113 §6.5.2 initial SETTINGS_HEADER_TABLE_SIZE).</summary>
    public HpackDynamicTable Table { get; } = new();

    /// <summary>Upper bound for dynamic table size updates (RFC 7541 §6.3).</summary>
    public int MaxTableSize { get; set; }

    /// <summary>
    /// Decodes one complete header block (HEADERS/PUSH_PROMISE fragment plus its CONTINUATIONs) into fields in order.
    /// Throws <see cref="HpackException"/> for a truncated or invalid block (the dynamic table is then unusable: the connection
    /// is broken, RFC 9113 §4.3).
    /// </summary>
    public List<Http2HeaderField> Decode(ReadOnlySpan<byte> block)
    {
        var fields = new List<Http2HeaderField>();
        long listSize = 0;
        bool fieldSeen = false;
        int pos = 0;
        while (pos < block.Length)
        {
            byte b = block[pos];
            if ((b & 0x80) != 0)
            {
                // §6.1 Indexed Header Field
                int index = (int)ReadInteger(block, ref pos, 7);
                if (index == 0)
                {
                    throw new HpackException("indexed header field with index 0 (RFC 7541 §6.1)");
                }

                Add(fields, Lookup(index), ref listSize);
                fieldSeen = true;
            }
            else if ((b & 0xC0) == 0x40)
            {
                // §6.2.1 Literal Header Field with Incremental Indexing
                (Http2HeaderField field, int size) = ReadLiteral(block, ref pos, 6);
                Table.Add(field, size);
                Add(fields, field, ref listSize);
                fieldSeen = true;
            }
            else if ((b & 0xE0) == 0x20)
            {
                // §6.3 Dynamic Table Size Update: only at the start of a block (§4.2)
                if (fieldSeen)
                {
                    throw new HpackException("dynamic table size update after a header field (RFC 7541 §4.2)");
                }

                long size = ReadInteger(block, ref pos, 5);
                if (size > MaxTableSize)
                {
                    throw new HpackException($"dynamic table size update to {size} exceeds the limit {MaxTableSize} (RFC 7541 §6.3)");
                }

                Table.Resize((int)size);
            }
            else
            {
                // §6.2.2 without indexing (0000xxxx) and §6.2.3 never indexed (0001xxxx)
                (Http2HeaderField field, _) = ReadLiteral(block, ref pos, 4);
                Add(fields, field, ref listSize);
                fieldSeen = true;
            }
        }

        return fields;
    }

    private void Add(List<Http2HeaderField> fields, Http2HeaderField field, ref long listSize)
    {
        listSize += field.Name.Length + field.Value.Length + 32;
        if (listSize > _maxHeaderListSize)
        {
            throw new HpackException($"header list larger than {_maxHeaderListSize} octets");
        }

        fields.Add(field);
    }

    private Http2HeaderField Lookup(int index)
    {
        if (index <= HpackStaticTable.Entries.Length)
        {
            return HpackStaticTable.Entries[index - 1];
        }

        return Table[index - HpackStaticTable.Entries.Length];
    }

    private (Http2HeaderField Field, int Size) ReadLiteral(ReadOnlySpan<byte> block, ref int pos, int prefixBits)
    {
        int nameIndex = (int)ReadInteger(block, ref pos, prefixBits);
        string name;
        int nameOctets;
        if (nameIndex == 0)
        {
            byte[] raw = ReadString(block, ref pos);
            name = Encoding.UTF8.GetString(raw);
            nameOctets = raw.Length;
        }
        else
        {
            name = Lookup(nameIndex).Name;
            nameOctets = Encoding.UTF8.GetByteCount(name);
        }

        byte[] value = ReadString(block, ref pos);
        return (new Http2HeaderField(name, Encoding.UTF8.GetString(value)), nameOctets + value.Length + 32);
    }

    private byte[] ReadString(ReadOnlySpan<byte> block, ref int pos)
    {
        if (pos >= block.Length)
        {
            throw new HpackException("header block ends before a string literal (RFC 7541 §5.2)");
        }

        bool huffman = (block[pos] & 0x80) != 0;
        long length = ReadInteger(block, ref pos, 7);
        if (length > block.Length - pos)
        {
            throw new HpackException($"string literal of {length} octets runs past the end of the header block");
        }

        ReadOnlySpan<byte> raw = block.Slice(pos, (int)length);
        pos += (int)length;
        return huffman ? HpackHuffman.Decode(raw) : raw.ToArray();
    }

    /// <summary>Reads an HPACK integer with an N-bit prefix (RFC 7541 §5.1) at <paramref name="pos"/>; the prefix's other bits
    /// are ignored. Throws <see cref="HpackException"/> when truncated or above 2^31-1.</summary>
    internal static long ReadInteger(ReadOnlySpan<byte> block, ref int pos, int prefixBits)
    {
        if (pos >= block.Length)
        {
            throw new HpackException("header block ends inside an integer (RFC 7541 §5.1)");
        }

        int max = (1 << prefixBits) - 1;
        long value = block[pos++] & max;
        if (value < max)
        {
            return value;
        }

        int shift = 0;
        while (true)
        {
            if (pos >= block.Length)
            {
                throw new HpackException("header block ends inside an integer (RFC 7541 §5.1)");
            }

            byte b = block[pos++];
            value += (long)(b & 0x7F) << shift;
            if (value > int.MaxValue)
            {
                throw new HpackException("HPACK integer larger than 2^31-1");
            }

            if ((b & 0x80) == 0)
            {
                return value;
            }

            shift += 7;
        }
    }
}
