namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>Terminate ('X'): the frontend closes the session.</summary>
internal sealed record Terminate : PgMessage
{
    public override string Name => "Terminate";
}
