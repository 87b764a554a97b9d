namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>NotificationResponse ('A', LISTEN/NOTIFY): Int32 sender process id, String channel, String payload.</summary>
internal sealed record NotificationResponse(int ProcessId, string Channel, string Payload) : PgMessage
{
    public override string Name => "NotificationResponse";
}
