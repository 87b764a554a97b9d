using Keploy.Core.Protocols.Postgres.Messages;

namespace Keploy.Core.Protocols.Postgres;

/// <summary>One recorded request bundle and the backend messages that answered it (up to ReadyForQuery or an authentication request).</summary>
internal sealed record PgExchange(
    long ConnectionId,
    IReadOnlyList<PgFrame> Requests,
    IReadOnlyList<PgFrame> Responses,
    DateTimeOffset RequestTime,
    DateTimeOffset ResponseTime,
    bool Startup,
    int AuthCodeBefore)
{
    /// <summary>The requests decoded (one per frame, in order) when the recorder decoded them already, else null.</summary>
    public IReadOnlyList<PgMessage>? RequestMessages { get; init; }

    /// <summary>The responses decoded (one per frame, in order) when the recorder decoded them already, else null.</summary>
    public IReadOnlyList<PgMessage>? ResponseMessages { get; init; }
}
