namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>SASLInitialResponse ('p' after AuthenticationSASL): String mechanism, Int32 length, Byte[n] data (-1 = none).</summary>
internal sealed record SaslInitialResponse(string Mechanism, byte[]? Data) : PgMessage
{
    public override string Name => "SASLInitialResponse";
}
