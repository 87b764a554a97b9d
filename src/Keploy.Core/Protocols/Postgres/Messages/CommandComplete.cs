namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>CommandComplete ('C'): String command tag (<c>SELECT 3</c>, <c>INSERT 0 1</c>, <c>UPDATE 1</c>).</summary>
internal sealed record CommandComplete(string Tag) : PgMessage
{
    public override string Name => "CommandComplete";

    public byte[] Encode() => new PgWriter((byte)'C').CString(Tag).ToArray();
}
