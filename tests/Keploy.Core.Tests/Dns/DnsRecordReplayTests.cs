using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Keploy.Core.Capture;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Dns;
using Keploy.Core.Proxy;
using Keploy.Core.Replay;
using Keploy.Core.Tests.Postgres;
using static Keploy.Core.Tests.Capture.CaptureTestSupport;

namespace Keploy.Core.Tests.Dns;

/// <summary>
/// A process in the capture cgroup asks "the resolver at 127.0.0.1:53" (nothing listens there): the eBPF sendmsg/connect programs
/// send its UDP queries to the tool's DNS server, which records dnsmasq's answers as DNS mocks; with dnsmasq stopped the same
/// queries are answered from the mocks, and the answers' source is still 127.0.0.1:53 (recvmsg programs).
/// </summary>
[Trait("Category", "Ebpf")]
[Collection("Ebpf")]
public sealed class DnsRecordReplayTests
{
    private const string Client = """
        import socket, struct, sys
        def query(name, qid):
            labels = b''.join(bytes([len(l)]) + l.encode() for l in name.split('.') if l)
            return struct.pack('>HHHHHH', qid, 0x0100, 1, 0, 0, 0) + labels + b'\0' + struct.pack('>HH', 1, 1)
        server = sys.argv[1]
        for i, arg in enumerate(sys.argv[2:]):
            how, name = arg.split(':')
            if how == 'tcp':
                s = socket.create_connection((server, 53), timeout=10)
                m = query(name, 100 + i)
                s.sendall(struct.pack('>H', len(m)) + m)
                n = struct.unpack('>H', s.recv(2))[0]
                d = b''
                while len(d) < n:
                    d += s.recv(n - len(d))
                a = s.getpeername()
            else:
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.settimeout(10)
                if how == 'connected':
                    s.connect((server, 53))
                    s.send(query(name, 100 + i))
                else:
                    s.sendto(query(name, 100 + i), (server, 53))
                d, a = s.recvfrom(4096)
            qid, flags, qd, an = struct.unpack('>HHHH', d[:8])
            ip = socket.inet_ntoa(d[-4:]) if an else '-'
            print('%s id=%d rcode=%d ip=%s from=%s:%d' % (name, qid, flags & 15, ip, a[0], a[1]), flush=True)
        """;

