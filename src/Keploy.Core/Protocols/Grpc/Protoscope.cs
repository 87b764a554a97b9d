using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Keploy.Core.Protocols.Grpc;

/// <summary>
/// The protoscope text form of protobuf wire data that Keploy writes as a gRPC message's <c>decoded_data</c> (Keploy calls
/// <c>protoscope.Write(payload, WriterOptions{})</c> when recording and the protoscope scanner when replaying;
/// github.com/protocolbuffers/protoscope, <c>language.txt</c>). Written without a schema: <c>N: value</c> per field, varints as signed
/// decimal, fixed64/fixed32 as floats when they look like one (the bits as a <c># 0x..i64</c> remark), length-delimited fields as
/// <c>{...}</c> holding a nested message, else a <c>"string"</c>, else <c>`hex`</c>; groups as <c>!{...}</c>; blocks of up to three
/// lines folded onto one (<c>1: {"alpha"}</c>).
/// </summary>
public static class Protoscope
{
    /// <summary>Disassembles protobuf wire bytes into protoscope text (ends with a newline; empty input gives "").</summary>
    public static string Disassemble(ReadOnlySpan<byte> payload)
    {
        Writer w = new();
        byte[] src = payload.ToArray();
        int pos = 0;
        while (pos < src.Length)
        {
            w.Printer.NewLine();
            if (!w.DecodeField(src, ref pos, src.Length))
            {
                w.Printer.DiscardLine();
                break;
            }
        }

        for (int i = w.Groups.Count; i > 0; i--)
        {
            w.ResetGroup();
        }

        w.Groups.Clear();
        w.DumpHex(src.AsSpan(pos));
        return w.Printer.Finish();
    }

    /// <summary>Assembles protoscope text into protobuf wire bytes (the scanner's <c>Exec</c>).</summary>
    /// <exception cref="FormatException">The text is not protoscope; the message names <c>line:column</c>.</exception>
    public static byte[] Assemble(string text)
    {
        Scanner scanner = new(text);
        List<byte> output = new();
        scanner.Sequence(output, closing: false);
        return output.ToArray();
    }

    // ---- the printer: one buffered line each, blocks folded when short (protoscope internal/print) ----
    private sealed class Line
    {
        public StringBuilder Text { get; } = new();

        public List<string> Remarks { get; set; } = new();

        public int Indent { get; set; }
    }

    private sealed record Block(bool HasDelimiters, int HeightToFoldAt, int UnindentAt, int Start);

    private sealed class Printer
    {
        private const int IndentWidth = 2;
        private readonly List<Line> _lines = new();
        private readonly Stack<Block> _blocks = new();

        public Line Current => _lines[^1];

        public int Mark => _lines.Count;

        public void NewLine() => _lines.Add(new Line());

        public void DiscardLine() => _lines.RemoveAt(_lines.Count - 1);

        public void Reset(int mark) => _lines.RemoveRange(mark, _lines.Count - mark);

        public void Write(string s) => Current.Text.Append(s);

        public void Remark(string s) => Current.Remarks.Add(s);

        public void StartBlock(bool hasDelimiters, int heightToFoldAt, int unindentAt)
        {
            _blocks.Push(new Block(hasDelimiters, heightToFoldAt, unindentAt, _lines.Count - 1));
            Current.Indent++;
        }

        public Line DropBlock()
        {
            Block b = _blocks.Pop();
            Line start = _lines[b.Start];
            start.Indent--;
            return start;
        }

        public void EndBlock()
        {
            Block b = _blocks.Pop();
            Line start = _lines[b.Start];
            int height = _lines.Count - b.Start;
            if (height <= b.HeightToFoldAt && height >= 2 && _lines.Skip(b.Start).Count(l => l.Remarks.Count > 0) <= 1)
            {
                for (int i = 0; i < height - 1; i++)
                {
                    Line line = _lines[b.Start + 1 + i];
                    if ((i != 0 && i != height - 2) || !b.HasDelimiters)
                    {
                        start.Text.Append(' ');
                    }

                    start.Text.Append(line.Text);
                    if (line.Remarks.Count > 0)
                    {
                        start.Remarks = line.Remarks;
                    }
                }

                _lines.RemoveRange(b.Start + 1, _lines.Count - b.Start - 1);
            }

            int after = _lines.Count - b.Start;
            if (after <= b.UnindentAt)
            {
                _lines[b.Start].Indent--;
            }
            else
            {
                _lines[_lines.Count - 1 - b.UnindentAt].Indent--;
            }
        }

