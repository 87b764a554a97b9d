namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>Query ('Q'): a String holding one or more SQL statements (simple query protocol).</summary>
internal sealed record Query(string Sql) : PgMessage
{
    public override string Name => "Query";

    public byte[] Encode() => new PgWriter((byte)'Q').CString(Sql).ToArray();
}
