using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Keploy.Core.Capture;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Generic;
using Keploy.Core.Proxy;
using Keploy.Core.Replay;
using Keploy.Core.Storage;
using Keploy.Core.Tests.Postgres;
using YamlDotNet.RepresentationModel;
using static Keploy.Core.Tests.Capture.CaptureTestSupport;

namespace Keploy.Core.Tests.Generic;

/// <summary>
/// A protocol made up for this test ("KV1": the server greets first, text lines answered with a per-connection counter, and a
/// binary command answered with its bytes reversed) recorded through the real eBPF capture and proxy as Generic mocks, then
/// replayed with the server stopped.
/// </summary>
[Trait("Category", "Ebpf")]
[Collection("Ebpf")]
public sealed class GenericRecordReplayTests
{
    private const string Client = """
        import socket, sys
        s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=20)
        f = s.makefile('rb')
        out = [f.readline()]
        s.sendall(b'GET alpha\n'); out.append(f.readline())
        s.sendall(bytes([1, 0, 0xfe, 0x10])); out.append(f.read(5))
        s.sendall(b'GET alpha\n'); out.append(f.readline())
        print('answers=' + '|'.join(x.hex() for x in out), flush=True)
        s.close()
        """;

    [Fact]
    public async Task MadeUpProtocol_RecordedThroughEbpf_IsAnsweredFromGenericMocks_WithTheServerStopped()
    {
        await WithClientAsync(Client, async (dir, script) =>
        {
            int serverPort;
            string recorded;
            TestSetStore store = new(dir);
            string set = store.CreateNextTestSet();
            ConcurrentQueue<string> recordLog = new();
            using (Kv1Server server = new())
            {
                serverPort = server.Port;
                using (MockFileWriter writer = store.OpenMockWriter(set))
                {
                    recorded = await RunThroughProxyAsync(CaptureMode.Record, new ProxyServerOptions { Mode = ProxyMode.Record, Recorder = writer }, script, serverPort, recordLog);
                }

                Assert.Equal(1, server.Connections);
            }

            // The server's own answers, as the client saw them while recording.
            Assert.Equal(Hex("KV1 READY\r\n") + "|" + Hex("VAL alpha=1\n") + "|ff10fe0001|" + Hex("VAL alpha=2\n"), recorded);

            List<Mock> mocks = store.ReadMocks(set).ToList();
            Assert.All(mocks, m => Assert.Equal("Generic", m.Kind));
            Assert.Equal(4, mocks.Count);
            List<GenericMockSpec> specs = mocks.Select(GenericMockSpec.FromMock).ToList();
            Assert.Empty(specs[0].Requests); // the greeting: the server spoke first
            Assert.Equal("KV1 READY\r\n", Encoding.ASCII.GetString(specs[0].Responses.Single().Bytes()));
            Assert.Equal("string", specs[1].Requests.Single().Chunks.Single().Type);
            Assert.Equal("binary", specs[2].Requests.Single().Chunks.Single().Type);
            Assert.Contains("data: \"AQD+EA==\"", File.ReadAllText(store.MocksPath(set)), StringComparison.Ordinal);
            Assert.All(specs, s => Assert.Equal($"127.0.0.1:{serverPort}", s.Destination));
            Assert.Single(recordLog, l => l.Contains("recording it as Generic mocks", StringComparison.Ordinal));

            // Replay: nothing listens on the server's port any more.
            MockPool pool = new(mocks, null);
            ConcurrentQueue<string> replayLog = new();
            string replayed = await RunThroughProxyAsync(CaptureMode.Test, new ProxyServerOptions { Mode = ProxyMode.Test, Mocks = pool }, script, serverPort, replayLog);
            Assert.Equal(recorded, replayed);
            Assert.DoesNotContain(pool.TakeEvents(), e => e.Miss is not null);
            Assert.Empty(pool.Unconsumed());
        });
    }