        public string Finish()
        {
            StringBuilder output = new();
            int indent = 0;
            int commentColumn = -1;
            int commentColumnUntil = -1;
            for (int i = 0; i < _lines.Count; i++)
            {
                Line line = _lines[i];
                if (line.Remarks.Count > 0 && commentColumnUntil < i)
                {
                    // Remarks of contiguous lines share a column (unless crossing an indentation change would push it further).
                    int indent2 = indent;
                    commentColumn = -1;
                    for (int j = 0; i + j < _lines.Count; j++)
                    {
                        Line next = _lines[i + j];
                        if (next.Remarks.Count == 0)
                        {
                            commentColumnUntil = i + j;
                            break;
                        }

                        int length = (indent2 * IndentWidth) + new StringInfo(next.Text.ToString()).LengthInTextElements;
                        indent2 += next.Indent;
                        if (length > commentColumn)
                        {
                            if (j > 1 && next.Indent != 0)
                            {
                                commentColumnUntil = i + j;
                                break;
                            }

                            commentColumn = length;
                        }
                    }

                    if (commentColumn % IndentWidth is int extra && extra != 0)
                    {
                        commentColumn += IndentWidth - extra;
                    }
                }

                output.Append(' ', indent * IndentWidth);
                output.Append(line.Text);
                if (line.Remarks.Count > 0)
                {
                    int needed = commentColumn - (indent * IndentWidth) - line.Text.Length;
                    if (needed > 0)
                    {
                        output.Append(' ', needed);
                    }

                    output.Append("  # ").Append(string.Join(", ", line.Remarks));
                }

                indent += line.Indent;
                output.Append('\n');
            }

            return output.ToString();
        }
    }

    // ---- the disassembler (protoscope writer.go, default options, no schema) ----
    private sealed class Writer
    {
        public Printer Printer { get; } = new();

        public List<long> Groups { get; set; } = new();

        public void DumpHex(ReadOnlySpan<byte> bytes)
        {
            if (bytes.Length == 0)
            {
                return;
            }

            Printer.NewLine();
            Printer.Write("`");
            for (int i = 0; i < bytes.Length; i++)
            {
                if (i > 0 && i % 40 == 0)
                {
                    Printer.Write("`");
                    Printer.NewLine();
                    Printer.Write("`");
                }

                Printer.Write(bytes[i].ToString("x2", CultureInfo.InvariantCulture));
            }

            Printer.Write("`");
        }

        public void ResetGroup()
        {
            Line start = Printer.DropBlock();
            start.Text.Length -= 3; // " !{"
            start.Text.Append("SGROUP");
        }

        /// <summary>Prints one field; on failure <paramref name="pos"/> is left where the field started (the bytes get dumped as hex).</summary>
        public bool DecodeField(byte[] src, ref int pos, int end)
        {
            int start = pos;
            if (DecodeFieldAt(src, ref pos, end))
            {
                return true;
            }

            pos = start;
            return false;
        }

