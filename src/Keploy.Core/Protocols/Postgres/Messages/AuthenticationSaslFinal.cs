namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>AuthenticationSASLFinal: 'R', Int32 len, Int32 12, Byte[n] SASL outcome data.</summary>
internal sealed record AuthenticationSaslFinal(byte[] Data) : Authentication(SaslFinalCode)
{
    public override string Name => "AuthenticationSASLFinal";
}
