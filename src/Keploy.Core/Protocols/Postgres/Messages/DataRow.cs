namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>DataRow ('D'): Int16 column count, then per column Int32 length (-1 = NULL) and Byte[length].</summary>
internal sealed record DataRow(IReadOnlyList<byte[]?> Values) : PgMessage
{
    public override string Name => "DataRow";

    public byte[] Encode()
    {
        PgWriter w = new PgWriter((byte)'D').Int16((short)Values.Count);
        foreach (byte[]? v in Values)
        {
            w.NullableBytes(v);
        }

        return w.ToArray();
    }
}
