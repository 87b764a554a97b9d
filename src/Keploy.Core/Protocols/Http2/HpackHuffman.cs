using System.Buffers;

namespace Keploy.Core.Protocols.Http2;

/// <summary>
/// HPACK's static Huffman code (RFC 7541 §5.2 and Appendix B): decoding a Huffman-coded string literal and encoding one.
/// </summary>
internal static class HpackHuffman
{
    // Decoding tree: node i has children _tree[2i] (bit 0) and _tree[2i+1] (bit 1); a value >= 0 is a node index, a value < 0
    // is a leaf holding symbol (-value - 1). Built once from HpackHuffmanTable.
    private static readonly int[] Tree = BuildTree();

    private static int[] BuildTree()
    {
        var tree = new List<int> { 0, 0 }; // root = node 0; 0 as child means "absent" (the root is never a child)
        for (int symbol = 0; symbol < 257; symbol++)
        {
            uint code = HpackHuffmanTable.Codes[symbol];
            int length = HpackHuffmanTable.Lengths[symbol];
            int node = 0;
            for (int bit = length - 1; bit >= 0; bit--)
            {
                int slot = (2 * node) + (int)((code >> bit) & 1);
                if (bit == 0)
                {
                    tree[slot] = -symbol - 1;
                }
                else
                {
                    if (tree[slot] == 0)
                    {
                        tree[slot] = tree.Count / 2;
                        tree.Add(0);
                        tree.Add(0);
                    }

                    node = tree[slot];
                }
            }
        }

        return tree.ToArray();
    }

    /// <summary>
    /// Decodes a Huffman-coded string literal (RFC 7541 §5.2). Throws <see cref="HpackException"/> for the EOS symbol inside the
    /// string, padding longer than 7 bits or padding that is not the most significant bits of EOS (all ones).
    /// </summary>
    public static byte[] Decode(ReadOnlySpan<byte> encoded)
    {
        var output = new ArrayBufferWriter<byte>(Math.Max(1, encoded.Length * 8 / 5));
        int node = 0;
        int depth = 0;
        bool allOnes = true;
        foreach (byte b in encoded)
        {
            for (int bit = 7; bit >= 0; bit--)
            {
                int one = (b >> bit) & 1;
                int next = Tree[(2 * node) + one];
                depth++;
                allOnes &= one == 1;
                if (next < 0)
                {
                    int symbol = -next - 1;
                    if (symbol == 256)
                    {
                        throw new HpackException("Huffman string contains the EOS symbol (RFC 7541 §5.2)");
                    }

                    output.GetSpan(1)[0] = (byte)symbol;
                    output.Advance(1);
                    node = 0;
                    depth = 0;
                    allOnes = true;
                }
                else if (next == 0)
                {
                    throw new HpackException("invalid Huffman code");
                }
                else
                {
                    node = next;
                }
            }
        }

        if (depth > 7 || !allOnes)
        {
            throw new HpackException("invalid Huffman padding (RFC 7541 §5.2: at most 7 bits, the prefix of EOS)");
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>Length in bytes of <paramref name="data"/> Huffman-coded.</summary>
    public static int EncodedLength(ReadOnlySpan<byte> data)
    {
        long bits = 0;
        foreach (byte b in data)
        {
            bits += HpackHuffmanTable.Lengths[b];
        }

        return (int)((bits + 7) / 8);
    }

    /// <summary>Huffman-codes <paramref name="data"/> into <paramref name="destination"/> (at least
    /// <see cref="EncodedLength"/> bytes), padding with the most significant bits of EOS; returns the bytes written.</summary>
    public static int Encode(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        ulong buffer = 0;
        int bits = 0;
        int written = 0;
        foreach (byte b in data)
        {
            buffer = (buffer << HpackHuffmanTable.Lengths[b]) | HpackHuffmanTable.Codes[b];
            bits += HpackHuffmanTable.Lengths[b];
            while (bits >= 8)
            {
                bits -= 8;
                destination[written++] = (byte)(buffer >> bits);
            }
        }

        if (bits > 0)
        {
            destination[written++] = (byte)((buffer << (8 - bits)) | (0xFFu >> bits));
        }

        return written;
    }
}
