namespace Keploy.Core.Protocols.Http;

/// <summary>
/// Malformed or over-limit HTTP/1.x input. <see cref="Exception.Message"/> is one line naming what is wrong
/// (<c>HTTP request head: header line 3 has no colon</c>).
/// </summary>
public sealed class HttpParseException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public HttpParseException(string message)
        : base(message)
    {
    }
}
