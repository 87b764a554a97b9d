using System.Text;

namespace Keploy.Core.Protocols.Http;

/// <summary>
/// Serializes stored requests and responses to HTTP/1.1 bytes: recorded headers (except <c>Transfer-Encoding</c> and
/// <c>Content-Length</c>), a correct <c>Content-Length</c>, and the body encoded per <c>Content-Encoding</c>
/// (<see cref="HttpBodyCoding.ToWireBody"/>).
/// </summary>
internal static class HttpWire
{
    /// <summary>Keploy's miss answer (<c>pkg/agent/proxy/integrations/http/decode.go</c>).</summary>
    public static readonly byte[] MissResponse = Encoding.ASCII.GetBytes(
        "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: " + MissBody.Length + "\r\n\r\n" + MissBody);

    /// <summary>Body of Keploy's miss answer.</summary>
    public const string MissBody = "keploy: no matching mock found for this HTTP request\n";

    /// <summary>The interim answer to <c>Expect: 100-continue</c>.</summary>
    public static readonly byte[] Continue = Encoding.ASCII.GetBytes("HTTP/1.1 100 Continue\r\n\r\n");

    /// <summary>Serializes a request in origin-form to <paramref name="target"/>.</summary>
    public static byte[] Request(HttpRequestRecord request, string target)
    {
        request.Header.TryGetValue("Content-Encoding", out string? encoding);
        byte[] body = HttpBodyCoding.ToWireBody(request.Body, encoding);
        StringBuilder sb = new();
        sb.Append(request.Method).Append(' ').Append(target).Append(" HTTP/1.").Append(request.ProtoMinor == 0 ? '0' : '1').Append("\r\n");
        AppendHeaders(sb, request.Header);
        bool wantsLength = body.Length > 0 || request.Method is "POST" or "PUT" or "PATCH";
        if (wantsLength)
        {
            sb.Append("Content-Length: ").Append(body.Length).Append("\r\n");
        }

        sb.Append("\r\n");
        return Concat(Encoding.UTF8.GetBytes(sb.ToString()), body);
    }

    /// <summary>Serializes a stored response; <paramref name="requestMethod"/> HEAD sends the head only.</summary>
    public static byte[] Response(HttpResponseRecord response, string requestMethod)
    {
        response.Header.TryGetValue("Content-Encoding", out string? encoding);
        byte[] body = HttpBodyCoding.ToWireBody(response.Body, encoding);
        bool noBody = response.StatusCode is < 200 or 204 or 304;
        StringBuilder sb = new();
        string reason = response.StatusMessage.Length > 0 ? response.StatusMessage : ReasonPhrase(response.StatusCode);
        sb.Append("HTTP/1.1 ").Append(response.StatusCode).Append(' ').Append(reason).Append("\r\n");
        AppendHeaders(sb, response.Header);
        if (string.Equals(requestMethod, "HEAD", StringComparison.OrdinalIgnoreCase))
        {
            if (response.Header.TryGetValue("Content-Length", out string? recorded))
            {
                sb.Append("Content-Length: ").Append(recorded).Append("\r\n");
            }

            body = [];
        }
        else if (!noBody)
        {
            sb.Append("Content-Length: ").Append(body.Length).Append("\r\n");
        }
        else
        {
            body = [];
        }

        sb.Append("\r\n");
        return Concat(Encoding.UTF8.GetBytes(sb.ToString()), body);
    }

    /// <summary>The standard reason phrase of a status code (RFC 9110 §15), or <c>Unknown</c>.</summary>
    public static string ReasonPhrase(int code) => code switch
    {
        100 => "Continue",
        101 => "Switching Protocols",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        410 => "Gone",
        412 => "Precondition Failed",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    };

    private static void AppendHeaders(StringBuilder sb, Dictionary<string, string> headers)
    {
        foreach (KeyValuePair<string, string> h in headers)
        {
            if (string.Equals(h.Key, "Content-Length", StringComparison.OrdinalIgnoreCase)
                || string.Equals(h.Key, "Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            sb.Append(h.Key).Append(": ").Append(h.Value).Append("\r\n");
        }
    }

    private static byte[] Concat(byte[] a, byte[] b)
    {
        byte[] result = new byte[a.Length + b.Length];
        a.CopyTo(result, 0);
        b.CopyTo(result, a.Length);
        return result;
    }
}
