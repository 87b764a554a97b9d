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

    public DnsmasqServer()
    {
        _dir = Directory.CreateTempSubdirectory("keploy-dnsmasq-").FullName;
        for (int attempt = 0; ; attempt++)
        {
            Port = FreeUdpPort();
            ProcessStartInfo psi = new("dnsmasq") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (string a in new[]
            {
                "-k", "--no-resolv", "--no-hosts", "--conf-file=/dev/null", "--address=/svc.test/127.0.0.9", $"--port={Port}",
                "--listen-address=127.0.0.1", "--bind-interfaces", $"--pid-file={Path.Combine(_dir, "dnsmasq.pid")}", "--user=root", "--log-facility=-",
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
                throw new InvalidOperationException("dnsmasq did not answer on a free port after 5 attempts");
            }
        }
    }

    public int Port { get; private set; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

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
