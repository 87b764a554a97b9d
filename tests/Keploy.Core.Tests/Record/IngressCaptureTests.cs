using System.Net.Http.Headers;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Proxy;
using Keploy.Core.Record;
using Keploy.Core.Storage;
using static Keploy.Core.Tests.Capture.CaptureTestSupport;

namespace Keploy.Core.Tests.Record;

/// <summary>
/// Record mode's ingress by syscall capture, on the real kernel: a python server answering on its own port (nothing in front of
/// it) with each of the syscalls the capture copies (recvfrom, write, sendto, sendmsg with many iovecs), keep-alive, and a
/// client on one connection. Every exchange becomes a test case with the bytes the app really sent.
/// </summary>
[Collection("Ebpf")]
public sealed class IngressCaptureTests
{
    // HTTP/1.1 keep-alive server: /echo answers the body reversed with write(2), /chunked a chunked body with one sendmsg(2) of four
    // iovecs, /big 300,000 bytes with one sendmsg(2) of 81 iovecs (the rest, if the kernel took less, with send(2)), else 404 by send(2).
    private const string Server = """
        import os, socket, sys
        port = int(sys.argv[1])
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
        s.listen(16)
        big = bytes((i * 7) % 251 for i in range(300000))
        while True:
            c, _ = s.accept()
            buf = b""
            while True:
                while b"\r\n\r\n" not in buf:
                    d = c.recv(65536)
                    if not d:
                        break
                    buf += d
                if b"\r\n\r\n" not in buf:
                    break
                head, buf = buf.split(b"\r\n\r\n", 1)
                lines = head.decode().split("\r\n")
                method, path, _ = lines[0].split(" ")
                length = 0
                for l in lines[1:]:
                    k, v = l.split(":", 1)
                    if k.lower() == "content-length":
                        length = int(v)
                while len(buf) < length:
                    buf += c.recv(65536)
                body, buf = buf[:length], buf[length:]
                if path == "/echo":
                    os.write(c.fileno(), b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body[::-1])
                elif path == "/chunked":
                    c.sendmsg([b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", b"5\r\nhello\r\n", b"6\r\n world\r\n", b"0\r\n\r\n"])
                elif path == "/big":
                    pieces = [b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n" % len(big)]
                    pieces += [big[i:i + 3750] for i in range(0, len(big), 3750)]
                    n = c.sendmsg(pieces)
                    rest = b"".join(pieces)[n:]
                    if rest:
                        c.sendall(rest)
                else:
                    c.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
            c.close()
        """;

