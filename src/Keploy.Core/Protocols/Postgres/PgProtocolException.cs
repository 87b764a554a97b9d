namespace Keploy.Core.Protocols.Postgres;

/// <summary>A malformed or truncated PostgreSQL protocol message; <see cref="Exception.Message"/> is one line naming the message type.</summary>
internal sealed class PgProtocolException : Exception
{
    /// <summary>Creates the exception with a one-line reason.</summary>
    public PgProtocolException(string message)
        : base(message)
    {
    }
}
