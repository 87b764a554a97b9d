using System.Buffers;
using System.Globalization;
using System.Text;

namespace Keploy.Core.Protocols.Redis;

/// <summary>
/// Reads RESP2 and RESP3 values from a byte sequence (Redis docs, "Redis serialization protocol specification"). A value is
/// returned only when all of its bytes are present; partial input returns false and consumes nothing. Bounds follow
/// redis-server's: bulk strings up to 512 MB (<c>proto-max-bulk-len</c>), inline commands up to 64 KB (<c>PROTO_INLINE_MAX_SIZE</c>),
/// aggregates up to 2^24 elements, nesting up to 128 levels. Anything else throws <see cref="RespProtocolException"/>.
/// </summary>
public static class RespReader
{
    /// <summary>Largest bulk string accepted, in bytes.</summary>
    public const long MaxBulkLength = 512L * 1024 * 1024;

    /// <summary>Largest inline command line, in bytes.</summary>
    public const int MaxInlineLength = 64 * 1024;

    /// <summary>Most elements in one aggregate (array, map, set, push, attribute).</summary>
    public const int MaxAggregateLength = 1 << 24;

    /// <summary>Deepest nesting of aggregates.</summary>
    public const int MaxDepth = 128;

    /// <summary>
    /// Reads one server value (any RESP2/RESP3 type). On success <paramref name="buffer"/> is advanced past it and
    /// <paramref name="length"/> is its size in bytes.
    /// </summary>
    /// <exception cref="RespProtocolException">The bytes are not RESP.</exception>
    public static bool TryReadValue(ref ReadOnlySequence<byte> buffer, out RespValue value, out long length)
    {
        SequenceReader<byte> reader = new(buffer);
        if (!TryValue(ref reader, 0, out value!))
        {
            length = 0;
            return false;
        }

        length = reader.Consumed;
        buffer = buffer.Slice(reader.Position);
        return true;
    }

    /// <summary>
    /// Reads one client command: a multibulk array of bulk strings (<c>*N\r\n$len\r\narg\r\n...</c>) or an inline command (a line).
    /// Returns a <see cref="RespArray"/> or a <see cref="RespInlineCommand"/> (zero arguments for an empty line, which the server
    /// ignores).
    /// </summary>
    /// <exception cref="RespProtocolException">The bytes are not a command.</exception>
    public static bool TryReadCommand(ref ReadOnlySequence<byte> buffer, out RespValue value, out long length)
    {
        value = null!;
        length = 0;
        if (buffer.IsEmpty)
        {
            return false;
        }

        SequenceReader<byte> reader = new(buffer);
        if (buffer.FirstSpan[0] == (byte)'*')
        {
            reader.Advance(1);
            if (!TryLine(ref reader, out string header))
            {
                return false;
            }

            long count = ParseLength(header, "multibulk length", MaxAggregateLength);
            List<RespValue> args = new((int)Math.Min(Math.Max(count, 0), 1024));
            for (long i = 0; i < count; i++)
            {
                if (!reader.TryPeek(out byte b))
                {
                    return false;
                }

                if (b != (byte)'$')
                {
                    throw new RespProtocolException($"multibulk command: argument {i + 1} starts with '{Printable(b)}', expected '$'");
                }

                if (!TryValue(ref reader, 1, out RespValue arg))
                {
                    return false;
                }

                args.Add(arg);
            }

            value = new RespArray(count < 0 ? null : args);
        }
        else
        {
            ReadOnlySequence<byte> rest = reader.UnreadSequence;
            SequencePosition? nl = rest.PositionOf((byte)'\n');
            if (nl is null)
            {
                if (rest.Length > MaxInlineLength)
                {
                    throw new RespProtocolException($"inline command longer than {MaxInlineLength} bytes without a newline");
                }

                return false;
            }

            ReadOnlySequence<byte> line = rest.Slice(0, nl.Value);
            if (line.Length > MaxInlineLength)
            {
                throw new RespProtocolException($"inline command longer than {MaxInlineLength} bytes");
            }

            reader.Advance(line.Length + 1);
            value = new RespInlineCommand(SplitInline(line.ToArray()));
        }

        length = reader.Consumed;
        buffer = buffer.Slice(reader.Position);
        return true;
    }

