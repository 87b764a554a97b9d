using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Keploy.Core.Tests.Dns;

/// <summary>
/// Debian's dnsmasq on 127.0.0.1 and a free UDP port, no system configuration, answering <c>svc.test</c> and its subdomains with
/// 127.0.0.9 (<c>--address=/svc.test/127.0.0.9</c>) and nothing else (<c>--no-resolv</c>). Started in the foreground (<c>-k</c>) and
/// stopped by <see cref="Dispose"/>.
/// </summary>
internal sealed class DnsmasqServer : IDisposable
{
    private readonly Process _process;
    private readonly string _dir;

    private DnsmasqServer(bool port53)
    {
        _dir = Directory.CreateTempSubdirectory("keploy-dnsmasq-").FullName;
        for (int attempt = 0; ; attempt++)
        {
            Address = port53 ? new IPAddress([127, 53, (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(1, 255)]) : IPAddress.Loopback;
            Port = port53 ? 53 : FreeUdpPort();
            ProcessStartInfo psi = new("dnsmasq") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (string a in new[]
            {
                "-k", "--no-resolv", "--no-hosts", "--conf-file=/dev/null", "--address=/svc.test/127.0.0.9", $"--port={Port}",
                $"--listen-address={Address}", "--bind-interfaces", $"--pid-file={Path.Combine(_dir, "dnsmasq.pid")}", "--user=root", "--log-facility=-",
            })
            {
                psi.ArgumentList.Add(a);
            }

            _process = Process.Start(psi)!;
            _process.OutputDataReceived += (_, _) => { };
            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            if (WaitReady())
            {
                return;
            }

            Stop();
            if (attempt == 4)
            {
                throw new InvalidOperationException($"dnsmasq did not answer on a free {(port53 ? "address" : "port")} after 5 attempts");
            }
        }
    }

    public DnsmasqServer()
        : this(port53: false)
    {
    }

    public int Port { get; private set; }

    public IPAddress Address { get; private set; } = IPAddress.Loopback;

    public IPEndPoint EndPoint => new(Address, Port);

    /// <summary>On port 53 of a random 127.53.x.y address (UDP and TCP), for traffic the proxy relays to its real destination;
    /// another run's instance would be on another address.</summary>
    public static DnsmasqServer OnPort53() => new(port53: true);

    public bool HasExited => _process.HasExited;

    public void Dispose()
    {
        Stop();
        Directory.Delete(_dir, recursive: true);
    }

    private void Stop()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }
    }

    private bool WaitReady()
    {
        byte[] query = [0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, (byte)'s', (byte)'v', (byte)'c', 4, (byte)'t', (byte)'e', (byte)'s', (byte)'t', 0, 0, 1, 0, 1];
        Stopwatch clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(20) && !_process.HasExited)
        {
            using UdpClient client = new(AddressFamily.InterNetwork);
            client.Client.ReceiveTimeout = 500;
            try
            {
                client.Send(query, query.Length, EndPoint);
                IPEndPoint? from = null;
                if (client.Receive(ref from).Length > 12)
                {
                    return true;
                }
            }
            catch (SocketException)
            {
                Thread.Sleep(100);
            }
        }

        return false;
    }

    private static int FreeUdpPort()
    {
        using Socket s = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }
}
