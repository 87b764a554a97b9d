namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>SASLResponse ('p' after AuthenticationSASLContinue): the mechanism's data, the rest of the message.</summary>
internal sealed record SaslResponse(byte[] Data) : PgMessage
{
    public override string Name => "SASLResponse";
}