    [Fact]
    [Trait("Category", "Ebpf")]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task RecordSession_CapturesTheAppsOwnSyscalls_AsTestCases()
    {
        string dir = Path.Combine(Path.GetTempPath(), "keploy-ingress-capture-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "server.py"), Server);
            int appPort = TestPorts.Free();
            RecordOptions options = new()
            {
                Path = dir,
                AppCommand = $"exec /usr/bin/python3 -u server.py {appPort}",
                WorkingDirectory = dir,
                ProxyPort = TestPorts.Free(),
                DnsPort = 0,
                StopGrace = TimeSpan.FromSeconds(5),
            };
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
            byte[] big;
            string echo, chunked;
            DateTimeOffset sent;
            try
            {
                using SocketsHttpHandler handler = new() { MaxConnectionsPerServer = 1 };
                using HttpClient http = new(handler) { BaseAddress = new Uri($"http://127.0.0.1:{appPort}"), Timeout = TimeSpan.FromSeconds(20) };
                await WaitForAsync(http, run);
                sent = DateTimeOffset.UtcNow;
                using StringContent content = new("0123456789abcdef");
                content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
                echo = await (await http.PostAsync("/echo", content)).Content.ReadAsStringAsync();
                chunked = await http.GetStringAsync("/chunked");
                big = await http.GetByteArrayAsync("/big");
            }
            finally
            {
                stop.Cancel();
            }

            RecordSummary summary = await run.WaitAsync(TimeSpan.FromSeconds(60));
            string logText;
            lock (log)
            {
                logText = string.Join("\n", log);
            }

            // What the client got (the app was not disturbed) ...
            Assert.Equal("fedcba9876543210", echo);
            Assert.Equal("hello world", chunked);
            Assert.Equal(300_000, big.Length);
            Assert.Contains("recording incoming HTTP there (syscall capture", logText, StringComparison.Ordinal);

            // ... is what was recorded: the readiness probes (404) plus the three calls, each with its own body.
            List<HttpTestCaseSpec> specs = new TestSetStore(dir).ReadTestCases(summary.TestSetId).Select(HttpSpec.FromTestCase).ToList();
            Assert.True(specs.Count == summary.TestCases, logText);
            HttpTestCaseSpec echoCase = Assert.Single(specs, s => s.Request.Url.EndsWith("/echo", StringComparison.Ordinal));
            Assert.Equal("POST", echoCase.Request.Method);
            Assert.Equal("0123456789abcdef", echoCase.Request.Body.Text);
            Assert.Equal("fedcba9876543210", echoCase.Response.Body.Text);
            Assert.True(echoCase.Request.Timestamp >= sent.AddSeconds(-1) && echoCase.Request.Timestamp <= echoCase.Response.Timestamp, logText);
            Assert.True(echoCase.Response.Timestamp <= DateTimeOffset.UtcNow, logText);
            Assert.Equal("hello world", Assert.Single(specs, s => s.Request.Url.EndsWith("/chunked", StringComparison.Ordinal)).Response.Body.Text);
            HttpTestCaseSpec bigCase = Assert.Single(specs, s => s.Request.Url.EndsWith("/big", StringComparison.Ordinal));
            Assert.Equal(big, bigCase.Response.Body.Bytes);
            Assert.All(specs.Where(s => s.Request.Url.EndsWith("/ready", StringComparison.Ordinal)), s => Assert.Equal(404, s.Response.StatusCode));
            Assert.DoesNotContain("not recorded to the end", logText, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    [Trait("Category", "Ebpf")]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task RecordSession_IngressProxyOption_RecordsThroughTheForwarder()
    {
        string dir = Path.Combine(Path.GetTempPath(), "keploy-ingress-proxy-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "server.py"), Server);
            int appPort = TestPorts.Free();
            RecordOptions options = new()
            {
                Path = dir,
                AppCommand = $"exec /usr/bin/python3 -u server.py {appPort}",
                WorkingDirectory = dir,
                ProxyPort = TestPorts.Free(),
                DnsPort = 0,
                IngressCapture = false,
                StopGrace = TimeSpan.FromSeconds(5),
            };
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
            string chunked;
            try
            {
                using HttpClient http = new() { BaseAddress = new Uri($"http://127.0.0.1:{appPort}"), Timeout = TimeSpan.FromSeconds(20) };
                await WaitForAsync(http, run);
                chunked = await http.GetStringAsync("/chunked");
            }
            finally
            {
                stop.Cancel();
            }

            RecordSummary summary = await run.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal("hello world", chunked);
            lock (log)
            {
                Assert.Contains(log, l => l.Contains("app moved to port", StringComparison.Ordinal));
            }

            IEnumerable<TestCase> cases = new TestSetStore(dir).ReadTestCases(summary.TestSetId);
            Assert.Single(cases.Select(HttpSpec.FromTestCase), s => s.Request.Url.EndsWith("/chunked", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>GET /ready until the app answers (404 by design), bounded; fails when recording stopped first.</summary>
    private static async Task WaitForAsync(HttpClient http, Task running)
    {
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
                using HttpResponseMessage response = await http.GetAsync("/ready");
                return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < until)
            {
                await Task.Delay(100);
            }
        }
    }
}
