using Keploy.Core.Protocols.Http;

namespace Keploy.Core.Proxy;

/// <summary>The protocols the proxy understands, in detection order.</summary>
public static class ProtocolRegistry
{
    /// <summary>Every built-in integration (HTTP/1.x, PostgreSQL, MySQL with 3306, 4000 and <paramref name="mysqlPorts"/>, Redis).</summary>
    public static IReadOnlyList<IProtocolIntegration> All(IEnumerable<int>? mysqlPorts = null) => new IProtocolIntegration[]
    {
        new HttpIntegration(),
        new Keploy.Core.Protocols.Postgres.PostgresIntegration(),
        new Keploy.Core.Protocols.MySql.MySqlIntegration(mysqlPorts),
        new Keploy.Core.Protocols.Redis.RedisIntegration(),
    };
}
