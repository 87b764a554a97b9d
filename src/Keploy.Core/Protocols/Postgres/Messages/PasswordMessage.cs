namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>PasswordMessage ('p'): a String password (cleartext or <c>md5…</c> hash).</summary>
internal sealed record PasswordMessage(string Password) : PgMessage
{
    public override string Name => "PasswordMessage";
}
