namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>ReadyForQuery ('Z'): Byte1 transaction status, 'I' idle, 'T' in a transaction, 'E' in a failed transaction.</summary>
internal sealed record ReadyForQuery(char TransactionStatus) : PgMessage
{
    public override string Name => "ReadyForQuery";

    public static byte[] Encode(char status) => new PgWriter((byte)'Z').Byte((byte)status).ToArray();
}