    [Fact]
    public async Task UnknownRequest_AtReplay_IsAReportedMiss_NamingTheClosestMock()
    {
        Mock greeting = GenericMockSpec.Create("127.0.0.1:9", 0, [], Encoding.ASCII.GetBytes("KV1 READY\r\n"), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
        Mock get = GenericMockSpec.Create("127.0.0.1:9", 0, Encoding.ASCII.GetBytes("GET alpha\n"), Encoding.ASCII.GetBytes("VAL alpha=1\n"), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
        get.Name = "mock-1";
        greeting.Name = "mock-0";
        MockPool pool = new([greeting, get], null);
        ConcurrentQueue<string> log = new();
        await using var proxy = new ProxyServer(new ProxyServerOptions { Mode = ProxyMode.Test, Port = 0, Addresses = [IPAddress.Loopback], Mocks = pool },
            ProtocolRegistry.All(), new FixedDestinationResolver(new IPEndPoint(IPAddress.Loopback, 9)), log.Enqueue);
        proxy.Start();
        using TcpClient client = new();
        await client.ConnectAsync(IPAddress.Loopback, proxy.Port);
        NetworkStream stream = client.GetStream();
        byte[] buffer = new byte[64];
        int n = await stream.ReadAsync(buffer).AsTask().WaitAsync(Bound);
        Assert.Equal("KV1 READY\r\n", Encoding.ASCII.GetString(buffer, 0, n));
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET omega\n"));
        Assert.Equal(0, await stream.ReadAsync(buffer).AsTask().WaitAsync(Bound)); // closed, no answer made up
        MockMiss miss = Assert.Single(pool.TakeEvents(), e => e.Miss is not null).Miss!;
        Assert.Equal("Generic", miss.Kind);
        Assert.Equal("mock-1", miss.ClosestMock);
        Assert.Contains("'GET omega\\n'", miss.Summary, StringComparison.Ordinal);
        await proxy.StopAsync(TimeSpan.Zero);
    }

    [Fact]
    public async Task PassThroughPort_IsRelayedUntouched_AndNotRecorded()
    {
        await WithClientAsync(Client, async (dir, script) =>
        {
            using Kv1Server server = new();
            MemoryRecorder recorder = new();
            ConcurrentQueue<string> log = new();
            string output = await RunThroughProxyAsync(CaptureMode.Record, new ProxyServerOptions { Mode = ProxyMode.Record, Recorder = recorder }, script, server.Port, log, passThrough: [server.Port]);
            Assert.Equal(Hex("KV1 READY\r\n") + "|" + Hex("VAL alpha=1\n") + "|ff10fe0001|" + Hex("VAL alpha=2\n"), output);
            Assert.Equal(1, server.Connections);
            Assert.Empty(recorder.Mocks);
            Assert.DoesNotContain(log, l => l.Contains("generic", StringComparison.Ordinal));
        });
    }

    [Fact]
    public void GinRedisGenericFixture_LoadsAndWritesBackEqual()
    {
        string path = Path.Combine(TestPaths.Fixtures, "samples-go", "gin-redis", "keploy", "test-set-0", "mocks.yaml");
        List<Mock> mocks = KeployYaml.ReadNodes(path).Select(x => (YamlMappingNode)x.Root)
            .Select(root => new Mock { Kind = YamlNodes.GetString(root, "kind")!, Name = YamlNodes.GetString(root, "name")!, Spec = YamlNodes.GetMapping(root, "spec")! })
            .ToList();
        Assert.Equal(7, mocks.Count);
        foreach (Mock mock in mocks)
        {
            Assert.Equal("Generic", mock.Kind);
            GenericMockSpec spec = GenericMockSpec.FromMock(mock);
            Assert.Equal("client", spec.Requests.Single().Origin);
            Assert.Equal("server", spec.Responses.Single().Origin);
            YamlMappingNode rebuilt = spec.ToSpec(mock.RequestTimestamp, mock.ResponseTimestamp);
            Assert.Equal(mock.Spec.Children.Count, rebuilt.Children.Count);
            foreach (string key in new[] { "metadata", "genericrequests", "genericresponses" })
            {
                Assert.Equal(KeployYamlWriter.ToText(YamlNodes.Get(mock.Spec, key)!, 4), KeployYamlWriter.ToText(YamlNodes.Get(rebuilt, key)!, 4));
            }

            foreach (string key in new[] { "reqtimestampmock", "restimestampmock" })
            {
                Assert.Equal(YamlNodes.GetString(mock.Spec, key), YamlNodes.GetString(rebuilt, key));
            }
        }

        Assert.Equal("*1\r\n$4\r\nping\r\n", Encoding.ASCII.GetString(GenericMockSpec.FromMock(mocks[0]).RequestBytes()));
    }

    /// <summary>Runs <paramref name="body"/> with a fresh temp folder holding the client script (written from <paramref name="client"/>).</summary>
    private static async Task WithClientAsync(string client, Func<string, string, Task> body)
    {
        string dir = Directory.CreateTempSubdirectory("keploy-generic-").FullName;
        try
        {
            string script = Path.Combine(dir, "kv1_client.py");
            File.WriteAllText(script, client);
            await body(dir, script);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Hex(string text) => Convert.ToHexString(Encoding.ASCII.GetBytes(text)).ToLowerInvariant();

    /// <summary>Starts a proxy (port 0) and a capture redirecting to it, runs the client, returns its "answers=" value.</summary>
    private static async Task<string> RunThroughProxyAsync(CaptureMode mode, ProxyServerOptions options, string script, int serverPort, ConcurrentQueue<string> log, IReadOnlyList<int>? passThrough = null)
    {
        options.Port = 0;
        options.Addresses = [IPAddress.Loopback];
        options.Debug = log.Enqueue;
        Capture.LateCaptureResolver resolver = new();
        await using ProxyServer proxy = new(options, ProtocolRegistry.All(), resolver, log.Enqueue);
        proxy.Start();
        using EbpfCapture capture = EbpfCapture.Start(new CaptureOptions { Mode = mode, ProxyPort = proxy.Port, PassThroughPorts = passThrough ?? [] });
        resolver.Capture = capture;
        var (app, lines) = Run(capture, $"python3 {script} {serverPort}");
        var (code, output) = await FinishAsync(app, lines);
        Assert.True(code == 0, output + "\n" + string.Join("\n", log));
        await proxy.StopAsync(TimeSpan.FromSeconds(5));
        string line = output.Split('\n').Single(l => l.StartsWith("answers=", StringComparison.Ordinal));
        return line["answers=".Length..];
    }

    /// <summary>The made-up KV1 server on a free loopback port: greets, answers "GET k\n" with "VAL k=n\n" (n counts per
    /// connection) and the 4-byte binary command 0x01... with 0xff and the bytes reversed.</summary>
    private sealed class Kv1Server : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private int _connections;

        public Kv1Server()
        {
            _listener.Start();
            _ = Task.Run(AcceptLoopAsync);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Connections => Volatile.Read(ref _connections);

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }

        private async Task AcceptLoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception)
                {
                    return;
                }

                Interlocked.Increment(ref _connections);
                _ = Task.Run(() => ServeAsync(client));
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            {
                try
                {
                    NetworkStream s = client.GetStream();
                    await s.WriteAsync(Encoding.ASCII.GetBytes("KV1 READY\r\n"), _stop.Token);
                    int count = 0;
                    byte[] one = new byte[1];
                    while (await s.ReadAsync(one, _stop.Token) == 1)
                    {
                        if (one[0] == 1)
                        {
                            byte[] rest = new byte[3];
                            await s.ReadExactlyAsync(rest, _stop.Token);
                            await s.WriteAsync(new byte[] { 0xff, rest[2], rest[1], rest[0], 1 }, _stop.Token);
                            continue;
                        }

                        List<byte> line = new() { one[0] };
                        while (line[^1] != (byte)'\n' && await s.ReadAsync(one, _stop.Token) == 1)
                        {
                            line.Add(one[0]);
                        }

                        string key = Encoding.ASCII.GetString(line.ToArray()).Trim()["GET ".Length..];
                        await s.WriteAsync(Encoding.ASCII.GetBytes($"VAL {key}={++count}\n"), _stop.Token);
                    }
                }
                catch (Exception)
                {
                    // the test's client closed or the server stopped
                }
            }
        }
    }
}
