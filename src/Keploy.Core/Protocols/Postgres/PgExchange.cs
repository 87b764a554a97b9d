namespace Keploy.Core.Protocols.Postgres;

/// <summary>One recorded request bundle and the backend messages that answered it (up to ReadyForQuery or an authentication request).</summary>
internal sealed record PgExchange(
    long ConnectionId,
    IReadOnlyList<PgFrame> Requests,
    IReadOnlyList<PgFrame> Responses,
    DateTimeOffset RequestTime,
    DateTimeOffset ResponseTime,
    bool Startup,
    int AuthCodeBefore);
