namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>AuthenticationOk: 'R', Int32 8, Int32 0.</summary>
internal sealed record AuthenticationOk() : Authentication(OkCode)
{
    public override string Name => "AuthenticationOk";

    public static byte[] Encode() => new PgWriter((byte)'R').Int32(OkCode).ToArray();
}
