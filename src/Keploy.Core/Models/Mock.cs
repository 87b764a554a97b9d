using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Models;

/// <summary>
/// A recorded outgoing call: one document of <c>keploy/test-set-N/mocks.yaml</c> (Keploy <c>pkg/models/mock.go</c>).
/// The lifetime and timestamps are derived from <see cref="KeployDocument.Spec"/> on every read, so editing the spec is enough
/// (while the spec is deferred, <see cref="KeployDocument.IsSpecLoaded"/> false, they are the values read at load).
/// </summary>
public sealed class Mock : KeployDocument
{
    private (MockLifetime Lifetime, string? ConnectionId, DateTimeOffset? Request, DateTimeOffset? Response) _atLoad;

    /// <summary>
    /// The protocol's typed view kept when the spec was deferred (<see cref="Compact"/>), e.g. an <c>HttpMockSpec</c>; null otherwise.
    /// Valid only while <see cref="KeployDocument.IsSpecLoaded"/> is false (an edited spec is the truth).
    /// </summary>
    public object? CompactView { get; private set; }

    /// <summary>
    /// Keeps <paramref name="view"/> and what the pool reads (lifetime, connection id, timestamps) and drops the spec tree;
    /// <paramref name="loader"/> reads the spec again if something asks for it.
    /// </summary>
    internal void Compact(object view, Func<YamlDotNet.RepresentationModel.YamlMappingNode> loader)
    {
        if (IsSpecLoaded)
        {
            _atLoad = (Lifetime, ConnectionId, RequestTimestamp, ResponseTimestamp);
        }

        CompactView = view;
        DeferSpec(loader);
    }

    /// <summary>
    /// A mock read straight to its compact view, never holding a spec tree (<c>HttpMockReader</c>): the view and what the pool reads
    /// are given; the spec is deferred, and the reader gives the loader that reads it again with <see cref="Compact"/> before the
    /// mock is handed out (until then, reading the spec throws <see cref="InvalidOperationException"/>).
    /// </summary>
    internal static Mock ReadCompact(
        string version, string kind, string name, SourceLocation location, object view,
        MockLifetime lifetime, string? connectionId, DateTimeOffset? requestTimestamp, DateTimeOffset? responseTimestamp)
    {
        var mock = new Mock { Version = version, Kind = kind, Name = name, Location = location };
        mock._atLoad = (lifetime, connectionId, requestTimestamp, responseTimestamp);
        mock.CompactView = view;
        mock.DeferSpec(static () => throw new InvalidOperationException("the spec of a mock read to its compact view is loaded once its reader gives the loader (Mock.Compact)"));
        return mock;
    }

    /// <summary>Lifetime from <c>spec.metadata.type</c> (<c>config</c> = session, <c>connection</c> = connection, else per-test).</summary>
    public MockLifetime Lifetime
    {
        get
        {
            if (!IsSpecLoaded)
            {
                return _atLoad.Lifetime;
            }

            return LifetimeOf(YamlNodes.GetString(YamlNodes.GetMapping(Spec, "metadata"), "type"));
        }
    }

    /// <summary>The lifetime a <c>spec.metadata.type</c> gives (null when absent or a YAML null): <c>config</c> = session,
    /// <c>connection</c> = connection, else per-test.</summary>
    internal static MockLifetime LifetimeOf(string? type) => type switch
    {
        "config" => MockLifetime.Session,
        "connection" => MockLifetime.Connection,
        _ => MockLifetime.PerTest,
    };

    /// <summary>The recorded connection id: <c>spec.metadata.connID</c>, else the top-level <c>connectionId</c> (Postgres v1), else null.</summary>
    public string? ConnectionId => !IsSpecLoaded ? _atLoad.ConnectionId :
        YamlNodes.GetString(YamlNodes.GetMapping(Spec, "metadata"), "connID")
        ?? (GetExtra("connectionId") as YamlScalarNode)?.Value;

    /// <summary>When the first request byte was seen: <c>reqTimestampMock</c>, matched case-insensitively (Keploy writes three spellings).</summary>
    public DateTimeOffset? RequestTimestamp => !IsSpecLoaded ? _atLoad.Request : KeployTime.TryParseNullable(YamlNodes.GetStringIgnoreCase(Spec, "reqTimestampMock"));

    /// <summary>When the last response byte was seen: <c>resTimestampMock</c>, matched case-insensitively.</summary>
    public DateTimeOffset? ResponseTimestamp => !IsSpecLoaded ? _atLoad.Response : KeployTime.TryParseNullable(YamlNodes.GetStringIgnoreCase(Spec, "resTimestampMock"));
}
