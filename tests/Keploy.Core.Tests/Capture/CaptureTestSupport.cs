using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Keploy.Core.Capture;

namespace Keploy.Core.Tests.Capture;

/// <summary>Shared helpers for the eBPF capture tests: free loopback ports, running a command in a capture's cgroup, bpftool, paths.</summary>
internal static class CaptureTestSupport
{
    internal static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>A started listener on a port the OS chose.</summary>
    internal static TcpListener Listen(IPAddress address)
    {
        var listener = new TcpListener(address, 0);
        listener.Start();
        return listener;
    }

    internal static int PortOf(TcpListener listener) => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Starts <paramref name="command"/> in the capture's cgroup and collects its output lines.</summary>
    internal static (AppProcess App, List<string> Lines) Run(EbpfCapture capture, string command)
    {
        var lines = new List<string>();
        AppProcess app = capture.StartApp(command, Path.GetTempPath(), null, line =>
        {
            lock (lines)
            {
                lines.Add(line);
            }
        });
        return (app, lines);
    }

    /// <summary>Waits (bounded) for the app to exit and returns its exit code and output.</summary>
    internal static async Task<(int ExitCode, string Output)> FinishAsync(AppProcess app, List<string> lines)
    {
        int code = await app.Exited.WaitAsync(Bound);
        lock (lines)
        {
            return (code, string.Join("\n", lines));
        }
    }

    /// <summary>Accepts one connection within <see cref="Bound"/>.</summary>
    internal static async Task<TcpClient> AcceptAsync(TcpListener listener)
    {
        using var cts = new CancellationTokenSource(Bound);
        return await listener.AcceptTcpClientAsync(cts.Token);
    }

    /// <summary>Python one-liner: connect to host:port, print "peer=&lt;host&gt;,&lt;port&gt;", then wait for the other side to close.</summary>
    internal static string PythonConnect(string host, int port, bool ipv6 = false) =>
        $"python3 -c \"import socket; s=socket.socket(socket.{(ipv6 ? "AF_INET6" : "AF_INET")}); s.settimeout(20); " +
        $"s.connect(('{host}', {port})); p=s.getpeername(); print('peer=%s,%d' % (p[0], p[1]), flush=True); s.recv(1)\"";

    internal static string Bpftool(params string[] args)
    {
        var psi = new ProcessStartInfo("bpftool") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return output;
    }

    /// <summary>The built Keploy.CaptureProbe apphost, beside this test assembly's configuration (bin/&lt;Configuration&gt;/&lt;tfm&gt;/).</summary>
    internal static string ProbePath()
    {
        var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string tfm = baseDir.Name;
        string configuration = baseDir.Parent!.Name;
        return Path.Combine(TestPaths.RepoRoot, "tests", "Keploy.CaptureProbe", "bin", configuration, tfm, "Keploy.CaptureProbe");
    }
}