        private bool DecodeFieldAt(byte[] src, ref int pos, int end)
        {
            if (!TryVarint(src, ref pos, end, out ulong tag, out int extra))
            {
                return false;
            }

            if (tag >> 3 == 0)
            {
                return false; // 0 is never a field number: probably not a message.
            }

            if (extra > 0)
            {
                Printer.Write($"long-form:{extra} ");
            }

            ulong number = tag >> 3;
            Printer.Write(number.ToString(CultureInfo.InvariantCulture) + ":");
            switch (tag & 7)
            {
                case 0:
                    Printer.Write(" ");
                    return DecodeVarint(src, ref pos, end);
                case 1:
                    Printer.Write(" ");
                    return DecodeFixed(src, ref pos, end, 8);
                case 5:
                    Printer.Write(" ");
                    return DecodeFixed(src, ref pos, end, 4);
                case 3:
                    Printer.Write(" !{");
                    Printer.StartBlock(hasDelimiters: true, heightToFoldAt: 3, unindentAt: 1);
                    Groups.Add((long)number);
                    return true;
                case 4:
                    if (Groups.Count == 0)
                    {
                        Printer.Write("EGROUP");
                        return true;
                    }

                    long last = Groups[^1];
                    Groups.RemoveAt(Groups.Count - 1);
                    if (last == (long)number)
                    {
                        Printer.Current.Text.Clear();
                        if (extra > 0)
                        {
                            Printer.Write($"long-form:{extra}");
                            Printer.NewLine();
                        }

                        Printer.Write("}");
                        Printer.EndBlock();
                    }
                    else
                    {
                        ResetGroup();
                        Printer.Write("EGROUP");
                    }

                    return true;
                case 2:
                    return DecodeDelimited(src, ref pos, end);
                default:
                    return false;
            }
        }

        private bool DecodeVarint(byte[] src, ref int pos, int end)
        {
            if (!TryVarint(src, ref pos, end, out ulong value, out int extra))
            {
                return false;
            }

            if (extra > 0)
            {
                Printer.Write($"long-form:{extra} ");
            }

            Printer.Write(((long)value).ToString(CultureInfo.InvariantCulture));
            return true;
        }

        private bool DecodeFixed(byte[] src, ref int pos, int end, int size)
        {
            if (end - pos < size)
            {
                return false;
            }

            string suffix = size == 8 ? "64" : "32";
            ulong bits = size == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(src.AsSpan(pos, 8)) : BinaryPrimitives.ReadUInt32LittleEndian(src.AsSpan(pos, 4));
            pos += size;
            double value = size == 8 ? BitConverter.UInt64BitsToDouble(bits) : BitConverter.UInt32BitsToSingle((uint)bits);
            long signed = size == 8 ? (long)bits : (int)(uint)bits;
            if (double.IsPositiveInfinity(value))
            {
                Printer.Write("inf" + suffix);
            }
            else if (double.IsNegativeInfinity(value))
            {
                Printer.Write("-inf" + suffix);
            }
            else if (double.IsNaN(value))
            {
                Printer.Write($"0x{bits:x}i{suffix}");
            }
            else if (FloatText(bits, size) is { } text)
            {
                Printer.Write(size == 8 ? text : text + "i" + suffix);
                Printer.Remark($"0x{bits:x}i{suffix}");
            }
            else
            {
                Printer.Write(signed.ToString(CultureInfo.InvariantCulture) + "i" + suffix);
            }

            return true;
        }

        private bool DecodeDelimited(byte[] src, ref int pos, int end)
        {
            Printer.Write(" ");
            if (!TryVarint(src, ref pos, end, out ulong length, out int extra) || (ulong)(end - pos) < length)
            {
                return false;
            }

            int start = pos;
            int stop = pos + (int)length;
            pos = stop;
            if (extra > 0)
            {
                Printer.Write($"long-form:{extra} ");
            }

            Printer.Write("{");
            Printer.StartBlock(hasDelimiters: true, heightToFoldAt: 3, unindentAt: 1);

            // A nested message when every byte decodes as fields.
            int mark = Printer.Mark;
            List<long> outer = Groups;
            Groups = new List<long>();
            int inner = start;
            while (inner < stop)
            {
                Printer.NewLine();
                if (!DecodeField(src, ref inner, stop))
                {
                    Printer.DiscardLine();
                    break;
                }
            }

            for (int i = Groups.Count; i > 0; i--)
            {
                ResetGroup();
            }

            Groups = outer;
            ReadOnlySpan<byte> rest;
            if (inner == stop)
            {
                rest = ReadOnlySpan<byte>.Empty;
            }
            else
            {
                Printer.Reset(mark);
                ReadOnlySpan<byte> delimited = src.AsSpan(start, stop - start);
                rest = delimited;
                if (TryQuote(delimited, out string? quoted))
                {
                    Printer.NewLine();
                    Printer.Write(quoted);
                    rest = ReadOnlySpan<byte>.Empty;
                }
            }

            DumpHex(rest);
            Printer.NewLine();
            Printer.Write("}");
            Printer.EndBlock();
            return true;
        }

