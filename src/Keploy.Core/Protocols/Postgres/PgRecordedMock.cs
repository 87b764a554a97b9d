using Keploy.Core.Models;
using Keploy.Core.Protocols.Postgres.Messages;
using Keploy.Core.Replay.Matching;

namespace Keploy.Core.Protocols.Postgres;

/// <summary>
/// One request as the client sent it up to a Sync, Query, CopyDone or CopyFail, with the answer up to its ReadyForQuery: the unit
/// the replayer matches. A mock holds one part when recorded by this tool and possibly several when Keploy 2 kept one client write
/// together (Npgsql's <c>DISCARD ALL</c> and the next query).
/// </summary>
/// <param name="Requests">Frontend messages of the part.</param>
/// <param name="Responses">Backend frames answering it.</param>
/// <param name="View">Its form for <see cref="MockMatchRule"/>.</param>
/// <param name="Display">One line per message, values decoded (for miss messages).</param>
internal sealed record PgPart(IReadOnlyList<PgMessage> Requests, IReadOnlyList<PgFrame> Responses, MatchRequest View, IReadOnlyList<string> Display)
{
    /// <summary>The part in one line.</summary>
    public string Describe() => Display.Count == 0 ? "(empty)" : string.Join("; ", Display);

    /// <summary>True when every statement of the part sets up the session (<see cref="PgSql.IsSessionStatement"/>).</summary>
    public bool IsSessionPhase => PgBundle.IsSessionPhase(View);
}

/// <summary>A Postgres or PostgresV2 mock decoded for replay: frontend messages, backend frames, and its parts in order.</summary>
internal sealed record PgRecordedMock(Mock Mock, IReadOnlyList<PgMessage> Requests, IReadOnlyList<PgFrame> Responses, IReadOnlyList<PgPart> Parts)
{
    /// <summary>Startup, SSL or authentication traffic (answered by the replayer itself).</summary>
    public bool IsHandshake => Requests.Count == 0 || Requests.Any(r => r is StartupMessage or SslRequest or GssEncRequest or PasswordMessage or SaslInitialResponse or SaslResponse);

    /// <summary>The first part (what a live request is matched against first).</summary>
    public PgPart First => Parts[0];

    /// <summary>The whole mock in one line.</summary>
    public string Describe() => string.Join(" | ", Parts.Select(p => p.Describe()));
}
