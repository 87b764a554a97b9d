using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Models;

/// <summary>
/// A recorded outgoing call: one document of <c>keploy/test-set-N/mocks.yaml</c> (Keploy <c>pkg/models/mock.go</c>).
/// The lifetime and timestamps are derived from <see cref="KeployDocument.Spec"/> on every read, so editing the spec is enough.
/// </summary>
public sealed class Mock : KeployDocument
{
    /// <summary>Lifetime from <c>spec.metadata.type</c> (<c>config</c> = session, <c>connection</c> = connection, else per-test).</summary>
    public MockLifetime Lifetime
    {
        get
        {
            string? type = YamlNodes.GetString(YamlNodes.GetMapping(Spec, "metadata"), "type");
            return type switch
            {
                "config" => MockLifetime.Session,
                "connection" => MockLifetime.Connection,
                _ => MockLifetime.PerTest,
            };
        }
    }

    /// <summary>The recorded connection id: <c>spec.metadata.connID</c>, else the top-level <c>connectionId</c> (Postgres v1), else null.</summary>
    public string? ConnectionId =>
        YamlNodes.GetString(YamlNodes.GetMapping(Spec, "metadata"), "connID")
        ?? (GetExtra("connectionId") as YamlScalarNode)?.Value;

    /// <summary>When the first request byte was seen: <c>reqTimestampMock</c>, matched case-insensitively (Keploy writes three spellings).</summary>
    public DateTimeOffset? RequestTimestamp => KeployTime.TryParseNullable(YamlNodes.GetStringIgnoreCase(Spec, "reqTimestampMock"));

    /// <summary>When the last response byte was seen: <c>resTimestampMock</c>, matched case-insensitively.</summary>
    public DateTimeOffset? ResponseTimestamp => KeployTime.TryParseNullable(YamlNodes.GetStringIgnoreCase(Spec, "resTimestampMock"));
}
