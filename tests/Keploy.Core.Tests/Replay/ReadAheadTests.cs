using System.Net;
using System.Net.Sockets;
using System.Text;
using Keploy.Core.Models;
using Keploy.Core.Replay;

namespace Keploy.Core.Tests.Replay;

/// <summary>
/// The second pass reads test cases ahead of the one being sent, on a thread of its own: every case is sent in file order, and a
/// read error there ends the run with that error after the cases read before it, instead of hanging the loop.
/// </summary>
public sealed class ReadAheadTests
{
    [Fact]
    public async Task Every_case_is_sent_once_in_file_order_and_passes()
    {
        await using OkServer server = new();
        string root = WriteSet(300, server.Port);
        try
        {
            ReplayRunner runner = Runner(root, server.Port);
            TestSetResult result = await runner.RunTestSetAsync("test-set-0", null, null, CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2));

            Assert.Equal(TestSetStatus.Passed, result.Status);
            Assert.Equal(300, result.Passed);
            Assert.Equal(Enumerable.Range(1, 300).Select(i => "/items/" + i), server.Paths());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task A_read_error_ahead_of_the_loop_ends_the_run_with_it_after_the_cases_before_it()
    {
        await using OkServer server = new();
        string root = WriteSet(200, server.Port);
        try
        {
            // The selector is called once per case in each pass; in the second pass it fails on test-120 (as a file that turned
            // malformed between the passes would).
            int calls = 0;
            bool Include(TestCase test) =>
                Interlocked.Increment(ref calls) > 200 && test.Name == "test-120" ? throw new InvalidOperationException("read failed at test-120") : true;

            ReplayRunner runner = Runner(root, server.Port);
            InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(
                () => runner.RunTestSetAsync("test-set-0", Include, null, CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2)));

            Assert.Equal("read failed at test-120", error.Message);
            Assert.Equal(Enumerable.Range(1, 119).Select(i => "/items/" + i), server.Paths());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static ReplayRunner Runner(string root, int port) =>
        new(new ReplayOptions { Path = root, UseEbpf = false, Host = "127.0.0.1", Port = port, ApiTimeout = TimeSpan.FromSeconds(30) });

    private static string WriteSet(int count, int port)
    {
        string root = Path.Combine(Path.GetTempPath(), "keploy-read-ahead-" + Guid.NewGuid().ToString("N"));
        string tests = Path.Combine(root, "keploy", "test-set-0", "tests");
        Directory.CreateDirectory(tests);
        for (int i = 1; i <= count; i++)
        {
            File.WriteAllText(Path.Combine(tests, $"test-{i}.yaml"), $$"""
                version: api.keploy.io/v1beta1
                kind: Http
                name: test-{{i}}
                spec:
                  metadata: {}
                  req:
                    method: GET
                    proto_major: 1
                    proto_minor: 1
                    url: http://127.0.0.1:{{port}}/items/{{i}}
                    header:
                      Host: 127.0.0.1:{{port}}
                    body: ""
                    timestamp: 2026-01-01T00:00:00.000000000Z
                  resp:
                    status_code: 200
                    header:
                      Content-Type: text/plain
                    body: ok
                    status_message: OK
                    proto_major: 0
                    proto_minor: 0
                    timestamp: 2026-01-01T00:00:00.100000000Z
                  objects: []
                  assertions:
                    noise: {}
                  created: 1767225600

                """);
        }

        return root;
    }

    /// <summary>Answers every request on every connection with <c>200 ok</c> (keep-alive) and keeps the request paths in order.</summary>
    private sealed class OkServer : IAsyncDisposable
    {
        private static readonly byte[] Answer = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok");
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly List<string> _paths = new();
        private readonly Task _accepting;

        public OkServer()
        {
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _accepting = AcceptAsync();
        }

        public int Port { get; }

        public List<string> Paths()
        {
            lock (_paths)
            {
                return _paths.ToList();
            }
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Stop();
            await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            List<Task> connections = new();
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    connections.Add(ServeAsync(await _listener.AcceptTcpClientAsync(_stop.Token)));
                }
            }
            finally
            {
                await Task.WhenAll(connections).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using TcpClient _ = client;
            NetworkStream stream = client.GetStream();
            byte[] buffer = new byte[8192];
            StringBuilder pending = new();
            while (true)
            {
                int n = await stream.ReadAsync(buffer, _stop.Token);
                if (n == 0)
                {
                    return;
                }

                pending.Append(Encoding.ASCII.GetString(buffer, 0, n));
                int end;
                while ((end = pending.ToString().IndexOf("\r\n\r\n", StringComparison.Ordinal)) >= 0)
                {
                    string head = pending.ToString(0, end);
                    pending.Remove(0, end + 4);
                    lock (_paths)
                    {
                        _paths.Add(head.Split(' ')[1]);
                    }

                    await stream.WriteAsync(Answer, _stop.Token);
                }
            }
        }
    }
}
