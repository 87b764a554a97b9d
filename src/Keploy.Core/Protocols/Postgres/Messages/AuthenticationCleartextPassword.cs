namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>AuthenticationCleartextPassword: 'R', Int32 8, Int32 3.</summary>
internal sealed record AuthenticationCleartextPassword() : Authentication(CleartextCode)
{
    public override string Name => "AuthenticationCleartextPassword";
}
