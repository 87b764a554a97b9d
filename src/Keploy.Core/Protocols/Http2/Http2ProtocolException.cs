namespace Keploy.Core.Protocols.Http2;

/// <summary>Bytes that are not valid HTTP/2 (RFC 9113 §4, §6): a bad frame length, a frame on the wrong stream, a broken header
/// block sequence. The message is one line naming the frame type and stream.</summary>
public sealed class Http2ProtocolException : Exception
{
    /// <summary>Creates the error with its one-line message.</summary>
    public Http2ProtocolException(string message)
        : base(message)
    {
    }
}
