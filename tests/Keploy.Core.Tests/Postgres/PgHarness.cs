using System.Collections.Concurrent;
using System.Net;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Postgres;
using Keploy.Core.Proxy;
using Keploy.Core.Replay;

namespace Keploy.Core.Tests.Postgres;

internal sealed class MemoryRecorder : IMockRecorder
{
    private int _n;

    public ConcurrentQueue<Mock> Mocks { get; } = new();

    public void Record(Mock mock)
    {
        if (mock.Name.Length == 0)
        {
            mock.Name = "mock-" + Interlocked.Increment(ref _n);
        }

        Mocks.Enqueue(mock);
    }
}

internal static class PgHarness
{
    public static async Task<(ProxyServer Proxy, ConcurrentQueue<string> Log)> StartRecordAsync(IMockRecorder recorder, IPEndPoint target)
    {
        ConcurrentQueue<string> log = new();
        ProxyServer proxy = new(new ProxyServerOptions { Mode = ProxyMode.Record, Port = 0, Addresses = new[] { IPAddress.Loopback }, Recorder = recorder },
            new IProtocolIntegration[] { new PostgresIntegration() }, new FixedDestinationResolver(target), log.Enqueue);
        proxy.Start();
        await Task.CompletedTask;
        return (proxy, log);
    }

    public static (ProxyServer Proxy, ConcurrentQueue<string> Log) StartReplay(MockPool pool)
    {
        ConcurrentQueue<string> log = new();
        ProxyServer proxy = new(new ProxyServerOptions { Mode = ProxyMode.Test, Port = 0, Addresses = new[] { IPAddress.Loopback }, Mocks = pool, FirstBytesTimeout = TimeSpan.FromSeconds(30), Debug = log.Enqueue, Warn = log.Enqueue },
            new IProtocolIntegration[] { new PostgresIntegration() }, new FixedDestinationResolver(new IPEndPoint(IPAddress.Loopback, 1)), log.Enqueue);
        proxy.Start();
        return (proxy, log);
    }

    public static string Via(int port, string password = "keploy") =>
        $"Host=127.0.0.1;Port={port};Username=keploy;Password={password};Database=keploy;Pooling=false;SSL Mode=Disable";

    public static string Type(Mock m) => YamlNodes.GetString(YamlNodes.GetMapping(m.Spec, "metadata"), "type") ?? "";
}
