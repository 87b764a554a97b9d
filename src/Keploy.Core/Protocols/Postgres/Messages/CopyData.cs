namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>CopyData ('d', both directions): Byte[n] data of the COPY stream.</summary>
internal sealed record CopyData(byte[] Data) : PgMessage
{
    public override string Name => "CopyData";
}
