namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>CopyFail ('f'): String reason; the frontend aborts COPY FROM STDIN.</summary>
internal sealed record CopyFail(string Reason) : PgMessage
{
    public override string Name => "CopyFail";
}
