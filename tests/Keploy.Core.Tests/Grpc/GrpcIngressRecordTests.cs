using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Grpc;
using Keploy.Core.Proxy;
using Keploy.Core.Record;
using Keploy.Core.Replay;
using Keploy.Core.Storage;

namespace Keploy.Core.Tests.Grpc;

/// <summary>
/// Ingress gRPC through the real path: the Quotes sample (Kestrel, h2c only) runs under <see cref="RecordSession"/> with the real
/// eBPF capture, a Grpc.Net.Client client makes a unary, a server-streaming and a failing call, each stream becomes a
/// <c>kind: gRPC</c> test case (the streaming one with every message in order), and the recorded test-set replays passing with
/// the runner starting the service again. An edited expectation then fails with a diff naming the message.
/// </summary>
[Trait("Category", "Ebpf")]
[Collection("Ebpf")]
public sealed class GrpcIngressRecordTests : IDisposable
{
    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(b => b, b => b);
    private static readonly Method<byte[], byte[]> GetQuote = new(MethodType.Unary, "quotes.Quotes", "GetQuote", Raw, Raw);
    private static readonly Method<byte[], byte[]> StreamQuotes = new(MethodType.ServerStreaming, "quotes.Quotes", "StreamQuotes", Raw, Raw);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly string _dir = Directory.CreateTempSubdirectory("keploy-grpc-ingress-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task GrpcCallsToTheApp_AreRecordedAsGrpcTestCases_AndReplayPassing_ThenAnEditFailsWithADiff()
    {
        int port = TestPorts.Free();
        List<string> log = new();
        RecordSession session = new(new RecordOptions
        {
            Path = _dir,
            AppCommand = QuotesSample.Command(port),
            WorkingDirectory = _dir,
            ProxyPort = TestPorts.Free(),
            StopGrace = TimeSpan.FromSeconds(5),
        }, ProtocolRegistry.All(), line =>
        {
            lock (log)
            {
                log.Add(line);
            }
        });
        using CancellationTokenSource stop = new();
        Task<RecordSummary> run = session.RunAsync(stop.Token);
        List<byte[]> streamed = new();
        try
        {
            await WaitForPortAsync(port, run);
            using GrpcChannel channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
            CallInvoker invoker = channel.CreateCallInvoker();
            byte[] acme = await invoker.AsyncUnaryCall(GetQuote, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30)), ProtoscopeText.Parse("1: {\"ACME\"}\n"));
            Assert.Equal(ProtoscopeText.Parse(QuotesSample.Quote("ACME", "Acme Corporation", 12345)), acme);

            using (AsyncServerStreamingCall<byte[]> call = invoker.AsyncServerStreamingCall(StreamQuotes, null, new CallOptions(), ProtoscopeText.Parse("1: {\"ACME\"}\n1: {\"GLOBX\"}\n2: 3\n")))
            {
                await foreach (byte[] quote in call.ResponseStream.ReadAllAsync())
                {
                    streamed.Add(quote);
                }
            }

            RpcException missing = await Assert.ThrowsAsync<RpcException>(async () => await invoker.AsyncUnaryCall(GetQuote, null, new CallOptions(), ProtoscopeText.Parse("1: {\"NOPE\"}\n")));
            Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        }
        finally
        {
            stop.Cancel();
        }

        RecordSummary summary = await run.WaitAsync(Bound);
        Assert.Equal(6, streamed.Count);
        string Log()
        {
            lock (log)
            {
                return string.Join("\n", log);
            }
        }

        Assert.True(summary.TestCases == 3, $"{summary.TestCases} test cases recorded\n{Log()}");
        TestSetStore store = new(_dir);
        List<TestCase> tests = store.ReadTestCases(summary.TestSetId).ToList();
        Assert.All(tests, t => Assert.Equal("gRPC", t.Kind));
        GrpcTestCaseSpec stream = tests.Select(GrpcSpec.FromTestCase).Single(v => v.Request.Path == "/quotes.Quotes/StreamQuotes");
        Assert.Equal(streamed, stream.Response.AllMessages.Select(m => m.Payload()));
        Assert.Equal("0", stream.Response.Status);
        Assert.Equal(port, stream.AppPort);
        Assert.Equal("5", tests.Select(GrpcSpec.FromTestCase).Single(v => v.Request.Body.DecodedData.Contains("NOPE", StringComparison.Ordinal)).Response.Status);

        // Replayed: the runner starts the service in the capture and sends each recorded call over h2c.
        TestRunResult replay = await Replay(port);
        TestSetResult set = Assert.Single(replay.Sets);
        Assert.True(replay.Passed, string.Join("\n", set.Tests.Select(t => $"{t.TestCase.Name}: {t.Status} {t.FailureMessage}")) + set.Error);
        Assert.Equal(3, set.Passed);

        // An edited expectation (the third streamed quote's price) fails that test only, with a diff naming the message.
        TestCase recorded = tests.Single(t => GrpcSpec.FromTestCase(t).Request.Path == "/quotes.Quotes/StreamQuotes");
        string file = recorded.FilePath!;
        string text = File.ReadAllText(file);
        string edited = text.Replace("3: 12330", "3: 77777", StringComparison.Ordinal);
        Assert.NotEqual(text, edited);
        File.WriteAllText(file, edited);
        TestRunResult failed = await Replay(port);
        TestSetResult failedSet = Assert.Single(failed.Sets);
        Assert.Equal(2, failedSet.Passed);
        TestCaseResult bad = failedSet.Tests.Single(t => t.Status == TestStatus.Failed);
        Assert.Equal(recorded.Name, bad.TestCase.Name);
        Assert.Contains("body[2]", bad.FailureMessage!, StringComparison.Ordinal);
        Assert.Contains("3: 77777", bad.FailureMessage!, StringComparison.Ordinal);
        Assert.Contains("3: 12330", bad.FailureMessage!, StringComparison.Ordinal);
    }

    private async Task<TestRunResult> Replay(int port)
    {
        ReplayRunner runner = new(new ReplayOptions
        {
            Path = _dir,
            AppCommand = QuotesSample.Command(port),
            WorkingDirectory = _dir,
            ProxyPort = 0,
            Delay = Bound,
            ApiTimeout = TimeSpan.FromSeconds(30),
        });
        return await runner.RunAsync(null, null, CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(3));
    }

    private static async Task WaitForPortAsync(int port, Task running)
    {
        DateTime until = DateTime.UtcNow + Bound;
        while (true)
        {
            if (running.IsCompleted)
            {
                await running;
                throw new InvalidOperationException("recording stopped before the app listened");
            }

            try
            {
                using TcpClient probe = new();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < until)
            {
                await Task.Delay(100);
            }
        }
    }
}
