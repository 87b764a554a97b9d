namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>Sync ('S'): ends an extended-query cycle; the server answers ReadyForQuery.</summary>
internal sealed record Sync : PgMessage
{
    public override string Name => "Sync";

    public static byte[] Encode() => new PgWriter((byte)'S').ToArray();
}
