using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Keploy.Core.Protocols.Grpc;

/// <summary>
/// The protoscope-like text Keploy writes as a gRPC message's <c>decoded_data</c>: protobuf wire format (protobuf.dev
/// "Encoding") without a schema, one <c>field: value</c> per line. Values: varints in decimal (<c>4: 20</c>); length-delimited
/// fields as a string (<c>2: {"test1"}</c>), a nested message (<c>1: {</c> ... <c>}</c>, two-space indent) or bytes in hex
/// (<c>5: {`0aff`}</c>); fixed32/fixed64 as <c>7: 12i32</c> / <c>8: 12i64</c>; groups as <c>9: !{</c> ... <c>}</c>.
/// <see cref="Write"/> and <see cref="Parse"/> round-trip every well-formed message exactly; <see cref="TryWrite"/> says when a
/// payload cannot be written this way (not protobuf), so callers keep it raw.
/// </summary>
public static class ProtoscopeText
{
    private const int MaxDepth = 64;

    /// <summary>The text of <paramref name="message"/>, or null when it is not a well-formed protobuf message whose text parses
    /// back to the same bytes.</summary>
    public static string? TryWrite(ReadOnlySpan<byte> message)
    {
        var sb = new StringBuilder();
        if (!TryWriteMessage(message, sb, 0))
        {
            return null;
        }

        string text = sb.ToString();
        try
        {
            return Parse(text).AsSpan().SequenceEqual(message) ? text : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The text of <paramref name="message"/>; throws <see cref="FormatException"/> when it is not protobuf.</summary>
    public static string Write(ReadOnlySpan<byte> message) =>
        TryWrite(message) ?? throw new FormatException("not a protobuf message that round-trips through the text form");

    private static bool TryWriteMessage(ReadOnlySpan<byte> data, StringBuilder sb, int depth)
    {
        if (depth > MaxDepth)
        {
            return false;
        }

        string indent = new(' ', depth * 2);
        int pos = 0;
        while (pos < data.Length)
        {
            if (!TryVarint(data, ref pos, out ulong key) || key >> 3 == 0 || key >> 3 > int.MaxValue)
            {
                return false;
            }

            ulong field = key >> 3;
            int wire = (int)(key & 7);
            sb.Append(indent).Append(field.ToString(CultureInfo.InvariantCulture)).Append(": ");
            switch (wire)
            {
                case 0:
                    if (!TryVarint(data, ref pos, out ulong v))
                    {
                        return false;
                    }

                    sb.Append(v.ToString(CultureInfo.InvariantCulture)).Append('\n');
                    break;
                case 1:
                    if (data.Length - pos < 8)
                    {
                        return false;
                    }

                    sb.Append(BinaryPrimitives.ReadUInt64LittleEndian(data[pos..]).ToString(CultureInfo.InvariantCulture)).Append("i64\n");
                    pos += 8;
                    break;
                case 5:
                    if (data.Length - pos < 4)
                    {
                        return false;
                    }

                    sb.Append(BinaryPrimitives.ReadUInt32LittleEndian(data[pos..]).ToString(CultureInfo.InvariantCulture)).Append("i32\n");
                    pos += 4;
                    break;
                case 2:
                {
                    if (!TryVarint(data, ref pos, out ulong len) || len > (ulong)(data.Length - pos))
                    {
                        return false;
                    }

                    ReadOnlySpan<byte> inner = data.Slice(pos, (int)len);
                    pos += (int)len;
                    WriteLengthDelimited(inner, sb, depth, indent);
                    break;
                }

                case 3:
                {
                    // group: fields until the matching end-group tag
                    int start = pos;
                    int end = FindGroupEnd(data, ref pos, field, depth);
                    if (end < 0)
                    {
                        return false;
                    }

                    sb.Append("!{\n");
                    if (!TryWriteMessage(data[start..end], sb, depth + 1))
                    {
                        return false;
                    }

                    sb.Append(indent).Append("}\n");
                    break;
                }

                default:
                    return false;
            }
        }

        return true;
    }

    private static void WriteLengthDelimited(ReadOnlySpan<byte> inner, StringBuilder sb, int depth, string indent)
    {
        if (inner.IsEmpty)
        {
            sb.Append("{}\n");
            return;
        }

        if (IsPrintable(inner, out string? text))
        {
            sb.Append("{\"");
            foreach (char c in text!)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\t': sb.Append("\\t"); break;
                    case '\r': sb.Append("\\r"); break;
                    default: sb.Append(c); break;
                }
            }

            sb.Append("\"}\n");
            return;
        }

        var nested = new StringBuilder();
        if (TryWriteMessage(inner, nested, depth + 1))
        {
            sb.Append("{\n").Append(nested).Append(indent).Append("}\n");
            return;
        }

        sb.Append("{`").Append(Convert.ToHexString(inner).ToLowerInvariant()).Append("`}\n");
    }

