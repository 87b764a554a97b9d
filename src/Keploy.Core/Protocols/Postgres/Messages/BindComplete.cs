namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>BindComplete ('2', Int32 4): Bind succeeded.</summary>
internal sealed record BindComplete : PgMessage
{
    public override string Name => "BindComplete";

    public static byte[] Encode() => new PgWriter((byte)'2').ToArray();
}