        private bool TryQuote(ReadOnlySpan<byte> bytes, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? quoted)
        {
            quoted = null;
            string s;
            try
            {
                s = new UTF8Encoding(false, true).GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                return false;
            }

            List<(int Offset, Rune Rune)> runes = new();
            int offset = 0;
            foreach (Rune r in s.EnumerateRunes())
            {
                runes.Add((offset, r));
                offset += r.Utf8SequenceLength;
            }

            int unprintable = runes.Count(r => !IsGraphic(r.Rune));
            if ((double)unprintable / runes.Count > 0.3)
            {
                return false;
            }

            StringBuilder sb = new("\"");
            Span<byte> enc = stackalloc byte[4];
            foreach ((int at, Rune r) in runes)
            {
                if (at != 0 && at % 80 == 0)
                {
                    sb.Append('"');
                    Printer.NewLine();
                    Printer.Write(sb.ToString());
                    sb.Clear().Append('"');
                }

                switch (r.Value)
                {
                    case '\n':
                        sb.Append("\\n");
                        break;
                    case '\\':
                        sb.Append("\\\\");
                        break;
                    case '"':
                        sb.Append("\\\"");
                        break;
                    default:
                        if (!IsGraphic(r))
                        {
                            int n = r.EncodeToUtf8(enc);
                            foreach (byte b in enc[..n])
                            {
                                sb.Append("\\x").Append(b.ToString("x2", CultureInfo.InvariantCulture));
                            }
                        }
                        else
                        {
                            sb.Append(r.ToString());
                        }

                        break;
                }
            }

            sb.Append('"');
            quoted = sb.ToString();
            return true;
        }

        private static bool IsGraphic(Rune r) => Rune.GetUnicodeCategory(r) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => false,
            _ => true,
        };

        /// <summary>Go's <c>strconv.FormatFloat(v, 'g', -1, bits)</c> without '+', with a decimal point; null when the exponent says "not a float".</summary>
        private static string? FloatText(ulong bits, int size)
        {
            int bitLength = size * 8;
            int expLength = size == 8 ? 11 : 8;
            int mantissaLength = bitLength - expLength - 1;
            if (bits == 0)
            {
                return "0.0";
            }

            if (bits == 1UL << (bitLength - 1))
            {
                return "-0.0";
            }

            long exp = (long)((bits >> mantissaLength) & ((1UL << expLength) - 1));
            exp -= (1L << (expLength - 1)) - 1;
            long bigExp = (1L << (expLength - 1)) - 1;
            if (Math.Abs(exp) >= bigExp)
            {
                return null;
            }

            string roundTrip = size == 8
                ? BitConverter.UInt64BitsToDouble(bits).ToString("R", CultureInfo.InvariantCulture)
                : BitConverter.UInt32BitsToSingle((uint)bits).ToString("R", CultureInfo.InvariantCulture);
            return GoG(roundTrip);
        }

