namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>Any other authentication request (Kerberos, GSS, SSPI): code and raw data.</summary>
internal sealed record AuthenticationOther(int AuthCode, byte[] Data) : Authentication(AuthCode)
{
    public override string Name => $"Authentication({AuthCode})";
}
