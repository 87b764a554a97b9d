using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Keploy.Core.Capture;
using static Keploy.Core.Tests.Capture.CaptureTestSupport;

namespace Keploy.Core.Tests.Capture;

/// <summary>Real-kernel tests of <see cref="EbpfCapture"/> (need root, BTF, cgroup v2, libbpf.so.1: run in CI as root).</summary>
[Trait("Category", "Ebpf")]
[Collection("Ebpf")]
public sealed class EbpfCaptureTests
{
    [Fact]
    public void Prerequisites_AreMetOnThisMachine()
    {
        Assert.Null(CapturePrerequisites.FindProblem());
    }

    [Fact]
    public async Task Connect4_InCgroup_GoesToProxy_AndOriginalDestinationIsKnown()
    {
        using TcpListener proxy = Listen(IPAddress.Loopback);
        using TcpListener target = Listen(IPAddress.Loopback);
        int targetPort = PortOf(target);
        using var capture = EbpfCapture.Start(new CaptureOptions { Mode = CaptureMode.Test, ProxyPort = PortOf(proxy) });

        var (app, lines) = Run(capture, PythonConnect("127.0.0.1", targetPort));
        using (TcpClient accepted = await AcceptAsync(proxy))
        {
            int clientPort = ((IPEndPoint)accepted.Client.RemoteEndPoint!).Port;
            Assert.True(capture.TryGetOriginalDestination(clientPort, out IPEndPoint destination));
            Assert.Equal(new IPEndPoint(IPAddress.Loopback, targetPort), destination);
            Assert.False(capture.TryGetOriginalDestination(clientPort, out _)); // read-and-delete
        }

        var (code, output) = await FinishAsync(app, lines);
        Assert.Equal(0, code);
        Assert.Contains($"peer=127.0.0.1,{targetPort}", output); // getpeername shows the original peer
        Assert.False(target.Pending());

        // The test process is outside the cgroup: not redirected.
        using var outside = new TcpClient();
        await outside.ConnectAsync(IPAddress.Loopback, targetPort);
        using TcpClient reached = await AcceptAsync(target);
        Assert.Equal(((IPEndPoint)outside.Client.LocalEndPoint!).Port, ((IPEndPoint)reached.Client.RemoteEndPoint!).Port);
        Assert.False(proxy.Pending());
    }