    private static bool TryValue(ref SequenceReader<byte> reader, int depth, out RespValue value)
    {
        value = null!;
        if (depth > MaxDepth)
        {
            throw new RespProtocolException($"values nested deeper than {MaxDepth} levels");
        }

        if (!reader.TryRead(out byte type))
        {
            return false;
        }

        switch (type)
        {
            case (byte)'+':
            case (byte)'-':
            case (byte)':':
            case (byte)',':
            case (byte)'(':
            case (byte)'#':
            case (byte)'_':
                {
                    if (!TryLine(ref reader, out string line))
                    {
                        return false;
                    }

                    value = Simple(type, line);
                    return true;
                }

            case (byte)'$':
            case (byte)'!':
            case (byte)'=':
                {
                    if (!TryLine(ref reader, out string header))
                    {
                        return false;
                    }

                    long len = ParseLength(header, KindOf(type) + " length", MaxBulkLength);
                    if (len < 0)
                    {
                        if (type != (byte)'$')
                        {
                            throw new RespProtocolException($"{KindOf(type)}: negative length {len}");
                        }

                        value = new RespBulkString(null);
                        return true;
                    }

                    if (reader.Remaining < len + 2)
                    {
                        return false;
                    }

                    byte[] data = new byte[len];
                    reader.TryCopyTo(data);
                    reader.Advance(len);
                    if (!reader.IsNext("\r\n"u8, advancePast: true))
                    {
                        throw new RespProtocolException($"{KindOf(type)} of {len} byte(s) not followed by CRLF");
                    }

                    value = type switch
                    {
                        (byte)'$' => new RespBulkString(data),
                        (byte)'!' => new RespBulkError(data),
                        _ => Verbatim(data),
                    };
                    return true;
                }

            case (byte)'*':
            case (byte)'~':
            case (byte)'>':
            case (byte)'%':
            case (byte)'|':
                {
                    if (!TryLine(ref reader, out string header))
                    {
                        return false;
                    }

                    long count = ParseLength(header, KindOf(type) + " length", MaxAggregateLength);
                    if (count < 0)
                    {
                        if (type != (byte)'*')
                        {
                            throw new RespProtocolException($"{KindOf(type)}: negative length {count}");
                        }

                        value = new RespArray(null);
                        return true;
                    }

                    bool pairs = type is (byte)'%' or (byte)'|';
                    long n = pairs ? count * 2 : count;
                    List<RespValue> items = new((int)Math.Min(n, 1024));
                    for (long i = 0; i < n; i++)
                    {
                        if (!TryValue(ref reader, depth + 1, out RespValue item))
                        {
                            return false;
                        }

                        items.Add(item);
                    }

                    switch (type)
                    {
                        case (byte)'*':
                            value = new RespArray(items);
                            return true;
                        case (byte)'~':
                            value = new RespSet(items);
                            return true;
                        case (byte)'>':
                            value = new RespPush(items);
                            return true;
                        case (byte)'%':
                            value = new RespMap(Pairs(items));
                            return true;
                        default:
                            if (!TryValue(ref reader, depth + 1, out RespValue annotated))
                            {
                                return false;
                            }

                            value = new RespAttribute(Pairs(items), annotated);
                            return true;
                    }
                }

            default:
                throw new RespProtocolException($"unknown RESP type byte '{Printable(type)}' (0x{type:X2})");
        }
    }

    private static RespValue Simple(byte type, string line) => type switch
    {
        (byte)'+' => new RespSimpleString(line),
        (byte)'-' => new RespError(line),
        (byte)':' => long.TryParse(line, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) ? new RespInteger(n) : throw new RespProtocolException($"integer: '{Clip(line)}' is not a 64-bit integer"),
        (byte)',' => IsDouble(line) ? new RespDouble(line) : throw new RespProtocolException($"double: '{Clip(line)}' is not a number"),
        (byte)'(' => IsBigNumber(line) ? new RespBigNumber(line) : throw new RespProtocolException($"big number: '{Clip(line)}' is not an integer"),
        (byte)'#' => line switch { "t" => new RespBoolean(true), "f" => new RespBoolean(false), _ => throw new RespProtocolException($"boolean: '{Clip(line)}', expected t or f") },
        _ => line.Length == 0 ? new RespNull() : throw new RespProtocolException($"null: unexpected '{Clip(line)}'"),
    };

