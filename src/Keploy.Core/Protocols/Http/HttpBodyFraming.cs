namespace Keploy.Core.Protocols.Http;

/// <summary>How a message body is delimited (RFC 9112 §6.3).</summary>
internal enum HttpBodyFraming
{
    /// <summary>No body (HEAD responses, 1xx, 204, 304, requests without Content-Length or Transfer-Encoding).</summary>
    None,

    /// <summary><c>Content-Length</c> bytes.</summary>
    ContentLength,

    /// <summary>Chunked transfer coding, with optional trailer fields.</summary>
    Chunked,

    /// <summary>Response body delimited by the server closing the connection.</summary>
    UntilClose,
}
