namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>Describe ('D'): Byte1 'S' (statement) or 'P' (portal), String name.</summary>
internal sealed record Describe(char Kind, string Target) : PgMessage
{
    public override string Name => "Describe";

    public byte[] Encode() => new PgWriter((byte)'D').Byte((byte)Kind).CString(Target).ToArray();
}
