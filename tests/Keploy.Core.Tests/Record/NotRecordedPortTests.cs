using System.Net;
using System.Net.Sockets;
using System.Text;
using Keploy.Core.Proxy;
using Keploy.Core.Record;
using static Keploy.Core.Tests.Capture.CaptureTestSupport;

namespace Keploy.Core.Tests.Record;

/// <summary>
/// A listening port excluded from recording (keploy.yml <c>record.filters: [{port: N, filterPolicy: exclude}]</c>) is relayed
/// byte for byte and nothing is recorded from it.
/// </summary>
[Collection("Ebpf")]
public sealed class NotRecordedPortTests
{
    [Fact]
    public async Task RelayUntouched_PassesBytesBothWaysAndTheClientsHalfClose()
    {
        // The "app" reads to end of stream (so the client's half-close must reach it), then answers with what it got, reversed.
        using TcpListener app = new(IPAddress.Loopback, 0);
        app.Start();
        Task served = Task.Run(async () =>
        {
            using TcpClient c = await app.AcceptTcpClientAsync();
            NetworkStream s = c.GetStream();
            MemoryStream got = new();
            await s.CopyToAsync(got);
            byte[] reply = got.ToArray();
            Array.Reverse(reply);
            await s.WriteAsync(reply);
        });

        await using IngressForwarder forwarder = IngressForwarder.Start(
            AddressFamily.InterNetwork, IPAddress.Loopback, TestPorts.Free(), ((IPEndPoint)app.LocalEndpoint).Port, IngressForwarder.RelayUntouchedAsync, _ => { });
        byte[] sent = new byte[300_000]; // not HTTP: bytes the HTTP parser would reject, more than one read
        new Random(12).NextBytes(sent);
        using TcpClient client = new();
        await client.ConnectAsync(IPAddress.Loopback, forwarder.Port);
        NetworkStream stream = client.GetStream();
        await stream.WriteAsync(sent);
        client.Client.Shutdown(SocketShutdown.Send);
        MemoryStream received = new();
        using CancellationTokenSource timeout = new(Bound);
        await stream.CopyToAsync(received, timeout.Token);
        await served.WaitAsync(Bound);

        Array.Reverse(sent);
        Assert.Equal(sent, received.ToArray());
    }

    [Fact]
    [Trait("Category", "Ebpf")]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task RecordSession_ExcludedPortAnswersAndRecordsNothing()
    {
        string dir = Path.Combine(Path.GetTempPath(), "keploy-notrecorded-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            int appPort = TestPorts.Free();
            RecordOptions options = new()
            {
                Path = dir,
                AppCommand = $"exec /usr/bin/python3 -m http.server {appPort} --bind 127.0.0.1",
                WorkingDirectory = dir,
                ProxyPort = TestPorts.Free(),
                NotRecordedPorts = [appPort],
                StopGrace = TimeSpan.FromSeconds(5),
            };
            File.WriteAllText(Path.Combine(dir, "hello.txt"), "hello, relay\n");
            List<string> log = new();
            RecordSession session = new(options, ProtocolRegistry.All(), line =>
            {
                lock (log)
                {
                    log.Add(line);
                }
            });
            using CancellationTokenSource stop = new();
            Task<RecordSummary> run = session.RunAsync(stop.Token);
            string body;
            try
            {
                body = await GetWhenReadyAsync($"http://127.0.0.1:{appPort}/hello.txt", run);
            }
            finally
            {
                stop.Cancel();
            }

            RecordSummary summary = await run.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal("hello, relay\n", body);
            lock (log)
            {
                Assert.True(summary.TestCases == 0, $"{summary.TestCases} test cases recorded\n{string.Join("\n", log)}");
                Assert.Contains(log, l => l.Contains($"not recorded (record.filters excludes port {appPort})", StringComparison.Ordinal));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<string> GetWhenReadyAsync(string url, Task running)
    {
        using HttpClient http = new() { Timeout = TimeSpan.FromSeconds(10) };
        DateTime until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (running.IsCompleted)
            {
                await running;
                throw new InvalidOperationException("recording stopped before the app answered");
            }

            try
            {
                return await http.GetStringAsync(url);
            }
            catch (HttpRequestException) when (DateTime.UtcNow < until)
            {
                await Task.Delay(100);
            }
        }
    }
}
