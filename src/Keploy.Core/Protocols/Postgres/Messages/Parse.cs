namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>Parse ('P'): String statement name ("" = unnamed), String query, Int16 n, Int32[n] parameter type OIDs.</summary>
internal sealed record Parse(string Statement, string Sql, IReadOnlyList<int> ParameterOids) : PgMessage
{
    public override string Name => "Parse";

    public byte[] Encode()
    {
        PgWriter w = new PgWriter((byte)'P').CString(Statement).CString(Sql).Int16((short)ParameterOids.Count);
        foreach (int oid in ParameterOids)
        {
            w.Int32(oid);
        }

        return w.ToArray();
    }
}
