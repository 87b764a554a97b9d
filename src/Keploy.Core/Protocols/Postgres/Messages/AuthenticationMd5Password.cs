namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>AuthenticationMD5Password: 'R', Int32 12, Int32 5, Byte4 salt.</summary>
internal sealed record AuthenticationMd5Password(byte[] Salt) : Authentication(Md5Code)
{
    public override string Name => "AuthenticationMD5Password";
}
