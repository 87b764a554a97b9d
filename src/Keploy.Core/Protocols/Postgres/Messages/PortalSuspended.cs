namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>PortalSuspended ('s', Int32 4): Execute reached its row limit; the portal can be executed again.</summary>
internal sealed record PortalSuspended : PgMessage
{
    public override string Name => "PortalSuspended";

    public static byte[] Encode() => new PgWriter((byte)'s').ToArray();
}
