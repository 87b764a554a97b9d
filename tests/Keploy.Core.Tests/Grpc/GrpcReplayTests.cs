using System.Diagnostics;
using Keploy.Core.Models;
using Keploy.Core.Replay;
using Keploy.Core.Storage;

namespace Keploy.Core.Tests.Grpc;

/// <summary>
/// gRPC test cases replayed against the real samples/Quotes service (Grpc.AspNetCore on Kestrel, h2c) by the real runner: a unary
/// call, a server-streaming call with every message compared in order, a NOT_FOUND status, and a changed expectation that fails with a
/// readable diff.
/// </summary>
public sealed class GrpcReplayTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keploy-grpc-replay-").FullName;

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

    internal static TestCase[] Calls(int port) =>
    [
        QuotesSample.Call("test-1", port, "GetQuote", "1: {\"ACME\"}\n", [QuotesSample.Quote("ACME", "Acme Corporation", 12345)]),
        QuotesSample.Call("test-2", port, "StreamQuotes", "1: {\"ACME\"}\n1: {\"GLOBX\"}\n2: 2\n",
        [
            QuotesSample.Quote("ACME", "Acme Corporation", 12345),
            QuotesSample.Quote("GLOBX", "Globex", 9870),
            QuotesSample.Quote("ACME", "Acme Corporation", 12330, 1, "-0.1215"),
            QuotesSample.Quote("GLOBX", "Globex", 9855, 1, "-0.152"),
        ]),
        QuotesSample.Call("test-3", port, "GetQuote", "1: {\"NOPE\"}\n", [], status: "5", message: "unknown symbol 'NOPE'"),
    ];

    [Fact]
    public async Task UnaryStreamingAndErrorCalls_ReplayPassing_AndTheReportHasGrpcRes()
    {
        (Process app, int port) = QuotesSample.Start();
        try
        {
            QuotesSample.WriteTestSet(_dir, Calls(1));
            TestRunResult run = await Runner(port).RunAsync(null, null, CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2));
            TestSetResult set = Assert.Single(run.Sets);
            Assert.True(run.Passed, string.Join("\n", set.Tests.Select(t => $"{t.TestCase.Name}: {t.Status} {t.FailureMessage}")) + set.Error);
            Assert.Equal(3, set.Passed);

            // The streaming call's four messages came back in order, as the app sent them.
            TestCaseResult streaming = set.Tests.Single(t => t.TestCase.Name == "test-2");
            string actual = KeployYamlWriter.ToText(streaming.ActualResponse!, KeployYaml.TestIndent);
            Assert.Equal(4, System.Text.RegularExpressions.Regex.Matches(actual, "decoded_data").Count - 1);
            Assert.True(actual.IndexOf("3: 12330", StringComparison.Ordinal) < actual.IndexOf("3: 9855", StringComparison.Ordinal));

            string report = File.ReadAllText(Path.Combine(run.ReportDirectory, "test-set-0-report.yaml"));
            Assert.Contains("kind: gRPC", report, StringComparison.Ordinal);
            Assert.Contains("grpcReq:", report, StringComparison.Ordinal);
            Assert.Contains("grpcRes:", report, StringComparison.Ordinal);
            Assert.Contains("unknown symbol 'NOPE'", report, StringComparison.Ordinal);
        }
        finally
        {
            QuotesSample.Stop(app);
        }
    }

    [Fact]
    public async Task ChangedExpectation_FailsThatTest_WithADiffNamingTheMessageAndTheValues()
    {
        (Process app, int port) = QuotesSample.Start();
        try
        {
            TestCase[] calls = Calls(1);
            TestCase changed = QuotesSample.Call("test-2", 1, "StreamQuotes", "1: {\"ACME\"}\n1: {\"GLOBX\"}\n2: 2\n",
            [
                QuotesSample.Quote("ACME", "Acme Corporation", 12345),
                QuotesSample.Quote("GLOBX", "Globex", 9870),
                QuotesSample.Quote("ACME", "Acme Corporation", 99999, 1, "-0.1215"),
                QuotesSample.Quote("GLOBX", "Globex", 9855, 1, "-0.152"),
            ]);
            TestCase wrongStatus = QuotesSample.Call("test-3", 1, "GetQuote", "1: {\"NOPE\"}\n", [], status: "0");
            QuotesSample.WriteTestSet(_dir, calls[0], changed, wrongStatus);
            TestRunResult run = await Runner(port).RunAsync(null, null, CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2));
            TestSetResult set = Assert.Single(run.Sets);
            Assert.Equal(TestSetStatus.Failed, set.Status);
            Assert.Equal(TestStatus.Passed, set.Tests[0].Status);

            TestCaseResult stream = set.Tests[1];
            Assert.Equal(TestStatus.Failed, stream.Status);
            string diff = stream.FailureMessage!;
            Assert.Contains("body[2]", diff, StringComparison.Ordinal);
            Assert.Contains("3: 99999", diff, StringComparison.Ordinal);
            Assert.Contains("3: 12330", diff, StringComparison.Ordinal);
            Assert.DoesNotContain("body[0]", diff, StringComparison.Ordinal);

            TestCaseResult status = set.Tests[2];
            Assert.Equal(TestStatus.Failed, status.Status);
            Assert.Contains("grpc-status", status.FailureMessage!, StringComparison.Ordinal);
            Assert.Contains("5", status.FailureMessage!, StringComparison.Ordinal);
        }
        finally
        {
            QuotesSample.Stop(app);
        }
    }

    private ReplayRunner Runner(int port) => new(new ReplayOptions
    {
        Path = _dir,
        UseEbpf = false,
        Port = port,
        ApiTimeout = TimeSpan.FromSeconds(30),
    });
}

/// <summary>The runner starts the gRPC service itself inside the eBPF capture, as <c>dotnet keploy test -c</c> does.</summary>
[Trait("Category", "Ebpf")]
[Collection("Ebpf")]
public sealed class GrpcReplayEbpfTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keploy-grpc-replay-ebpf-").FullName;

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
    public async Task RunnerStartsTheGrpcServiceInTheCapture_AndEveryCallPasses()
    {
        int port = TestPorts.Free();
        QuotesSample.WriteTestSet(_dir, GrpcReplayTests.Calls(port));
        ReplayRunner runner = new(new ReplayOptions
        {
            Path = _dir,
            AppCommand = QuotesSample.Command(port),
            ProxyPort = 0,
            Delay = TimeSpan.FromSeconds(60),
            ApiTimeout = TimeSpan.FromSeconds(30),
        });
        TestRunResult run = await runner.RunAsync(null, null, CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(3));
        TestSetResult set = Assert.Single(run.Sets);
        Assert.True(run.Passed, string.Join("\n", set.Tests.Select(t => $"{t.TestCase.Name}: {t.Status} {t.FailureMessage}")) + set.Error);
        Assert.Equal(3, set.Passed);
    }
}
