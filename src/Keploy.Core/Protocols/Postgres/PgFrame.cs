namespace Keploy.Core.Protocols.Postgres;

/// <summary>
/// One framed protocol 3.0 message as it crossed the wire: <see cref="Raw"/> holds every byte (type byte, Int32 length, body).
/// Startup-phase messages (StartupMessage, SSLRequest, GSSENCRequest, CancelRequest) have no type byte; <see cref="Type"/> is 0.
/// </summary>
internal readonly record struct PgFrame(byte Type, byte[] Raw)
{
    /// <summary>The body after the type byte and length.</summary>
    public ReadOnlyMemory<byte> Body => Raw.AsMemory(Type == 0 ? 4 : 5);

    /// <summary>The type letter, or <c>'\0'</c> for startup-phase messages.</summary>
    public char Letter => (char)Type;
}
