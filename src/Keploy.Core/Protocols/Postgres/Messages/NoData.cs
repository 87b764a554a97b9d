namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>NoData ('n', Int32 4): the statement or portal returns no rows.</summary>
internal sealed record NoData : PgMessage
{
    public override string Name => "NoData";

    public static byte[] Encode() => new PgWriter((byte)'n').ToArray();
}
