namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>EmptyQueryResponse ('I', Int32 4): an empty query string was executed.</summary>
internal sealed record EmptyQueryResponse : PgMessage
{
    public override string Name => "EmptyQueryResponse";

    public static byte[] Encode() => new PgWriter((byte)'I').ToArray();
}
