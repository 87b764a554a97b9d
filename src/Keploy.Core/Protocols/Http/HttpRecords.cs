namespace Keploy.Core.Protocols.Http;

/// <summary>
/// A message body as Keploy stores it: text (UTF-8, written as a plain or block scalar) or binary (written as <c>!!binary</c> base64).
/// Bodies are stored decoded from chunked transfer coding; text bodies that arrived compressed (gzip, deflate, br) are stored
/// decompressed while the <c>Content-Encoding</c> header is kept, so replay compresses them again.
/// </summary>
public sealed class HttpBody
{
    /// <summary>An empty text body.</summary>
    public static HttpBody Empty { get; } = new(Array.Empty<byte>(), isBinary: false);

    /// <summary>Creates a body from bytes; <paramref name="isBinary"/> selects the <c>!!binary</c> form when written.</summary>
    public HttpBody(byte[] bytes, bool isBinary)
    {
        Bytes = bytes;
        IsBinary = isBinary;
    }

    /// <summary>The body bytes as they should be compared (decoded from transfer coding; decompressed when text).</summary>
    public byte[] Bytes { get; }

    /// <summary>True when the body is not valid UTF-8 text and is stored as <c>!!binary</c>.</summary>
    public bool IsBinary { get; }

    /// <summary>The body as UTF-8 text (lossy for binary bodies).</summary>
    public string Text => System.Text.Encoding.UTF8.GetString(Bytes);

    /// <summary>Creates a text body.</summary>
    public static HttpBody FromText(string text) => new(System.Text.Encoding.UTF8.GetBytes(text), isBinary: false);
}

/// <summary>
/// An HTTP request as Keploy records it (<c>spec.req</c>, Keploy <c>pkg/models/http.go</c> <c>HTTPReq</c>). Headers are
/// <c>map[string]string</c>: a repeated header is joined with <c>", "</c>; lookups are case-insensitive.
/// </summary>
public sealed class HttpRequestRecord
{
    /// <summary>Request method (<c>GET</c>, <c>POST</c>, ...).</summary>
    public string Method { get; set; } = "GET";

    /// <summary>HTTP major version (1).</summary>
    public int ProtoMajor { get; set; } = 1;

    /// <summary>HTTP minor version (1 or 0).</summary>
    public int ProtoMinor { get; set; } = 1;

    /// <summary>Test cases: absolute URL including the query (<c>http://localhost:8080/path?q=1</c>). Mocks: the request target (<c>/path?q=1</c>).</summary>
    public string Url { get; set; } = "/";

    /// <summary>Request headers (case-insensitive keys; written sorted, as Go's yaml.v3 does).</summary>
    public Dictionary<string, string> Header { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Request body.</summary>
    public HttpBody Body { get; set; } = HttpBody.Empty;

    /// <summary>Keploy's <c>url_params</c> (query parameters), when present.</summary>
    public Dictionary<string, string>? UrlParams { get; set; }

    /// <summary>When the first request byte was seen (test cases); <see cref="Models.KeployTime.Zero"/> inside mocks.</summary>
    public DateTimeOffset Timestamp { get; set; }
}

/// <summary>An HTTP response as Keploy records it (<c>spec.resp</c>, Keploy <c>HTTPResp</c>).</summary>
public sealed class HttpResponseRecord
{
    /// <summary>Status code (200, 404, ...).</summary>
    public int StatusCode { get; set; } = 200;

    /// <summary>Response headers (case-insensitive keys).</summary>
    public Dictionary<string, string> Header { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Response body.</summary>
    public HttpBody Body { get; set; } = HttpBody.Empty;

    /// <summary>Reason phrase (<c>OK</c>); Keploy mocks often store an empty string.</summary>
    public string StatusMessage { get; set; } = "";

    /// <summary>Keploy writes 0 here for recorded responses; kept as read.</summary>
    public int ProtoMajor { get; set; }

    /// <summary>Keploy writes 0 here for recorded responses; kept as read.</summary>
    public int ProtoMinor { get; set; }

    /// <summary>When the last response byte was seen (test cases); zero inside mocks.</summary>
    public DateTimeOffset Timestamp { get; set; }
}
