namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>AuthenticationSASL: 'R', Int32 len, Int32 10, mechanism Strings (e.g. SCRAM-SHA-256), terminated by a NUL.</summary>
internal sealed record AuthenticationSasl(IReadOnlyList<string> Mechanisms) : Authentication(SaslCode)
{
    public override string Name => "AuthenticationSASL";
}