    private static RespVerbatimString Verbatim(byte[] data)
    {
        if (data.Length < 4 || data[3] != (byte)':')
        {
            throw new RespProtocolException("verbatim string without its three-letter encoding and ':'");
        }

        return new RespVerbatimString(Encoding.ASCII.GetString(data, 0, 3), data[4..]);
    }

    private static bool IsDouble(string s) =>
        s is "inf" or "-inf" or "nan" or "-nan" || double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static bool IsBigNumber(string s)
    {
        ReadOnlySpan<char> d = s.StartsWith('-') || s.StartsWith('+') ? s.AsSpan(1) : s.AsSpan();
        return d.Length > 0 && !d.ContainsAnyExceptInRange('0', '9');
    }

    private static List<KeyValuePair<RespValue, RespValue>> Pairs(List<RespValue> items)
    {
        List<KeyValuePair<RespValue, RespValue>> pairs = new(items.Count / 2);
        for (int i = 0; i + 1 < items.Count; i += 2)
        {
            pairs.Add(new KeyValuePair<RespValue, RespValue>(items[i], items[i + 1]));
        }

        return pairs;
    }

    /// <summary>A CRLF-terminated line (the terminator is consumed, not returned); lines are short headers, bounded at 64 KB.</summary>
    private static bool TryLine(ref SequenceReader<byte> reader, out string line)
    {
        line = "";
        if (!reader.TryReadTo(out ReadOnlySequence<byte> bytes, (byte)'\n', advancePastDelimiter: true))
        {
            if (reader.Remaining > MaxInlineLength)
            {
                throw new RespProtocolException($"a line longer than {MaxInlineLength} bytes without CRLF");
            }

            return false;
        }

        if (bytes.Length == 0 || bytes.Slice(bytes.Length - 1).FirstSpan[0] != (byte)'\r')
        {
            throw new RespProtocolException("line ends with LF without CR");
        }

        line = Encoding.UTF8.GetString(bytes.Slice(0, bytes.Length - 1));
        return true;
    }

    private static long ParseLength(string text, string what, long max)
    {
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) || n < -1)
        {
            throw new RespProtocolException($"{what}: '{Clip(text)}' is not a length");
        }

        if (n > max)
        {
            throw new RespProtocolException($"{what}: {n} exceeds the limit of {max}");
        }

        return n;
    }

    private static List<byte[]> SplitInline(byte[] line)
    {
        int end = line.Length;
        if (end > 0 && line[end - 1] == (byte)'\r')
        {
            end--;
        }

        List<byte[]> args = new();
        int i = 0;
        while (i < end)
        {
            while (i < end && line[i] is (byte)' ' or (byte)'\t')
            {
                i++;
            }

            if (i >= end)
            {
                break;
            }

            if (line[i] is (byte)'"' or (byte)'\'')
            {
                byte quote = line[i++];
                List<byte> arg = new();
                while (i < end && line[i] != quote)
                {
                    if (quote == (byte)'"' && line[i] == (byte)'\\' && i + 1 < end)
                    {
                        i++;
                        arg.Add(line[i] switch { (byte)'n' => (byte)'\n', (byte)'r' => (byte)'\r', (byte)'t' => (byte)'\t', byte c => c });
                    }
                    else
                    {
                        arg.Add(line[i]);
                    }

                    i++;
                }

                if (i >= end)
                {
                    throw new RespProtocolException("inline command: unbalanced quotes");
                }

                i++;
                args.Add(arg.ToArray());
                continue;
            }

            int start = i;
            while (i < end && line[i] is not ((byte)' ' or (byte)'\t'))
            {
                i++;
            }

            args.Add(line[start..i]);
        }

        return args;
    }

    internal static string KindOf(byte type) => type switch
    {
        (byte)'+' => "simple string",
        (byte)'-' => "simple error",
        (byte)':' => "integer",
        (byte)'$' => "bulk string",
        (byte)'*' => "array",
        (byte)'_' => "null",
        (byte)'#' => "boolean",
        (byte)',' => "double",
        (byte)'(' => "big number",
        (byte)'!' => "bulk error",
        (byte)'=' => "verbatim string",
        (byte)'%' => "map",
        (byte)'~' => "set",
        (byte)'>' => "push",
        (byte)'|' => "attribute",
        _ => "value",
    };

    private static string Printable(byte b) => b is >= 0x20 and < 0x7F ? ((char)b).ToString() : "\\x" + b.ToString("X2", CultureInfo.InvariantCulture);

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
