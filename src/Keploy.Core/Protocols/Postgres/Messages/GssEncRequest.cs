namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>GSSENCRequest: Int32 8, Int32 80877104. The server answers one byte, <c>G</c> or <c>N</c>.</summary>
internal sealed record GssEncRequest : PgMessage
{
    public const int Code = 80877104;

    public override string Name => "GSSENCRequest";
}