    [Fact]
    public async Task DnsQuery_RecordedThroughEbpf_IsAnsweredFromTheMock_WithNoResolverRunning()
    {
        string dir = Directory.CreateTempSubdirectory("keploy-dns-").FullName;
        try
        {
            string script = Path.Combine(dir, "dns_client.py");
            File.WriteAllText(script, Client);
            string[] asks = ["127.0.0.1", "sendto:svc.test", "connected:api.svc.test"];
            MemoryRecorder recorder = new();
            string recorded;
            using (DnsmasqServer dnsmasq = new())
            {
                IPEndPoint upstream = dnsmasq.EndPoint;
                recorded = await RunAsync(CaptureMode.Record, new DnsServerOptions { Mode = ProxyMode.Record, Recorder = recorder, Upstream = _ => upstream }, script, asks);
            }

            Assert.Contains("svc.test id=100 rcode=0 ip=127.0.0.9 from=127.0.0.1:53", recorded, StringComparison.Ordinal);
            Assert.Contains("api.svc.test id=101 rcode=0 ip=127.0.0.9 from=127.0.0.1:53", recorded, StringComparison.Ordinal);
            List<Mock> mocks = recorder.Mocks.ToList();
            Assert.Equal(2, mocks.Count);
            Assert.All(mocks, m => Assert.Equal(MockLifetime.Session, m.Lifetime));
            DnsMockSpec svc = DnsMockSpec.FromMock(mocks.Single(m => DnsMockSpec.FromMock(m).Name == "svc.test."));
            Assert.Equal((DnsTypes.A, (ushort)1, 0), (svc.Type, svc.Class, svc.ResponseCode));
            Assert.Equal("svc.test.\t0\tIN\tA\t127.0.0.9", DnsRecordText.Format(Assert.Single(svc.Answers)));

            // Replay: dnsmasq is gone; an unrecorded name is SERVFAIL and a reported miss.
            MockPool pool = new(mocks, null);
            string replayed = await RunAsync(CaptureMode.Test, new DnsServerOptions { Mode = ProxyMode.Test, Mocks = pool }, script, [.. asks, "sendto:nope.test"]);
            Assert.Contains("svc.test id=100 rcode=0 ip=127.0.0.9 from=127.0.0.1:53", replayed, StringComparison.Ordinal);
            Assert.Contains("api.svc.test id=101 rcode=0 ip=127.0.0.9 from=127.0.0.1:53", replayed, StringComparison.Ordinal);
            Assert.Contains("nope.test id=102 rcode=2 ip=- from=127.0.0.1:53", replayed, StringComparison.Ordinal);
            MockMiss miss = Assert.Single(pool.TakeEvents(), e => e.Miss is not null).Miss!;
            Assert.Equal("DNS", miss.Kind);
            Assert.Contains("nope.test. A IN", miss.Summary, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task DnsOverTcp_ThroughTheConnectHook_IsRecordedAndAnsweredFromTheMock()
    {
        string dir = Directory.CreateTempSubdirectory("keploy-dns-").FullName;
        try
        {
            string script = Path.Combine(dir, "dns_client.py");
            File.WriteAllText(script, Client);
            MemoryRecorder recorder = new();
            string recorded;
            string server;
            using (DnsmasqServer dnsmasq = DnsmasqServer.OnPort53())
            {
                // TCP DNS reaches the proxy through the connect hook and the proxy dials the real destination, so here dnsmasq
                // really is at <random 127.53.x.y>:53.
                server = dnsmasq.EndPoint.Address.ToString();
                recorded = await RunAsync(CaptureMode.Record, new DnsServerOptions { Mode = ProxyMode.Record, Recorder = recorder }, script, [server, "tcp:svc.test"],
                    new ProxyServerOptions { Mode = ProxyMode.Record, Recorder = recorder });
            }

            Assert.Contains($"svc.test id=100 rcode=0 ip=127.0.0.9 from={server}:53", recorded, StringComparison.Ordinal);
            Mock mock = Assert.Single(recorder.Mocks);
            Assert.Equal("DNS", mock.Kind);

            MockPool pool = new([mock], null);
            string replayed = await RunAsync(CaptureMode.Test, new DnsServerOptions { Mode = ProxyMode.Test, Mocks = pool }, script, [server, "tcp:svc.test", "tcp:nope.test"],
                new ProxyServerOptions { Mode = ProxyMode.Test, Mocks = pool });
            Assert.Contains($"svc.test id=100 rcode=0 ip=127.0.0.9 from={server}:53", replayed, StringComparison.Ordinal);
            Assert.Contains($"nope.test id=101 rcode=2 ip=- from={server}:53", replayed, StringComparison.Ordinal);
            Assert.Single(pool.TakeEvents(), e => e.Miss is not null);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<string> RunAsync(CaptureMode mode, DnsServerOptions options, string script, string[] asks, ProxyServerOptions? proxyOptions = null)
    {
        ConcurrentQueue<string> log = new();
        options.Port = 0;
        options.Addresses = [IPAddress.Loopback];
        options.Debug = log.Enqueue;
        await using DnsServer dns = new(options, log.Enqueue);
        dns.Start();
        Capture.LateCaptureResolver resolver = new();
        if (proxyOptions is not null)
        {
            proxyOptions.Port = 0;
            proxyOptions.Addresses = [IPAddress.Loopback];
        }

        await using ProxyServer? proxy = proxyOptions is null ? null : new ProxyServer(proxyOptions, ProtocolRegistry.All(), resolver, log.Enqueue);
        proxy?.Start();

        using EbpfCapture capture = EbpfCapture.Start(new CaptureOptions { Mode = mode, ProxyPort = proxy?.Port ?? TestPorts.Free(), DnsPort = dns.Port });
        resolver.Capture = capture;
        var (app, lines) = Run(capture, $"python3 {script} {string.Join(' ', asks)}");
        var (code, output) = await FinishAsync(app, lines);
        Assert.True(code == 0, output + "\n" + string.Join("\n", log));
        return output;
    }
}
