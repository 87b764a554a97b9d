using Keploy.Core.Protocols.Http;

namespace Keploy.Core.Proxy;

/// <summary>The protocols the proxy understands, in detection order.</summary>
public static class ProtocolRegistry
{
    /// <summary>
    /// Every built-in integration: HTTP/1.x, HTTP/2 and gRPC, PostgreSQL, MySQL (3306, 4000 and <paramref name="mysqlPorts"/>), Redis,
    /// DNS over TCP, and Generic as the last resort. Detection follows <see cref="IProtocolIntegration.Priority"/>.
    /// </summary>
    public static IReadOnlyList<IProtocolIntegration> All(IEnumerable<int>? mysqlPorts = null) => new IProtocolIntegration[]
    {
        new HttpIntegration(),
        new Keploy.Core.Protocols.Http2.Http2Integration(),
        new Keploy.Core.Protocols.Postgres.PostgresIntegration(),
        new Keploy.Core.Protocols.MySql.MySqlIntegration(mysqlPorts),
        new Keploy.Core.Protocols.Redis.RedisIntegration(),
        new Keploy.Core.Protocols.Dns.DnsTcpIntegration(),
        new Keploy.Core.Protocols.Generic.GenericIntegration(),
    };
}