    [Fact]
    public async Task Connect6_InCgroup_GoesToIPv6Proxy_AndOriginalDestinationIsKnown()
    {
        using TcpListener proxy6 = Listen(IPAddress.IPv6Loopback);
        int proxyPort = PortOf(proxy6);
        using var target = new TcpListener(IPAddress.IPv6Loopback, 0);
        target.Start();
        int targetPort = PortOf(target);
        using var capture = EbpfCapture.Start(new CaptureOptions { Mode = CaptureMode.Test, ProxyPort = proxyPort });

        var (app, lines) = Run(capture, PythonConnect("::1", targetPort, ipv6: true));
        using (TcpClient accepted = await AcceptAsync(proxy6))
        {
            int clientPort = ((IPEndPoint)accepted.Client.RemoteEndPoint!).Port;
            Assert.True(capture.TryGetOriginalDestination(clientPort, out IPEndPoint destination));
            Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, targetPort), destination);
        }

        var (code, output) = await FinishAsync(app, lines);
        Assert.Equal(0, code);
        Assert.Contains($"peer=::1,{targetPort}", output);
        Assert.False(target.Pending());
    }

    [Fact]
    public async Task Connect6_V4Mapped_GoesToIPv4Proxy_AndComesBackAsIPv4()
    {
        using TcpListener proxy = Listen(IPAddress.Loopback);
        using TcpListener target = Listen(IPAddress.Loopback);
        int targetPort = PortOf(target);
        using var capture = EbpfCapture.Start(new CaptureOptions { Mode = CaptureMode.Test, ProxyPort = PortOf(proxy) });

        var (app, lines) = Run(capture, PythonConnect("::ffff:127.0.0.1", targetPort, ipv6: true));
        using (TcpClient accepted = await AcceptAsync(proxy))
        {
            int clientPort = ((IPEndPoint)accepted.Client.RemoteEndPoint!).Port;
            Assert.True(capture.TryGetOriginalDestination(clientPort, out IPEndPoint destination));
            Assert.Equal(new IPEndPoint(IPAddress.Loopback, targetPort), destination);
        }

        var (code, output) = await FinishAsync(app, lines);
        Assert.Equal(0, code);
        Assert.Contains($"peer=::ffff:127.0.0.1,{targetPort}", output);
    }

    [Fact]
    public void Start_RemovesStaleCgroupOfDeadRun()
    {
        // A run whose lock nobody holds (its owner died); the pid in the name means nothing.
        string stale = Path.Combine(CgroupV2.FindMount()!, CgroupV2.NamePrefix + "4194399-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(stale);
        using var capture = EbpfCapture.Start(new CaptureOptions { Mode = CaptureMode.Test, ProxyPort = TestPorts.Free() });
        Assert.False(Directory.Exists(stale));
        Assert.True(Directory.Exists(capture.CgroupPath));
    }

    [Fact]
    public void Start_RejectsMoreThanTenPassThroughPorts_WithOneLineMessage()
    {
        var options = new CaptureOptions { Mode = CaptureMode.Test, PassThroughPorts = Enumerable.Range(1000, 11).ToList() };
        var e = Assert.Throws<CaptureException>(() => EbpfCapture.Start(options));
        Assert.Equal("At most 10 pass-through ports are supported, got 11.", e.Message);
    }

    [Fact]
    public void LibbpfWarnings_AreCollected()
    {
        LibBpf.CaptureLibbpfLog();
        LibBpf.ClearMessages();
        IntPtr obj = LibBpf.ObjectOpenFile("/proc/self/status", IntPtr.Zero); // not an ELF file
        Assert.Equal(IntPtr.Zero, obj);
        Assert.Contains(LibBpf.RecentMessages(), line => line.StartsWith("libbpf:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RecordMode_MovesIPv6ListeningPort()
    {
        using TcpListener proxy = Listen(IPAddress.Loopback);
        int wanted = TestPorts.Free();
        using var capture = EbpfCapture.Start(new CaptureOptions { Mode = CaptureMode.Record, ProxyPort = PortOf(proxy), PassThroughPorts = [wanted + 1 > 65535 ? 1 : wanted + 1] });
        var events = new BlockingCollection<ListenPortMoved>();
        capture.ListenPortMoved += events.Add;
        var (app, lines) = Run(capture,
            $"python3 -c \"import socket; s=socket.socket(socket.AF_INET6); s.bind(('::1', {wanted})); s.listen(); print('bound=%d' % s.getsockname()[1])\"");
        var (code, output) = await FinishAsync(app, lines);
        Assert.Equal(0, code);
        Assert.True(events.TryTake(out ListenPortMoved? moved, Bound));
        Assert.Equal(AddressFamily.InterNetworkV6, moved!.Family);
        Assert.Equal(wanted, moved.OriginalPort);
        Assert.Contains($"bound={moved.NewPort}", output);
        Assert.NotEqual(wanted, moved.NewPort);
    }

    [Fact]
    public async Task RecordMode_PassThroughListeningPort_IsNotMoved()
    {
        using TcpListener proxy = Listen(IPAddress.Loopback);
        int wanted = TestPorts.Free();
        using var capture = EbpfCapture.Start(new CaptureOptions { Mode = CaptureMode.Record, ProxyPort = PortOf(proxy), PassThroughPorts = [wanted] });
        var events = new BlockingCollection<ListenPortMoved>();
        capture.ListenPortMoved += events.Add;
        var (app, lines) = Run(capture,
            $"python3 -c \"import socket; s=socket.socket(); s.bind(('127.0.0.1', {wanted})); s.listen(); print('bound=%d' % s.getsockname()[1])\"");
        var (code, output) = await FinishAsync(app, lines);
        Assert.Equal(0, code);
        Assert.Contains($"bound={wanted}", output);
        Assert.Empty(events);
    }

    [Fact]
    public async Task PassThroughPort_IsNotRedirected()
    {
        using TcpListener proxy = Listen(IPAddress.Loopback);
        using TcpListener target = Listen(IPAddress.Loopback);
        int targetPort = PortOf(target);
        using var capture = EbpfCapture.Start(new CaptureOptions
        {
            Mode = CaptureMode.Test,
            ProxyPort = PortOf(proxy),
            PassThroughPorts = [1, targetPort],
        });

        var (app, lines) = Run(capture, PythonConnect("127.0.0.1", targetPort));
        using (TcpClient reached = await AcceptAsync(target))
        {
            int clientPort = ((IPEndPoint)reached.Client.RemoteEndPoint!).Port;
            Assert.False(capture.TryGetOriginalDestination(clientPort, out _));
        }

        var (code, output) = await FinishAsync(app, lines);
        Assert.Equal(0, code);
        Assert.Contains($"peer=127.0.0.1,{targetPort}", output);
        Assert.False(proxy.Pending());
    }

    [Fact]
    public async Task RecordMode_MovesListeningPort_AndReportsIt()
    {
        using TcpListener proxy = Listen(IPAddress.Loopback);
        int wanted = TestPorts.Free();
        using var capture = EbpfCapture.Start(new CaptureOptions { Mode = CaptureMode.Record, ProxyPort = PortOf(proxy) });
        var events = new BlockingCollection<ListenPortMoved>();
        capture.ListenPortMoved += events.Add;

        string server =
            "python3 -c \"import socket; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); " +
            $"s.bind(('127.0.0.1', {wanted})); s.listen(); print('bound=%d' % s.getsockname()[1], flush=True); s.settimeout(20); " +
            "c, _ = s.accept(); c.sendall(b'pong'); c.close()\"";
        var (app, lines) = Run(capture, server);

        Assert.True(events.TryTake(out ListenPortMoved? moved, Bound));
        Assert.Equal(AddressFamily.InterNetwork, moved!.Family);
        Assert.Equal(wanted, moved.OriginalPort);
        Assert.NotEqual(wanted, moved.NewPort);
        Assert.InRange(moved.NewPort, 1, 65535);

        // The event comes from post_bind, i.e. before the app calls listen(): wait for the app to say it is listening.
        Assert.True(SpinWait.SpinUntil(() => { lock (lines) { return lines.Contains($"bound={moved.NewPort}"); } }, Bound));

        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, moved.NewPort);
            var buffer = new byte[4];
            int read = 0;
            using var cts = new CancellationTokenSource(Bound);
            while (read < 4)
            {
                int n = await client.GetStream().ReadAsync(buffer.AsMemory(read), cts.Token);
                Assert.NotEqual(0, n);
                read += n;
            }

            Assert.Equal("pong", Encoding.ASCII.GetString(buffer));
        }

        var (code, output) = await FinishAsync(app, lines);
        Assert.Equal(0, code);
        Assert.Contains($"bound={moved.NewPort}", output);
    }

    [Fact]
    public async Task TestMode_DoesNotMoveListeningPort()
    {
        using TcpListener proxy = Listen(IPAddress.Loopback);
        int wanted = TestPorts.Free();
        using var capture = EbpfCapture.Start(new CaptureOptions { Mode = CaptureMode.Test, ProxyPort = PortOf(proxy) });
        var (app, lines) = Run(capture,
            $"python3 -c \"import socket; s=socket.socket(); s.bind(('127.0.0.1', {wanted})); print('bound=%d' % s.getsockname()[1])\"");
        var (code, output) = await FinishAsync(app, lines);
        Assert.Equal(0, code);
        Assert.Contains($"bound={wanted}", output);
    }

    [Fact]
    public void AppRunsInsideTheRunCgroup_AndStopEndsIt()
    {
        using var capture = EbpfCapture.Start(new CaptureOptions { Mode = CaptureMode.Test, ProxyPort = TestPorts.Free() });
        Assert.StartsWith(CgroupV2.FindMount()! + "/keploy-", capture.CgroupPath);
        var (app, lines) = Run(capture, "echo started; sleep 60");
        Assert.True(SpinWait.SpinUntil(() => capture.CgroupProcesses.Contains(app.Pid), Bound));
        int code = app.Stop(TimeSpan.FromSeconds(5));
        Assert.Equal(128 + 15, code); // SIGTERM ended the shell's sleep, even when the test runs from a background job
        Assert.True(app.HasExited);
        Assert.DoesNotContain(app.Pid, capture.CgroupProcesses);
    }

    [Fact]
    public async Task Dispose_RemovesCgroup_AndDetachesPrograms()
    {
        string path;
        List<int> programIds;
        AppProcess app;
        using (var capture = EbpfCapture.Start(new CaptureOptions { Mode = CaptureMode.Record, ProxyPort = TestPorts.Free() }))
        {
            path = capture.CgroupPath;
            programIds = AttachedProgramIds(path);
            Assert.Equal(13, programIds.Count); // connect, sockops, getpeername, sendmsg, recvmsg (4 DNS), bind, post_bind
            (app, _) = Run(capture, "sleep 60");
            Assert.True(SpinWait.SpinUntil(() => capture.CgroupProcesses.Contains(app.Pid), Bound));
        }

        Assert.False(Directory.Exists(path));
        Assert.Equal(128 + 9, await app.Exited.WaitAsync(Bound)); // SIGKILLed with the cgroup
        app.Dispose();
        Assert.All(programIds, id => Assert.DoesNotContain("keploy_", Bpftool("prog", "show", "id", id.ToString())));
    }

    [Fact]
    public async Task ToolKilledBySigkill_LeavesNoCgroupAndNoProgramsBehind()
    {
        var psi = new ProcessStartInfo(ProbePath()) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("record");
        psi.ArgumentList.Add(TestPorts.Free().ToString());
        psi.ArgumentList.Add("sleep 60");
        using Process probe = Process.Start(psi)!;
        using var killProbe = new ProcessKiller(probe);
        string? cgroup = null;
        int appPid = 0;
        using var cts = new CancellationTokenSource(Bound);
        while (await probe.StandardOutput.ReadLineAsync(cts.Token) is { } line && line != "ready")
        {
            if (line.StartsWith("cgroup=", StringComparison.Ordinal))
            {
                cgroup = line["cgroup=".Length..];
            }
            else if (line.StartsWith("app=", StringComparison.Ordinal))
            {
                appPid = int.Parse(line["app=".Length..]);
            }
        }

        if (cgroup is null || appPid <= 0)
        {
            probe.Kill();
            Assert.Fail("probe did not start: " + await probe.StandardError.ReadToEndAsync(cts.Token));
        }

        List<int> programIds = AttachedProgramIds(cgroup);
        Assert.Equal(13, programIds.Count);
        Assert.Contains(appPid, File.ReadAllLines(Path.Combine(cgroup, "cgroup.procs")).Select(int.Parse));

        probe.Kill(); // SIGKILL on Unix
        await probe.WaitForExitAsync(cts.Token);

        Assert.True(SpinWait.SpinUntil(() => !Directory.Exists(cgroup), TimeSpan.FromSeconds(5)), $"{cgroup} still exists");
        Assert.True(SpinWait.SpinUntil(() => !IsAlive(appPid), TimeSpan.FromSeconds(5)), $"app {appPid} still alive");
        Assert.DoesNotContain(Path.GetFileName(cgroup), Bpftool("cgroup", "tree"));
        Assert.All(programIds, id => Assert.DoesNotContain("keploy_", Bpftool("prog", "show", "id", id.ToString())));
    }

    private sealed class ProcessKiller(Process process) : IDisposable
    {
        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            // A zombie waiting for its new parent to reap it counts as gone.
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return !stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static List<int> AttachedProgramIds(string cgroup)
    {
        string json = Bpftool("-j", "cgroup", "show", cgroup);
        using JsonDocument doc = JsonDocument.Parse(json);
        Assert.True(doc.RootElement.ValueKind == JsonValueKind.Array, $"bpftool cgroup show {cgroup}: {json}");
        return doc.RootElement.EnumerateArray()
            .Where(e => e.GetProperty("name").GetString()!.StartsWith("keploy_", StringComparison.Ordinal))
            .Select(e => e.GetProperty("id").GetInt32())
            .ToList();
    }
}