        /// <summary>Rewrites .NET's shortest round-trip text (<c>1E+21</c>, <c>0.0001</c>, <c>123.5</c>) in Go's <c>%g</c> shortest layout.</summary>
        private static string GoG(string dotnet)
        {
            bool negative = dotnet.StartsWith('-');
            string body = negative ? dotnet[1..] : dotnet;
            int e = body.IndexOfAny(['E', 'e']);
            int exponent = 0;
            string mantissa = body;
            if (e >= 0)
            {
                exponent = int.Parse(body[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                mantissa = body[..e];
            }

            int dot = mantissa.IndexOf('.');
            string intPart = dot < 0 ? mantissa : mantissa[..dot];
            string fracPart = dot < 0 ? "" : mantissa[(dot + 1)..];
            string digits = (intPart + fracPart).TrimStart('0');
            int leadingZeros = (intPart + fracPart).Length - (intPart + fracPart).TrimStart('0').Length;
            int decimalPoint = intPart.Length + exponent - leadingZeros; // digits[0] is at 10^(decimalPoint-1)
            digits = digits.TrimEnd('0');
            if (digits.Length == 0)
            {
                return negative ? "-0.0" : "0.0";
            }

            int x = decimalPoint - 1;
            string text;
            if (x < -4 || x >= 6)
            {
                // Go's shortest %g switches to %e below 1e-4 and from 1e6: d.ddddde±XX, at least two exponent digits; the '+' is dropped.
                string m = digits.Length == 1 ? digits + ".0" : digits[0] + "." + digits[1..];
                string ex = Math.Abs(x).ToString("00", CultureInfo.InvariantCulture);
                text = m + "e" + (x < 0 ? "-" : "") + ex;
            }
            else if (decimalPoint <= 0)
            {
                text = "0." + new string('0', -decimalPoint) + digits;
            }
            else if (decimalPoint >= digits.Length)
            {
                text = digits + new string('0', decimalPoint - digits.Length) + ".0";
            }
            else
            {
                text = digits[..decimalPoint] + "." + digits[decimalPoint..];
            }

            return negative ? "-" + text : text;
        }
    }

    private static bool TryVarint(byte[] src, ref int pos, int end, out ulong value, out int extraBytes)
    {
        value = 0;
        extraBytes = 0;
        int count = 0;
        int p = pos;
        while (true)
        {
            if (p >= end)
            {
                return false;
            }

            byte b = src[p++];
            if (count == 9 && b > 1)
            {
                return false;
            }

            value |= (ulong)(b & 0x7f) << (count * 7);
            count++;
            extraBytes = (b & 0x7f) == 0 ? extraBytes + 1 : 0;
            if ((b & 0x80) == 0)
            {
                break;
            }
        }

        if (value == 0)
        {
            extraBytes--;
        }

        pos = p;
        return true;
    }

    // ---- the assembler (protoscope scanner.go, the subset the writer emits and hand edits use) ----
    private sealed class Scanner(string text)
    {
        private int _pos;
        private int _line = 1;
        private int _lineStart;

        public void Sequence(List<byte> output, bool closing)
        {
            while (true)
            {
                SkipSpace();
                if (_pos >= text.Length)
                {
                    if (closing)
                    {
                        throw Error("missing '}'");
                    }

                    return;
                }

                char c = text[_pos];
                if (c == '}')
                {
                    if (!closing)
                    {
                        throw Error("unexpected '}'");
                    }

                    _pos++;
                    return;
                }

                Value(output);
            }
        }

        private void Value(List<byte> output)
        {
            char c = text[_pos];
            if (c == '{')
            {
                _pos++;
                Delimited(output, 0);
                return;
            }

            if (c == '"')
            {
                QuotedString(output);
                return;
            }

            if (c == '`')
            {
                Hex(output);
                return;
            }

            string word = Word();
            if (word.Length == 0)
            {
                throw Error($"unexpected '{c}'");
            }

            if (word.StartsWith("long-form:", StringComparison.Ordinal))
            {
                int extra = int.Parse(word["long-form:".Length..], CultureInfo.InvariantCulture);
                SkipSpace();
                if (_pos < text.Length && text[_pos] == '{')
                {
                    _pos++;
                    Delimited(output, extra);
                    return;
                }

                string next = Word();
                if (next.EndsWith(':'))
                {
                    Tag(output, next, extra);
                    return;
                }

                WriteVarint(output, ParseInteger(next, out _), extra);
                return;
            }

            if (word.EndsWith(':'))
            {
                Tag(output, word, 0);
                return;
            }

            Scalar(output, word);
        }

        private void Tag(List<byte> output, string word, int extra)
        {
            ulong number = ulong.Parse(word[..^1], NumberStyles.None, CultureInfo.InvariantCulture);
            SkipSpace();
            int wireType;
            string explicitType = PeekWord();
            switch (explicitType)
            {
                case "VARINT": wireType = 0; break;
                case "I64": wireType = 1; break;
                case "LEN": wireType = 2; break;
                case "SGROUP": wireType = 3; break;
                case "EGROUP": wireType = 4; break;
                case "I32": wireType = 5; break;
                default: wireType = -1; break;
            }

            if (wireType >= 0)
            {
                _pos += explicitType.Length;
                WriteVarint(output, (number << 3) | (uint)wireType, extra);
                return;
            }

            // The value's own long-form prefix does not decide the wire type: look past it.
            int valueStart = _pos;
            if (PeekWord().StartsWith("long-form:", StringComparison.Ordinal))
            {
                _pos += PeekWord().Length;
                SkipSpace();
            }

            int typeAt = _pos;
            _pos = valueStart;
            if (typeAt < text.Length && text[typeAt] == '{')
            {
                WriteVarint(output, (number << 3) | 2, extra);
                return;
            }

            if (_pos + 1 < text.Length && text[_pos] == '!' && text[_pos + 1] == '{')
            {
                _pos += 2;
                WriteVarint(output, (number << 3) | 3, extra);
                Sequence(output, closing: true);
                WriteVarint(output, (number << 3) | 4, 0);
                return;
            }

            int save = _pos;
            _pos = typeAt;
            string next = PeekWord();
            _pos = save;
            int type = next.EndsWith("i64", StringComparison.Ordinal) || IsFloat(next) ? 1 : next.EndsWith("i32", StringComparison.Ordinal) ? 5 : 0;
            WriteVarint(output, (number << 3) | (uint)type, extra);
        }

        private void Delimited(List<byte> output, int extra)
        {
            List<byte> inner = new();
            Sequence(inner, closing: true);
            WriteVarint(output, (ulong)inner.Count, extra);
            output.AddRange(inner);
        }

        private void Scalar(List<byte> output, string word)
        {
            switch (word)
            {
                case "true":
                    output.Add(1);
                    return;
                case "false":
                    output.Add(0);
                    return;
            }

            if (word.EndsWith("i64", StringComparison.Ordinal) || word.EndsWith("i32", StringComparison.Ordinal))
            {
                bool is64 = word.EndsWith("i64", StringComparison.Ordinal);
                string number = word[..^3];
                ulong bits;
                if (number is "inf" or "-inf")
                {
                    bits = is64 ? BitConverter.DoubleToUInt64Bits(number == "inf" ? double.PositiveInfinity : double.NegativeInfinity)
                        : BitConverter.SingleToUInt32Bits(number == "inf" ? float.PositiveInfinity : float.NegativeInfinity);
                }
                else if (IsFloat(number))
                {
                    double d = double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture);
                    bits = is64 ? BitConverter.DoubleToUInt64Bits(d) : BitConverter.SingleToUInt32Bits((float)d);
                }
                else
                {
                    bits = ParseInteger(number, out _);
                }

                Span<byte> buffer = stackalloc byte[8];
                if (is64)
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(buffer, bits);
                    output.AddRange(buffer.ToArray());
                }
                else
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(buffer, (uint)bits);
                    output.AddRange(buffer[..4].ToArray());
                }

                return;
            }

