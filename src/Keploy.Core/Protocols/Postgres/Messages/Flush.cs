namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>Flush ('H'): asks the server to send its pending output.</summary>
internal sealed record Flush : PgMessage
{
    public override string Name => "Flush";
}