    private static int FindGroupEnd(ReadOnlySpan<byte> data, ref int pos, ulong field, int depth)
    {
        while (pos < data.Length)
        {
            int tagStart = pos;
            if (!TryVarint(data, ref pos, out ulong key))
            {
                return -1;
            }

            int wire = (int)(key & 7);
            if (wire == 4)
            {
                return key >> 3 == field ? tagStart : -1;
            }

            if (!Skip(data, ref pos, wire, key >> 3, depth + 1))
            {
                return -1;
            }
        }

        return -1;
    }

    private static bool Skip(ReadOnlySpan<byte> data, ref int pos, int wire, ulong field, int depth)
    {
        switch (wire)
        {
            case 0:
                return TryVarint(data, ref pos, out _);
            case 1:
                pos += 8;
                return pos <= data.Length;
            case 5:
                pos += 4;
                return pos <= data.Length;
            case 2:
                if (!TryVarint(data, ref pos, out ulong len) || len > (ulong)(data.Length - pos))
                {
                    return false;
                }

                pos += (int)len;
                return true;
            case 3:
                return depth <= MaxDepth && FindGroupEnd(data, ref pos, field, depth) >= 0 && TryVarint(data, ref pos, out _);
            default:
                return false;
        }
    }

    private static bool IsPrintable(ReadOnlySpan<byte> bytes, out string? text)
    {
        text = null;
        try
        {
            text = new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (char.IsControl(c) && c is not ('\n' or '\t' or '\r'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryVarint(ReadOnlySpan<byte> data, ref int pos, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (pos >= data.Length)
            {
                return false;
            }

            byte b = data[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                // a non-minimal encoding would not round-trip
                return b != 0 || shift == 0;
            }
        }

        return false;
    }

    /// <summary>
    /// Encodes the text form back to protobuf wire bytes. Throws <see cref="FormatException"/> naming the line and column of the
    /// first thing it cannot read. Also accepts negative decimals (two's complement varint), <c>z</c>-suffixed zigzag integers,
    /// decimals with a fraction (double, or float with <c>i32</c>), hex integers (<c>0x</c>) and <c>#</c> comments.
    /// </summary>
    public static byte[] Parse(string text)
    {
        var reader = new Reader(text);
        var output = new ArrayBufferWriter<byte>();
        reader.ParseFields(output, 0, closing: null);
        return output.WrittenSpan.ToArray();
    }

    private static void WriteVarint(IBufferWriter<byte> output, ulong value)
    {
        Span<byte> span = output.GetSpan(10);
        int n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[n++] = (byte)value;
        output.Advance(n);
    }

    private ref struct Reader
    {
        private readonly string _text;
        private int _pos;

        public Reader(string text)
        {
            _text = text;
            _pos = 0;
        }

        public void ParseFields(ArrayBufferWriter<byte> output, int depth, char? closing)
        {
            if (depth > MaxDepth)
            {
                throw Error("nested deeper than 64 levels");
            }

            while (true)
            {
                SkipSpace();
                if (_pos >= _text.Length)
                {
                    if (closing is not null)
                    {
                        throw Error("missing '}'");
                    }

                    return;
                }

                if (closing is char c && _text[_pos] == c)
                {
                    _pos++;
                    return;
                }

                int start = _pos;
                while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
                {
                    _pos++;
                }

                if (start == _pos || !ulong.TryParse(_text.AsSpan(start, _pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out ulong field) || field == 0 || field > int.MaxValue)
                {
                    throw Error("expected a field number");
                }

                SkipSpace();
                if (_pos >= _text.Length || _text[_pos] != ':')
                {
                    throw Error("expected ':' after the field number");
                }

                _pos++;
                SkipSpace();
                ParseValue(output, field, depth);
            }
        }

        private void ParseValue(ArrayBufferWriter<byte> output, ulong field, int depth)
        {
            if (_pos >= _text.Length)
            {
                throw Error("expected a value");
            }

            char c = _text[_pos];
            if (c == '!' && _pos + 1 < _text.Length && _text[_pos + 1] == '{')
            {
                _pos += 2;
                WriteVarint(output, (field << 3) | 3);
                ParseFields(output, depth + 1, '}');
                WriteVarint(output, (field << 3) | 4);
                return;
            }

            if (c == '{')
            {
                _pos++;
                SkipSpace();
                byte[] payload;
                if (_pos < _text.Length && _text[_pos] == '"')
                {
                    payload = Encoding.UTF8.GetBytes(ReadQuoted());
                    Expect('}');
                }
                else if (_pos < _text.Length && _text[_pos] == '`')
                {
                    int end = _text.IndexOf('`', _pos + 1);
                    if (end < 0)
                    {
                        throw Error("missing closing '`'");
                    }

                    try
                    {
                        payload = Convert.FromHexString(_text.AsSpan(_pos + 1, end - _pos - 1));
                    }
                    catch (FormatException)
                    {
                        throw Error("bytes are not hex");
                    }

                    _pos = end + 1;
                    Expect('}');
                }
                else
                {
                    var nested = new ArrayBufferWriter<byte>();
                    ParseFields(nested, depth + 1, '}');
                    payload = nested.WrittenSpan.ToArray();
                }

                WriteVarint(output, (field << 3) | 2);
                WriteVarint(output, (ulong)payload.Length);
                output.Write(payload);
                return;
            }

            int start = _pos;
            while (_pos < _text.Length && !char.IsWhiteSpace(_text[_pos]) && _text[_pos] != '}')
            {
                _pos++;
            }

            ReadOnlySpan<char> token = _text.AsSpan(start, _pos - start);
            if (!TryScalar(output, field, token))
            {
                _pos = start;
                throw Error($"cannot read value '{token.ToString()}'");
            }
        }

        private static bool TryScalar(ArrayBufferWriter<byte> output, ulong field, ReadOnlySpan<char> token)
        {
            int wire = 0;
            if (token.EndsWith("i64"))
            {
                wire = 1;
                token = token[..^3];
            }
            else if (token.EndsWith("i32"))
            {
                wire = 5;
                token = token[..^3];
            }

            bool zigzag = wire == 0 && token.EndsWith("z");
            if (zigzag)
            {
                token = token[..^1];
            }

            ulong bits;
            if (token.Contains('.') || token.Contains('e') && !token.StartsWith("0x"))
            {
                if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || zigzag)
                {
                    return false;
                }

                if (wire == 0)
                {
                    wire = 1;
                }

                bits = wire == 5 ? BitConverter.SingleToUInt32Bits((float)d) : BitConverter.DoubleToUInt64Bits(d);
            }
            else if (token.StartsWith("0x") || token.StartsWith("-0x"))
            {
                bool negative = token[0] == '-';
                if (!ulong.TryParse(token[(negative ? 3 : 2)..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bits))
                {
                    return false;
                }

                bits = negative ? (ulong)-(long)bits : bits;
            }
            else if (token.StartsWith("-"))
            {
                if (!long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long signed))
                {
                    return false;
                }

                bits = zigzag ? (ulong)((signed << 1) ^ (signed >> 63)) : (ulong)signed;
            }
            else
            {
                if (!ulong.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out bits))
                {
                    return false;
                }

                if (zigzag)
                {
                    long signed = (long)bits;
                    bits = (ulong)((signed << 1) ^ (signed >> 63));
                }
            }

            WriteVarint(output, (field << 3) | (uint)wire);
            Span<byte> span = output.GetSpan(10);
            switch (wire)
            {
                case 0:
                    WriteVarint(output, bits);
                    return true;
                case 1:
                    BinaryPrimitives.WriteUInt64LittleEndian(span, bits);
                    output.Advance(8);
                    return true;
                default:
                    if (bits > uint.MaxValue && (long)bits < int.MinValue)
                    {
                        return false;
                    }

                    BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)bits);
                    output.Advance(4);
                    return true;
            }
        }

        private string ReadQuoted()
        {
            _pos++; // opening quote
            var sb = new StringBuilder();
            while (true)
            {
                if (_pos >= _text.Length)
                {
                    throw Error("missing closing '\"'");
                }

                char c = _text[_pos++];
                if (c == '"')
                {
                    return sb.ToString();
                }

                if (c != '\\')
                {
                    sb.Append(c);
                    continue;
                }

                if (_pos >= _text.Length)
                {
                    throw Error("string ends after '\\'");
                }

                char e = _text[_pos++];
                switch (e)
                {
                    case 'n': sb.Append('\n'); break;
                    case 't': sb.Append('\t'); break;
                    case 'r': sb.Append('\r'); break;
                    case '"': sb.Append('"'); break;
                    case '\\': sb.Append('\\'); break;
                    case '\'': sb.Append('\''); break;
                    case 'x' when _pos + 2 <= _text.Length && byte.TryParse(_text.AsSpan(_pos, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte x):
                        sb.Append((char)x);
                        _pos += 2;
                        break;
                    default:
                        throw Error($"unknown escape '\\{e}'");
                }
            }
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (_pos >= _text.Length || _text[_pos] != c)
            {
                throw Error($"expected '{c}'");
            }

            _pos++;
        }

        private void SkipSpace()
        {
            while (_pos < _text.Length)
            {
                if (char.IsWhiteSpace(_text[_pos]))
                {
                    _pos++;
                }
                else if (_text[_pos] == '#')
                {
                    while (_pos < _text.Length && _text[_pos] != '\n')
                    {
                        _pos++;
                    }
                }
                else
                {
                    return;
                }
            }
        }

        private FormatException Error(string what)
        {
            int line = 1, column = 1;
            for (int i = 0; i < _pos && i < _text.Length; i++)
            {
                if (_text[i] == '\n')
                {
                    line++;
                    column = 1;
                }
                else
                {
                    column++;
                }
            }

            return new FormatException($"decoded_data {line}:{column}: {what}");
        }
    }
}
