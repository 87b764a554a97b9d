namespace Keploy.Core.Protocols.MySql;

/// <summary>Malformed MySQL traffic or mock: the message names the packet (type, sequence id) and what is wrong, in one line.</summary>
public sealed class MySqlProtocolException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public MySqlProtocolException(string message)
        : base(message)
    {
    }
}
