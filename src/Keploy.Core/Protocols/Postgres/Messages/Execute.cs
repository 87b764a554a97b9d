namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>Execute ('E'): String portal, Int32 maximum rows (0 = no limit; a limit may end with PortalSuspended).</summary>
internal sealed record Execute(string Portal, int MaxRows) : PgMessage
{
    public override string Name => "Execute";

    public byte[] Encode() => new PgWriter((byte)'E').CString(Portal).Int32(MaxRows).ToArray();
}
