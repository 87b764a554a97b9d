namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>NoticeResponse ('N'): same fields as ErrorResponse; may arrive at any time.</summary>
internal sealed record NoticeResponse(IReadOnlyList<KeyValuePair<char, string>> Fields) : PgMessage
{
    public override string Name => "NoticeResponse";
}
