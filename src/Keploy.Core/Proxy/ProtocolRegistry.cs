using Keploy.Core.Protocols.Http;

namespace Keploy.Core.Proxy;

/// <summary>The protocols the proxy understands, in detection order.</summary>
public static class ProtocolRegistry
{
    /// <summary>Every built-in integration (HTTP/1.x, HTTP/2 and gRPC, PostgreSQL, Redis, DNS over TCP, and Generic as the last resort).</summary>
    public static IReadOnlyList<IProtocolIntegration> All() => new IProtocolIntegration[]
    {
        new HttpIntegration(),
        new Keploy.Core.Protocols.Http2.Http2Integration(),
        new Keploy.Core.Protocols.Postgres.PostgresIntegration(),
        new Keploy.Core.Protocols.Redis.RedisIntegration(),
        new Keploy.Core.Protocols.Dns.DnsTcpIntegration(),
        new Keploy.Core.Protocols.Generic.GenericIntegration(),
    };
}
