namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>CopyDone ('c', both directions): end of the COPY stream.</summary>
internal sealed record CopyDone : PgMessage
{
    public override string Name => "CopyDone";
}
