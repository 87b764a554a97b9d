namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>ParseComplete ('1', Int32 4): Parse succeeded.</summary>
internal sealed record ParseComplete : PgMessage
{
    public override string Name => "ParseComplete";

    public static byte[] Encode() => new PgWriter((byte)'1').ToArray();
}
