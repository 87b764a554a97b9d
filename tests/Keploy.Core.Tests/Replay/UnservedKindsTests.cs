using System.Net;
using System.Net.Sockets;
using Keploy.Core.Replay;

namespace Keploy.Core.Tests.Replay;

/// <summary>Recorded kinds this version cannot serve are listed once for the whole run, with their counts per test-set.</summary>
public sealed class UnservedKindsTests
{
    private sealed class Collector : IReplayObserver
    {
        public List<string> Warnings { get; } = new();

        public void Warning(string line)
        {
            lock (Warnings)
            {
                Warnings.Add(line);
            }
        }
    }

    [Fact]
    public async Task Unserved_kinds_of_every_set_are_listed_once_at_the_start()
    {
        string root = Path.Combine(Path.GetTempPath(), "keploy-unserved-" + Guid.NewGuid().ToString("N"));
        string source = Path.Combine(TestPaths.Fixtures, "samples-go", "aerospike-tls", "keploy", "test-set-0");
        try
        {
            foreach (string set in new[] { "test-set-0", "test-set-1" })
            {
                string dir = Path.Combine(root, "keploy", set);
                Directory.CreateDirectory(Path.Combine(dir, "tests"));
                File.Copy(Path.Combine(source, "mocks.yaml"), Path.Combine(dir, "mocks.yaml"));
                File.Copy(Path.Combine(source, "tests", "get-health-1.yaml"), Path.Combine(dir, "tests", "get-health-1.yaml"));
            }

            // Nothing listens on the port the requests go to: the tests fail fast; only the warnings matter here.
            using Socket probe = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            int closedPort = ((IPEndPoint)probe.LocalEndPoint!).Port;
            ReplayRunner runner = new(new ReplayOptions { Path = root, UseEbpf = false, Host = "127.0.0.1", Port = closedPort, ApiTimeout = TimeSpan.FromSeconds(30) });
            Collector observer = new();
            TestRunResult run = await runner.RunAsync(null, observer, CancellationToken.None);

            Assert.Equal(2, run.Sets.Count);
            string line = Assert.Single(observer.Warnings, w => w.Contains("cannot serve", StringComparison.Ordinal));
            Assert.Contains("Aerospike (114 in test-set-0, 114 in test-set-1)", line);
            Assert.Contains("it serves DNS, Generic, Http, MySQL, Postgres, PostgresV2, Redis, gRPC", line);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
