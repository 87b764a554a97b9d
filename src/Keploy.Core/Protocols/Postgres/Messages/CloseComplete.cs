namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>CloseComplete ('3', Int32 4): Close succeeded.</summary>
internal sealed record CloseComplete : PgMessage
{
    public override string Name => "CloseComplete";

    public static byte[] Encode() => new PgWriter((byte)'3').ToArray();
}
