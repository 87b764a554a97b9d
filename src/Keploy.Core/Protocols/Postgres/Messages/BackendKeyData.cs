namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>BackendKeyData ('K'): Int32 process id, Int32 secret key (used by CancelRequest).</summary>
internal sealed record BackendKeyData(int ProcessId, int SecretKey) : PgMessage
{
    public override string Name => "BackendKeyData";

    public byte[] Encode() => new PgWriter((byte)'K').Int32(ProcessId).Int32(SecretKey).ToArray();
}
