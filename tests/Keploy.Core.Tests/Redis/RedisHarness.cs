using System.Collections.Concurrent;
using System.Net;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Redis;
using Keploy.Core.Proxy;
using Keploy.Core.Replay;

namespace Keploy.Core.Tests.Redis;

/// <summary>The recording/replaying proxy with the Redis integration only, on a free loopback port.</summary>
internal static class RedisHarness
{
    public static (ProxyServer Proxy, ConcurrentQueue<string> Log) StartRecord(IMockRecorder recorder, int serverPort)
    {
        ConcurrentQueue<string> log = new();
        ProxyServer proxy = new(new ProxyServerOptions { Mode = ProxyMode.Record, Port = 0, Addresses = new[] { IPAddress.Loopback }, Recorder = recorder },
            new IProtocolIntegration[] { new RedisIntegration() }, new FixedDestinationResolver(new IPEndPoint(IPAddress.Loopback, serverPort)), log.Enqueue);
        proxy.Start();
        return (proxy, log);
    }

    public static (ProxyServer Proxy, ConcurrentQueue<string> Log) StartReplay(MockPool pool)
    {
        ConcurrentQueue<string> log = new();
        ProxyServer proxy = new(new ProxyServerOptions { Mode = ProxyMode.Test, Port = 0, Addresses = new[] { IPAddress.Loopback }, Mocks = pool, FirstBytesTimeout = TimeSpan.FromSeconds(30), Debug = log.Enqueue, Warn = log.Enqueue },
            new IProtocolIntegration[] { new RedisIntegration() }, new FixedDestinationResolver(new IPEndPoint(IPAddress.Loopback, 1)), log.Enqueue);
        proxy.Start();
        return (proxy, log);
    }

    public static string Type(Mock m) => YamlNodes.GetString(YamlNodes.GetMapping(m.Spec, "metadata"), "type") ?? "";

    public static string Operation(Mock m) => YamlNodes.GetString(YamlNodes.GetMapping(m.Spec, "metadata"), "operation") ?? "";
}
