namespace Keploy.Core.Protocols.Redis;

/// <summary>Bytes that are not RESP (a bad type byte, length or terminator); the message names what was wrong and where.</summary>
public sealed class RespProtocolException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public RespProtocolException(string message)
        : base(message)
    {
    }
}
