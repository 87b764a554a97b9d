namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>CancelRequest: Int32 16, Int32 80877102, Int32 process id, Int32 secret key; sent on its own connection.</summary>
internal sealed record CancelRequest(int ProcessId, int SecretKey) : PgMessage
{
    public const int Code = 80877102;

    public override string Name => "CancelRequest";
}
