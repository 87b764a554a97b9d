namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>ParameterDescription ('t'): Int16 n, Int32[n] parameter type OIDs.</summary>
internal sealed record ParameterDescription(IReadOnlyList<int> Oids) : PgMessage
{
    public override string Name => "ParameterDescription";

    public byte[] Encode()
    {
        PgWriter w = new PgWriter((byte)'t').Int16((short)Oids.Count);
        foreach (int oid in Oids)
        {
            w.Int32(oid);
        }

        return w.ToArray();
    }
}
