namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>SSLRequest: Int32 8, Int32 80877103. The server answers one byte, <c>S</c> or <c>N</c>.</summary>
internal sealed record SslRequest : PgMessage
{
    public const int Code = 80877103;

    public override string Name => "SSLRequest";
}
