using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Grpc;
using Keploy.Core.Storage;

namespace Keploy.Core.Tests.Grpc;

/// <summary>
/// The samples/Quotes gRPC service (built with this test project) and test-sets in Keploy's gRPC shape for it: the messages are
/// written as protoscope text from the sample's fixed prices, as Keploy records them.
/// </summary>
internal static class QuotesSample
{
    /// <summary>samples/Quotes/bin/Release/net10.0/Quotes.dll.</summary>
    public static string Dll => Path.Combine(TestPaths.RepoRoot, "samples", "Quotes", "bin", "Release", "net10.0", "Quotes.dll");

    /// <summary>The shell command that runs the sample on <paramref name="port"/>.</summary>
    public static string Command(int port) => $"exec dotnet {Dll} --urls http://127.0.0.1:{port}";

    /// <summary>Starts the sample on a free port and waits until it accepts connections.</summary>
    public static (Process Process, int Port) Start()
    {
        Assert.True(File.Exists(Dll), $"{Dll} missing: build tests/Keploy.Core.Tests (it builds samples/Quotes)");
        int port = TestPorts.Free();
        ProcessStartInfo psi = new("dotnet", $"{Dll} --urls http://127.0.0.1:{port}") { RedirectStandardOutput = true, RedirectStandardError = true };
        Process process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        DateTime until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using TcpClient probe = new();
                probe.Connect(IPAddress.Loopback, port);
                return (process, port);
            }
            catch (SocketException) when (DateTime.UtcNow < until && !process.HasExited)
            {
                Thread.Sleep(100);
            }
        }
    }

    /// <summary>Stops a started sample.</summary>
    public static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }

        process.Dispose();
    }

    /// <summary>Quote text of the sample's price of <paramref name="symbol"/> at <paramref name="tick"/> (0 and 0.0 are left out, as proto3 does).</summary>
    public static string Quote(string symbol, string name, long cents, int tick = 0, string? change = null) =>
        $"1: {{\"{symbol}\"}}\n2: {{\"{name}\"}}\n3: {cents}\n" + (tick == 0 ? "" : $"4: {tick}\n") + (change is null ? "" : $"5: {change}\n");

    /// <summary>A gRPC test case for a call to <paramref name="method"/> recorded against <c>127.0.0.1:<paramref name="port"/></c>.</summary>
    public static TestCase Call(string name, int port, string method, string request, IEnumerable<string> responses, string status = "0", string? message = null)
    {
        DateTimeOffset at = DateTimeOffset.UtcNow;
        GrpcRequestRecord req = new()
        {
            Headers = new GrpcHeaders
            {
                PseudoHeaders = { [":authority"] = $"127.0.0.1:{port}", [":method"] = "POST", [":path"] = "/quotes.Quotes/" + method, [":scheme"] = "http" },
                OrdinaryHeaders = { ["content-type"] = "application/grpc", ["te"] = "trailers", ["grpc-accept-encoding"] = "identity,gzip" },
            },
            Body = Message(request),
            Timestamp = at,
        };
        List<GrpcMessage> messages = responses.Select(Message).ToList();
        GrpcResponseRecord resp = new()
        {
            Headers = new GrpcHeaders { PseudoHeaders = { [":status"] = "200" }, OrdinaryHeaders = { ["content-type"] = "application/grpc" } },
            Body = messages.Count > 0 ? messages[0] : new GrpcMessage(),
            Messages = messages.Count > 1 ? messages : new List<GrpcMessage>(),
            Trailers = new GrpcHeaders { OrdinaryHeaders = { ["grpc-status"] = status } },
            Timestamp = at.AddMilliseconds(5),
        };
        if (message is not null)
        {
            resp.Trailers.OrdinaryHeaders["grpc-message"] = message;
        }

        return GrpcSpec.CreateTestCase(name, req, resp, created: at.ToUnixTimeSeconds());
    }

    /// <summary>Writes <paramref name="tests"/> as <c>keploy/test-set-0/tests/*.yaml</c> under <paramref name="root"/>.</summary>
    public static void WriteTestSet(string root, params TestCase[] tests)
    {
        string dir = Path.Combine(root, "keploy", "test-set-0", "tests");
        Directory.CreateDirectory(dir);
        foreach (TestCase test in tests)
        {
            File.WriteAllText(Path.Combine(dir, test.Name + ".yaml"), KeployYaml.FormatTestCase(test));
        }
    }

    private static GrpcMessage Message(string text) => GrpcMessage.From(false, ProtoscopeText.Parse(text), null);
}
