using System.Buffers;
using System.Globalization;
using System.Text;

namespace Keploy.Core.Protocols.Http;

/// <summary>
/// Parses an HTTP/1.x head (start line and header fields up to the empty line) from a <see cref="ReadOnlySequence{T}"/>
/// (RFC 9112 §2.1, §3, §4, §5). Lines end with CRLF; obsolete line folding and whitespace before the colon are rejected
/// (RFC 9112 §5.1, §5.2).
/// </summary>
internal static class HttpHeadParser
{
    /// <summary>HTTP/1.x methods accepted in a request line.</summary>
    public static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT"];

    /// <summary>
    /// Tries to parse a complete head at the start of <paramref name="buffer"/>. The bytes are parsed as one span (a head in
    /// several segments is first copied into one array, at most <see cref="HttpLimits.MaxHeadBytes"/> bytes and its CRLF).
    /// </summary>
    /// <returns>True with <paramref name="head"/> and the position after the empty line; false when more bytes are needed.</returns>
    /// <exception cref="HttpParseException">Malformed head or over <see cref="HttpLimits"/>.</exception>
    public static bool TryParse(ReadOnlySequence<byte> buffer, bool isRequest, out HttpHead head, out SequencePosition end)
    {
        end = buffer.Start;
        int consumed;
        if (buffer.IsSingleSegment)
        {
            if (!TryParse(buffer.FirstSpan, buffer.Length, isRequest, out head, out consumed))
            {
                return false;
            }
        }
        else
        {
            // Only the head is copied (to its first empty line, the first CRLF CRLF), never more than the limit and its line end:
            // a head that does not fit fails in the parse below.
            SequenceReader<byte> reader = new(buffer);
            long headLength = reader.TryReadTo(out ReadOnlySequence<byte> _, "\r\n\r\n"u8, advancePastDelimiter: true) ? reader.Consumed : buffer.Length;
            int take = (int)Math.Min(headLength, HttpLimits.MaxHeadBytes + 4L);
            byte[] rented = ArrayPool<byte>.Shared.Rent(take);
            try
            {
                buffer.Slice(0, take).CopyTo(rented);
                if (!TryParse(rented.AsSpan(0, take), buffer.Length, isRequest, out head, out consumed))
                {
                    return false;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        end = buffer.GetPosition(consumed);
        return true;
    }

    /// <summary>The head at the start of <paramref name="bytes"/> (of a buffer <paramref name="available"/> bytes long in all).</summary>
    private static bool TryParse(ReadOnlySpan<byte> bytes, long available, bool isRequest, out HttpHead head, out int consumed)
    {
        string what = isRequest ? "HTTP request head" : "HTTP response head";
        head = null!;
        consumed = 0;
        int lineEnd = bytes.IndexOf("\r\n"u8);
        if (lineEnd < 0)
        {
            CheckIncomplete(available, what);
            return false;
        }

        ReadOnlySpan<byte> startLine = bytes[..lineEnd];
        CheckLine(startLine, what);
        HttpHead result = isRequest ? ParseRequestLine(startLine, what) : ParseStatusLine(startLine, what);
        int at = lineEnd + 2;
        int lineNumber = 1;
        while (true)
        {
            lineEnd = bytes[at..].IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                CheckIncomplete(available, what);
                return false;
            }

            lineNumber++;
            if (lineEnd == 0)
            {
                at += 2;
                break;
            }

            if (result.Headers.Count >= HttpLimits.MaxHeaderCount)
            {
                throw new HttpParseException($"{what}: more than {HttpLimits.MaxHeaderCount} header fields");
            }

            ReadOnlySpan<byte> line = bytes.Slice(at, lineEnd);
            CheckLine(line, what);
            result.Headers.Add(ParseHeaderLine(line, lineNumber, what));
            at += lineEnd + 2;
        }

        if (at > HttpLimits.MaxHeadBytes)
        {
            throw new HttpParseException($"{what}: larger than {HttpLimits.MaxHeadBytes} bytes");
        }

        result.WireLength = at;
        head = result;
        consumed = at;
        return true;
    }

    /// <summary>Body length from <c>Content-Length</c>, or null when absent.</summary>
    /// <exception cref="HttpParseException">Invalid or conflicting values.</exception>
    public static long? ContentLength(HttpHead head)
    {
        long? length = null;
        foreach (KeyValuePair<string, string> h in head.Headers)
        {
            if (!string.Equals(h.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (string part in h.Value.Split(','))
            {
                string v = part.Trim();
                if (v.Length == 0 || !v.All(char.IsAsciiDigit) || !long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out long n))
                {
                    throw new HttpParseException($"HTTP {(head.IsRequest ? "request" : "response")} head: invalid Content-Length '{h.Value}'");
                }

                if (length is not null && length != n)
                {
                    throw new HttpParseException($"HTTP {(head.IsRequest ? "request" : "response")} head: conflicting Content-Length values");
                }

                length = n;
            }
        }

        return length;
    }

    /// <summary>True when the final transfer coding is <c>chunked</c>.</summary>
    public static bool IsChunked(HttpHead head)
    {
        string? te = head.Get("Transfer-Encoding");
        if (te is null)
        {
            return false;
        }

        string[] codings = te.Split(',');
        return string.Equals(codings[^1].Trim(), "chunked", StringComparison.OrdinalIgnoreCase);
    }

    private static void CheckIncomplete(long available, string what)
    {
        if (available > HttpLimits.MaxHeadBytes)
        {
            throw new HttpParseException($"{what}: larger than {HttpLimits.MaxHeadBytes} bytes");
        }
    }

    private static HttpHead ParseRequestLine(ReadOnlySpan<byte> line, string what)
    {
        int sp1 = line.IndexOf((byte)' ');
        int sp2 = sp1 < 0 ? -1 : line[(sp1 + 1)..].IndexOf((byte)' ');
        if (sp2 >= 0)
        {
            sp2 += sp1 + 1;
        }

        if (sp1 < 0 || sp2 < 0 || line[(sp2 + 1)..].Contains((byte)' '))
        {
            throw new HttpParseException($"{what}: request line '{Shorten(Text(line))}' is not 'METHOD target HTTP/1.x'");
        }

        ReadOnlySpan<byte> method = line[..sp1];
        ReadOnlySpan<byte> target = line[(sp1 + 1)..sp2];
        if (method.Length == 0 || method.IndexOfAnyExcept(TokenBytes) >= 0)
        {
            throw new HttpParseException($"{what}: invalid method '{Shorten(Text(method))}'");
        }

        if (target.Length == 0 || target.IndexOfAnyInRange((byte)0, (byte)' ') >= 0 || target.Contains((byte)0x7f))
        {
            throw new HttpParseException($"{what}: invalid request target '{Shorten(Text(target))}'");
        }

        (int major, int minor) = ParseVersion(line[(sp2 + 1)..], what);
        return new HttpHead { IsRequest = true, Method = KnownMethod(method) ?? Text(method), Target = Text(target), Major = major, Minor = minor };
    }

    private static HttpHead ParseStatusLine(ReadOnlySpan<byte> line, string what)
    {
        int sp = line.IndexOf((byte)' ');
        if (sp < 0)
        {
            throw new HttpParseException($"{what}: status line '{Shorten(Text(line))}' is not 'HTTP/1.x code reason'");
        }

        (int major, int minor) = ParseVersion(line[..sp], what);
        ReadOnlySpan<byte> rest = line[(sp + 1)..];
        int sp2 = rest.IndexOf((byte)' ');
        ReadOnlySpan<byte> code = sp2 < 0 ? rest : rest[..sp2];
        if (code.Length != 3 || code.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
        {
            throw new HttpParseException($"{what}: invalid status code '{Shorten(Text(code))}'");
        }

        ReadOnlySpan<byte> reason = sp2 < 0 ? default : rest[(sp2 + 1)..];
        return new HttpHead
        {
            IsRequest = false,
            Major = major,
            Minor = minor,
            StatusCode = ((code[0] - '0') * 100) + ((code[1] - '0') * 10) + (code[2] - '0'),
            Reason = reason.SequenceEqual("OK"u8) ? "OK" : Text(reason),
        };
    }

    private static (int Major, int Minor) ParseVersion(ReadOnlySpan<byte> text, string what)
    {
        if (text.Length != 8 || !text.StartsWith("HTTP/"u8) || !char.IsAsciiDigit((char)text[5]) || text[6] != '.'
            || !char.IsAsciiDigit((char)text[7]))
        {
            throw new HttpParseException($"{what}: invalid HTTP version '{Shorten(Text(text))}'");
        }

        if (text[5] != '1')
        {
            throw new HttpParseException($"{what}: unsupported HTTP version '{Text(text)}' (only HTTP/1.x)");
        }

        return (1, text[7] - '0');
    }

    private static KeyValuePair<string, string> ParseHeaderLine(ReadOnlySpan<byte> line, int lineNumber, string what)
    {
        if (line[0] is (byte)' ' or (byte)'\t')
        {
            throw new HttpParseException($"{what}: line {lineNumber} uses obsolete line folding");
        }

        int colon = line.IndexOf((byte)':');
        if (colon < 0)
        {
            throw new HttpParseException($"{what}: line {lineNumber} '{Shorten(Text(line))}' has no colon");
        }

        ReadOnlySpan<byte> name = line[..colon];
        if (name.Length == 0 || name.IndexOfAnyExcept(TokenBytes) >= 0)
        {
            throw new HttpParseException($"{what}: line {lineNumber} has an invalid field name '{Shorten(Text(name))}'");
        }

        string nameText = KnownName(name) ?? Text(name); // ASCII: the same string whatever the line's encoding
        ReadOnlySpan<byte> value = line[(colon + 1)..].Trim(" \t"u8);
        if (value.IndexOfAny((byte)0, (byte)'\r', (byte)'\n') >= 0)
        {
            throw new HttpParseException($"{what}: line {lineNumber} has a control character in the value of '{nameText}'");
        }

        return new KeyValuePair<string, string>(nameText, Text(value));
    }

    private static void CheckLine(ReadOnlySpan<byte> line, string what)
    {
        if (line.Length > HttpLimits.MaxHeadBytes)
        {
            throw new HttpParseException($"{what}: line longer than {HttpLimits.MaxHeadBytes} bytes");
        }
    }

    // Header values are octets (RFC 9110 §5.5); UTF-8 when valid (what clients send in practice), else Latin-1. A value's bytes
    // are valid UTF-8 exactly when its whole line is (the name, colon and spaces are ASCII), so each part decodes as the line would.
    private static string Text(ReadOnlySpan<byte> bytes) =>
        bytes.IsEmpty ? "" : System.Text.Unicode.Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : Encoding.Latin1.GetString(bytes);

    private static string? KnownMethod(ReadOnlySpan<byte> method)
    {
        foreach (string m in Methods)
        {
            if (method.Length == m.Length && Ascii.Equals(method, m))
            {
                return m;
            }
        }

        return null;
    }

    // The field names seen on nearly every message, as one string each (the exact spelling: the bytes must match, case included).
    private static readonly string[] KnownNames =
    [
        "Host", "Content-Type", "Content-Length", "Date", "Server", "Connection", "Accept", "User-Agent", "Accept-Encoding",
        "Transfer-Encoding", "Cache-Control", "Accept-Language", "Authorization", "Cookie", "Set-Cookie", "Content-Encoding",
        "traceparent", "content-type", "content-length", "host", "accept", "user-agent", "date", "server",
    ];

    private static string? KnownName(ReadOnlySpan<byte> name)
    {
        foreach (string n in KnownNames)
        {
            if (name.Length == n.Length && Ascii.Equals(name, n))
            {
                return n;
            }
        }

        return null;
    }

    private static readonly SearchValues<byte> TokenBytes =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    private static string Shorten(string s) => s.Length <= 60 ? s : s[..60] + "...";
}
