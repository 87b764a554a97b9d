namespace Keploy.Core.Protocols.Http2;

/// <summary>A header block that does not decode (RFC 7541 §2.3.3, §5, §6): a COMPRESSION_ERROR in HTTP/2 terms (RFC 9113 §4.3).
/// The message names the problem; the caller adds the connection and stream.</summary>
public sealed class HpackException : Exception
{
    /// <summary>Creates the error with its one-line message.</summary>
    public HpackException(string message)
        : base(message)
    {
    }
}
