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
    /// Tries to parse a complete head at the start of <paramref name="buffer"/>.
    /// </summary>
    /// <returns>True with <paramref name="head"/> and the position after the empty line; false when more bytes are needed.</returns>
    /// <exception cref="HttpParseException">Malformed head or over <see cref="HttpLimits"/>.</exception>
    public static bool TryParse(ReadOnlySequence<byte> buffer, bool isRequest, out HttpHead head, out SequencePosition end)
    {
        string what = isRequest ? "HTTP request head" : "HTTP response head";
        SequenceReader<byte> reader = new(buffer);
        head = null!;
        end = buffer.Start;
        if (!reader.TryReadTo(out ReadOnlySequence<byte> startLine, "\r\n"u8, advancePastDelimiter: true))
        {
            CheckIncomplete(buffer, what);
            return false;
        }

        HttpHead result = isRequest ? ParseRequestLine(startLine, what) : ParseStatusLine(startLine, what);
        int lineNumber = 1;
        while (true)
        {
            if (!reader.TryReadTo(out ReadOnlySequence<byte> line, "\r\n"u8, advancePastDelimiter: true))
            {
                CheckIncomplete(buffer, what);
                return false;
            }

            lineNumber++;
            if (line.IsEmpty)
            {
                break;
            }

            if (result.Headers.Count >= HttpLimits.MaxHeaderCount)
            {
                throw new HttpParseException($"{what}: more than {HttpLimits.MaxHeaderCount} header fields");
            }

            result.Headers.Add(ParseHeaderLine(line, lineNumber, what));
        }

        if (reader.Consumed > HttpLimits.MaxHeadBytes)
        {
            throw new HttpParseException($"{what}: larger than {HttpLimits.MaxHeadBytes} bytes");
        }

        result.WireLength = reader.Consumed;
        head = result;
        end = reader.Position;
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

    private static void CheckIncomplete(ReadOnlySequence<byte> buffer, string what)
    {
        if (buffer.Length > HttpLimits.MaxHeadBytes)
        {
            throw new HttpParseException($"{what}: larger than {HttpLimits.MaxHeadBytes} bytes");
        }
    }

    private static HttpHead ParseRequestLine(ReadOnlySequence<byte> line, string what)
    {
        string text = Latin1(line, what);
        string[] parts = text.Split(' ');
        if (parts.Length != 3)
        {
            throw new HttpParseException($"{what}: request line '{Shorten(text)}' is not 'METHOD target HTTP/1.x'");
        }

        if (parts[0].Length == 0 || !parts[0].All(IsTokenChar))
        {
            throw new HttpParseException($"{what}: invalid method '{Shorten(parts[0])}'");
        }

        if (parts[1].Length == 0 || parts[1].Any(c => c <= ' ' || c == 0x7f))
        {
            throw new HttpParseException($"{what}: invalid request target '{Shorten(parts[1])}'");
        }

        (int major, int minor) = ParseVersion(parts[2], what);
        return new HttpHead { IsRequest = true, Method = parts[0], Target = parts[1], Major = major, Minor = minor };
    }

    private static HttpHead ParseStatusLine(ReadOnlySequence<byte> line, string what)
    {
        string text = Latin1(line, what);
        int sp = text.IndexOf(' ', StringComparison.Ordinal);
        if (sp < 0)
        {
            throw new HttpParseException($"{what}: status line '{Shorten(text)}' is not 'HTTP/1.x code reason'");
        }

        (int major, int minor) = ParseVersion(text[..sp], what);
        string rest = text[(sp + 1)..];
        int sp2 = rest.IndexOf(' ', StringComparison.Ordinal);
        string code = sp2 < 0 ? rest : rest[..sp2];
        string reason = sp2 < 0 ? "" : rest[(sp2 + 1)..];
        if (code.Length != 3 || !code.All(char.IsAsciiDigit))
        {
            throw new HttpParseException($"{what}: invalid status code '{Shorten(code)}'");
        }

        return new HttpHead
        {
            IsRequest = false,
            Major = major,
            Minor = minor,
            StatusCode = int.Parse(code, CultureInfo.InvariantCulture),
            Reason = reason,
        };
    }

    private static (int Major, int Minor) ParseVersion(string text, string what)
    {
        if (text.Length != 8 || !text.StartsWith("HTTP/", StringComparison.Ordinal) || !char.IsAsciiDigit(text[5]) || text[6] != '.'
            || !char.IsAsciiDigit(text[7]))
        {
            throw new HttpParseException($"{what}: invalid HTTP version '{Shorten(text)}'");
        }

        if (text[5] != '1')
        {
            throw new HttpParseException($"{what}: unsupported HTTP version '{text}' (only HTTP/1.x)");
        }

        return (1, text[7] - '0');
    }

    private static KeyValuePair<string, string> ParseHeaderLine(ReadOnlySequence<byte> line, int lineNumber, string what)
    {
        string text = Latin1(line, what);
        if (text[0] is ' ' or '\t')
        {
            throw new HttpParseException($"{what}: line {lineNumber} uses obsolete line folding");
        }

        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            throw new HttpParseException($"{what}: line {lineNumber} '{Shorten(text)}' has no colon");
        }

        string name = text[..colon];
        if (name.Length == 0 || !name.All(IsTokenChar))
        {
            throw new HttpParseException($"{what}: line {lineNumber} has an invalid field name '{Shorten(name)}'");
        }

        string value = text[(colon + 1)..].Trim(' ', '\t');
        if (value.Any(c => c is '\0' or '\r' or '\n'))
        {
            throw new HttpParseException($"{what}: line {lineNumber} has a control character in the value of '{name}'");
        }

        return new KeyValuePair<string, string>(name, value);
    }

    private static string Latin1(ReadOnlySequence<byte> line, string what)
    {
        if (line.Length > HttpLimits.MaxHeadBytes)
        {
            throw new HttpParseException($"{what}: line longer than {HttpLimits.MaxHeadBytes} bytes");
        }

        // Header values are octets (RFC 9110 §5.5); UTF-8 when valid (what clients send in practice), else Latin-1.
        byte[] bytes = line.ToArray();
        return System.Text.Unicode.Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : Encoding.Latin1.GetString(bytes);
    }

    private static string Shorten(string s) => s.Length <= 60 ? s : s[..60] + "...";

    private static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
}
