using Keploy.Core.Models;
using Keploy.Core.Protocols.Postgres.Messages;

namespace Keploy.Core.Protocols.Postgres;

/// <summary>A Postgres or PostgresV2 mock decoded for replay: frontend messages, backend frames to send, and its signature.</summary>
internal sealed record PgRecordedMock(Mock Mock, IReadOnlyList<PgMessage> Requests, IReadOnlyList<PgFrame> Responses, IReadOnlyList<string> Signature)
{
    /// <summary>Startup, SSL or authentication traffic (answered by the replayer itself).</summary>
    public bool IsHandshake => Requests.Count == 0 || Requests.Any(r => r is StartupMessage or SslRequest or GssEncRequest or PasswordMessage or SaslInitialResponse or SaslResponse);

    public string Describe() => Signature.Count == 0 ? "(empty)" : string.Join("; ", Signature);
}
