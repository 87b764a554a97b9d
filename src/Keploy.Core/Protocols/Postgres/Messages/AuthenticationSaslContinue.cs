namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>AuthenticationSASLContinue: 'R', Int32 len, Int32 11, Byte[n] SASL data.</summary>
internal sealed record AuthenticationSaslContinue(byte[] Data) : Authentication(SaslContinueCode)
{
    public override string Name => "AuthenticationSASLContinue";
}