            if (IsFloat(word))
            {
                Span<byte> buffer = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(buffer, BitConverter.DoubleToUInt64Bits(double.Parse(word, NumberStyles.Float, CultureInfo.InvariantCulture)));
                output.AddRange(buffer.ToArray());
                return;
            }

            if (word.EndsWith('z'))
            {
                long v = (long)ParseInteger(word[..^1], out _);
                WriteVarint(output, (ulong)((v << 1) ^ (v >> 63)), 0);
                return;
            }

            WriteVarint(output, ParseInteger(word, out _), 0);
        }

        private static bool IsFloat(string word) =>
            word.Length > 0 && !word.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && !word.StartsWith("-0x", StringComparison.OrdinalIgnoreCase)
            && (word.Contains('.') || word.Contains('e') || word.Contains('E')) && !word.EndsWith("i32", StringComparison.Ordinal) && !word.EndsWith("i64", StringComparison.Ordinal)
            && (char.IsDigit(word[0]) || word[0] == '-' || word[0] == '.');

        private ulong ParseInteger(string word, out bool negative)
        {
            negative = word.StartsWith('-');
            string digits = negative ? word[1..] : word;
            ulong value;
            bool ok = digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? ulong.TryParse(digits[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
                : ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);
            if (!ok)
            {
                throw Error($"'{word}' is not a number");
            }

            return negative ? (ulong)(-(long)value) : value;
        }

        private static void WriteVarint(List<byte> output, ulong value, int extra)
        {
            while (value >= 0x80)
            {
                output.Add((byte)(value | 0x80));
                value >>= 7;
            }

            if (extra > 0)
            {
                output.Add((byte)(value | 0x80));
                for (int i = 1; i < extra; i++)
                {
                    output.Add(0x80);
                }

                output.Add(0);
                return;
            }

            output.Add((byte)value);
        }

        private void QuotedString(List<byte> output)
        {
            int startLine = _line;
            int startColumn = _pos - _lineStart + 1;
            _pos++;
            StringBuilder literal = new();
            while (true)
            {
                if (_pos >= text.Length || text[_pos] == '\n')
                {
                    throw new FormatException($"{startLine}:{startColumn}: unterminated string");
                }

                char c = text[_pos++];
                if (c == '"')
                {
                    break;
                }

                if (c != '\\')
                {
                    literal.Append(c);
                    continue;
                }

                Flush(literal, output);
                char esc = _pos < text.Length ? text[_pos++] : '\0';
                switch (esc)
                {
                    case 'n': output.Add((byte)'\n'); break;
                    case 't': output.Add((byte)'\t'); break;
                    case 'r': output.Add((byte)'\r'); break;
                    case '0': output.Add(0); break;
                    case '\\': output.Add((byte)'\\'); break;
                    case '"': output.Add((byte)'"'); break;
                    case '\'': output.Add((byte)'\''); break;
                    case 'x':
                        if (_pos + 2 > text.Length || !byte.TryParse(text.AsSpan(_pos, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b))
                        {
                            throw Error("\\x needs two hex digits");
                        }

                        output.Add(b);
                        _pos += 2;
                        break;
                    default:
                        throw Error($"unknown escape \\{esc}");
                }
            }

            Flush(literal, output);
        }

        private static void Flush(StringBuilder literal, List<byte> output)
        {
            output.AddRange(Encoding.UTF8.GetBytes(literal.ToString()));
            literal.Clear();
        }

        private void Hex(List<byte> output)
        {
            _pos++;
            int start = _pos;
            while (_pos < text.Length && text[_pos] != '`')
            {
                _pos++;
            }

            if (_pos >= text.Length)
            {
                throw Error("unterminated `hex`");
            }

            string hex = text[start.._pos];
            _pos++;
            if (hex.Length % 2 != 0)
            {
                throw Error("odd number of hex digits");
            }

            try
            {
                output.AddRange(Convert.FromHexString(hex));
            }
            catch (FormatException)
            {
                throw Error($"`{hex}` is not hex");
            }
        }

        private string Word()
        {
            string word = PeekWord();
            _pos += word.Length;
            return word;
        }

        private string PeekWord()
        {
            int end = _pos;
            while (end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] is not ('{' or '}' or '"' or '`' or '#'))
            {
                end++;
                if (text[end - 1] == ':' && !text.AsSpan(_pos, end - _pos).StartsWith("long-form:"))
                {
                    break;
                }

                if (text[end - 1] == ':' && end - _pos > "long-form:".Length)
                {
                    break;
                }
            }

            return text[_pos..end];
        }

        private void SkipSpace()
        {
            while (_pos < text.Length)
            {
                char c = text[_pos];
                if (c == '\n')
                {
                    _pos++;
                    _line++;
                    _lineStart = _pos;
                }
                else if (char.IsWhiteSpace(c))
                {
                    _pos++;
                }
                else if (c == '#')
                {
                    while (_pos < text.Length && text[_pos] != '\n')
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

        private FormatException Error(string message) => new($"protoscope {_line}:{_pos - _lineStart + 1}: {message}");
    }
}
