using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Keploy.Core.Capture;

/// <summary>
/// One eBPF capture run (Linux, root): its own cgroup v2 with the programs of <c>bpf/keploy.bpf.c</c> attached to it through bpf_link fds
/// owned by this process (never pinned, so they detach when the process dies). Apps started with <see cref="StartApp"/> run inside it:
/// their TCP connects go to the proxy (<see cref="TryGetOriginalDestination"/> tells where they were going) and, in record mode, their
/// listening ports are moved (<see cref="ListenPortMoved"/>). Follows Keploy's design (pkg/agent/hooks/linux), scoped to one cgroup.
/// </summary>
public sealed partial class EbpfCapture : IDisposable
{
    private const int AfInet = 2;
    private const int AfInet6 = 10;

    private static readonly string[] s_egressPrograms =
        ["keploy_connect4", "keploy_connect6", "keploy_sockops", "keploy_getpeername4", "keploy_getpeername6",
         "keploy_sendmsg4", "keploy_sendmsg6", "keploy_recvmsg4", "keploy_recvmsg6"];

    private static readonly string[] s_ingressPrograms =
        ["keploy_bind4", "keploy_bind6", "keploy_post_bind4", "keploy_post_bind6"];

    private readonly CgroupV2 _cgroup;
    private readonly List<IntPtr> _links = [];
    private readonly object _sync = new();
    private IntPtr _object;
    private int _cgroupFd = -1;
    private int _origByPortFd = -1;
    private int _dnsByPortFd = -1;
    private IntPtr _ringBuffer;
    private GCHandle _self;
    private Thread? _pollThread;
    private volatile bool _stopping;
    private int _disposed;

    private EbpfCapture(CaptureOptions options, CgroupV2 cgroup)
    {
        Options = options;
        _cgroup = cgroup;
    }

    /// <summary>Raised on a background thread (record mode) each time the app's bind() to a TCP port was moved to an ephemeral port.</summary>
    public event Action<ListenPortMoved>? ListenPortMoved;

    /// <summary>The options the run was started with.</summary>
    public CaptureOptions Options { get; }

    /// <summary>Absolute path of the run's cgroup (e.g. <c>/sys/fs/cgroup/keploy-run-1234-0123456789ab</c>).</summary>
    public string CgroupPath => _cgroup.Path;

    /// <summary>Pids currently in the run's cgroup.</summary>
    internal IReadOnlyList<int> CgroupProcesses => _cgroup.ReadProcesses();

    /// <summary>Path of the run's <c>cgroup.procs</c>; writing a pid there puts that process under capture.</summary>
    internal string CgroupProcsPath => _cgroup.ProcsPath;

    /// <summary>
    /// Checks <see cref="CapturePrerequisites"/>, makes the run's cgroup (cleaning up stale ones of dead runs), loads the embedded BPF object
    /// through libbpf and attaches the egress programs (and in record mode the bind programs) to the cgroup.
    /// </summary>
    /// <exception cref="CaptureException">Something is missing or the kernel refused; the message is one sentence.</exception>
    /// <exception cref="CaptureException">Also for invalid ports or addresses in <paramref name="options"/>.</exception>
    public static EbpfCapture Start(CaptureOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        string? problem = CapturePrerequisites.FindProblem();
        if (problem is not null)
        {
            throw new CaptureException(problem);
        }

        LibBpf.CaptureLibbpfLog();
        var capture = new EbpfCapture(options, CgroupV2.Create());
        try
        {
            capture.LoadAndAttach();
            return capture;
        }
        catch
        {
            capture.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts <c>/bin/sh -c <paramref name="command"/></c> inside the run's cgroup, in <paramref name="workingDirectory"/>, with the tool's
    /// environment plus <paramref name="environment"/>. Each stdout/stderr line goes to <paramref name="onOutputLine"/> (from a background thread,
    /// one call at a time).
    /// </summary>
    /// <exception cref="CaptureException">The shell could not be started.</exception>
    public AppProcess StartApp(string command, string workingDirectory, IReadOnlyDictionary<string, string>? environment, Action<string>? onOutputLine)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return AppProcess.Start(_cgroup.ProcsPath, command, workingDirectory, environment, onOutputLine);
    }

    /// <summary>
    /// For a connection the proxy accepted from an app in the cgroup: the destination the app asked for, looked up by the client's source
    /// port (host order, the accepted socket's remote port). The entry is deleted, so a second call for the same connection returns false.
    /// IPv4-mapped IPv6 destinations come back as IPv4.
    /// </summary>
    public unsafe bool TryGetOriginalDestination(int clientSourcePort, out IPEndPoint destination)
    {
        destination = null!;
        if (clientSourcePort is <= 0 or > 65535 || _origByPortFd < 0)
        {
            return false;
        }

        uint key = (uint)clientSourcePort;
        KeployOriginalDestination value;
        int rc = LibBpf.MapLookupAndDeleteElem(_origByPortFd, &key, &value);
        if (rc != 0 && Marshal.GetLastPInvokeError() is not 2 /* ENOENT */)
        {
            // Kernels before 5.14 lack lookup-and-delete on hash maps.
            rc = LibBpf.MapLookupElem(_origByPortFd, &key, &value);
            if (rc == 0)
            {
                LibBpf.MapDeleteElem(_origByPortFd, &key);
            }
        }

        if (rc != 0)
        {
            return false;
        }

        destination = ToEndPoint(value);
        return true;
    }

    /// <summary>
    /// For a DNS datagram the tool's DNS server received from an app in the cgroup: the resolver the app sent it to, looked up by the
    /// app socket's local port (host order, the datagram's source port). The entry stays (a resolver socket sends many queries).
    /// False when unknown (a connected UDP socket, whose port is not known at connect time: then the system resolver is used).
    /// </summary>
    public unsafe bool TryGetDnsResolver(int appSourcePort, out IPEndPoint resolver)
    {
        resolver = null!;
        if (appSourcePort is <= 0 or > 65535 || _dnsByPortFd < 0)
        {
            return false;
        }

        uint key = (uint)appSourcePort;
        KeployOriginalDestination value;
        if (LibBpf.MapLookupElem(_dnsByPortFd, &key, &value) != 0)
        {
            return false;
        }

        resolver = ToEndPoint(value);
        return true;
    }

    private static unsafe IPEndPoint ToEndPoint(KeployOriginalDestination value)
    {
        int port = (ushort)IPAddress.NetworkToHostOrder((short)(ushort)value.Port);
        IPAddress address;
        if (value.Family == AfInet)
        {
            address = new IPAddress(value.Ip4);
        }
        else
        {
            address = new IPAddress(new ReadOnlySpan<byte>(value.Ip6, 16));
            if (address.IsIPv4MappedToIPv6)
            {
                address = address.MapToIPv4();
            }
        }

        return new IPEndPoint(address, port);
    }

    /// <summary>Detaches every program (closes the links), stops the ring-buffer thread, kills everything in the cgroup and removes it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping = true;
        _pollThread?.Join(TimeSpan.FromSeconds(5));
        StopIngressCapture();
        lock (_sync)
        {
            foreach (IntPtr link in _links)
            {
                LibBpf.LinkDestroy(link);
            }

            _links.Clear();
            if (_ringBuffer != IntPtr.Zero)
            {
                LibBpf.RingBufferFree(_ringBuffer);
                _ringBuffer = IntPtr.Zero;
            }

            if (_dataRing != IntPtr.Zero)
            {
                LibBpf.RingBufferFree(_dataRing);
                _dataRing = IntPtr.Zero;
            }

            if (_object != IntPtr.Zero)
            {
                LibBpf.ObjectClose(_object);
                _object = IntPtr.Zero;
                _origByPortFd = -1;
            }

            if (_cgroupFd >= 0)
            {
                LibC.Close(_cgroupFd);
                _cgroupFd = -1;
            }

            if (_self.IsAllocated)
            {
                _self.Free();
            }
        }

        _cgroup.Dispose();
    }

    private static void Validate(CaptureOptions options)
    {
        if (options.ProxyPort is <= 0 or > 65535)
        {
            throw new CaptureException($"ProxyPort {options.ProxyPort} is not a TCP port (1-65535).");
        }

        if (options.DnsPort is < 0 or > 65535)
        {
            throw new CaptureException($"DnsPort {options.DnsPort} is not a UDP port (1-65535, or 0 for no DNS redirect).");
        }

        if (options.PassThroughPorts.Count > CaptureOptions.MaxPassThroughPorts)
        {
            throw new CaptureException($"At most {CaptureOptions.MaxPassThroughPorts} pass-through ports are supported, got {options.PassThroughPorts.Count}.");
        }

        foreach (int port in options.PassThroughPorts)
        {
            if (port is <= 0 or > 65535)
            {
                throw new CaptureException($"Pass-through port {port} is not a TCP port (1-65535).");
            }
        }

        if (options.ProxyIPv4.AddressFamily != AddressFamily.InterNetwork || options.ProxyIPv6.AddressFamily != AddressFamily.InterNetworkV6)
        {
            throw new CaptureException("ProxyIPv4 must be an IPv4 address and ProxyIPv6 an IPv6 address.");
        }
    }

    private unsafe void LoadAndAttach()
    {
        string objectPath = BpfObjectResource.ExtractToTempFile();
        try
        {
            LibBpf.ClearMessages();
            _object = LibBpf.ObjectOpenFile(objectPath, IntPtr.Zero);
            if (_object == IntPtr.Zero)
            {
                throw Fail("open the BPF object", -Marshal.GetLastPInvokeError());
            }

            bool record = Options.Mode == CaptureMode.Record;
            foreach (string name in s_ingressPrograms)
            {
                LibBpf.ProgramSetAutoload(FindProgram(name), record);
            }

            PrepareIngress(record && Options.IngressCapture);

            int rc = LibBpf.ObjectLoad(_object);
            if (rc != 0)
            {
                throw Fail("load the BPF programs", rc);
            }
        }
        finally
        {
            File.Delete(objectPath);
        }

        if (Options.Mode == CaptureMode.Record && Options.IngressCapture)
        {
            AttachIngress();
        }

        WriteConfig();
        _origByPortFd = MapFd("orig_dst_by_port");
        _dnsByPortFd = MapFd("dns_dst_by_port");

        _cgroupFd = LibC.OpenDirectory(_cgroup.Path);
        if (_cgroupFd < 0)
        {
            throw new CaptureException($"Could not open the capture cgroup {_cgroup.Path}: {LibC.ErrnoText(_cgroupFd)}.");
        }

        IEnumerable<string> programs = Options.Mode == CaptureMode.Record ? [.. s_egressPrograms, .. s_ingressPrograms] : s_egressPrograms;
        foreach (string name in programs)
        {
            IntPtr link = LibBpf.ProgramAttachCgroup(FindProgram(name), _cgroupFd);
            if (link == IntPtr.Zero)
            {
                throw Fail($"attach {name} to {_cgroup.Path}", -Marshal.GetLastPInvokeError());
            }

            _links.Add(link);
        }

        if (Options.Mode == CaptureMode.Record)
        {
            StartRingBuffer();
            if (IngressCaptureActive)
            {
                StartDataRing();
            }
        }
    }

    private unsafe void WriteConfig()
    {
        var config = default(KeployBpfConfig);
        config.ProxyIp4 = BitConverter.ToUInt32(Options.ProxyIPv4.GetAddressBytes());
        byte[] ip6 = Options.ProxyIPv6.GetAddressBytes();
        for (int i = 0; i < 4; i++)
        {
            config.ProxyIp6[i] = BitConverter.ToUInt32(ip6, i * 4);
        }

        config.ProxyPort = (ushort)IPAddress.HostToNetworkOrder((short)(ushort)Options.ProxyPort);
        config.DnsPort = (ushort)IPAddress.HostToNetworkOrder((short)(ushort)Options.DnsPort);
        config.PassCount = (uint)Options.PassThroughPorts.Count;
        for (int i = 0; i < Options.PassThroughPorts.Count; i++)
        {
            config.PassPorts[i] = (uint)Options.PassThroughPorts[i];
        }

        if (IngressCaptureActive)
        {
            config.IngressCapture = 1;
            config.AppCgroupId = CgroupId(_cgroup.Path);
        }

        uint key = 0;
        if (LibBpf.MapUpdateElem(MapFd("keploy_config_map"), &key, &config, 0) != 0)
        {
            throw Fail("write keploy_config_map", -Marshal.GetLastPInvokeError());
        }
    }

    private unsafe void StartRingBuffer()
    {
        _self = GCHandle.Alloc(this);
        _ringBuffer = LibBpf.RingBufferNew(MapFd("bind_events"), &OnBindEvent, GCHandle.ToIntPtr(_self), IntPtr.Zero);
        if (_ringBuffer == IntPtr.Zero)
        {
            throw Fail("open the bind_events ring buffer", -Marshal.GetLastPInvokeError());
        }

        _pollThread = new Thread(PollLoop) { IsBackground = true, Name = "keploy-ebpf-ringbuf" };
        _pollThread.Start();
    }

    private void PollLoop()
    {
        while (!_stopping)
        {
            int rc = LibBpf.RingBufferPoll(_ringBuffer, 100);
            if (rc < 0 && rc != -4 /* EINTR */)
            {
                return;
            }
        }
    }

    [UnmanagedCallersOnly]
    private static unsafe int OnBindEvent(IntPtr ctx, void* data, nuint size)
    {
        if (size < (nuint)sizeof(KeployBindEvent) || GCHandle.FromIntPtr(ctx).Target is not EbpfCapture capture)
        {
            return 0;
        }

        KeployBindEvent ev = *(KeployBindEvent*)data;
        IPAddress address = ev.Family == AfInet6
            ? new IPAddress(new ReadOnlySpan<byte>(ev.Ip6, 16))
            : new IPAddress(new ReadOnlySpan<byte>(&ev.Ip4, 4)); // network order: the bytes are a.b.c.d
        var moved = new ListenPortMoved(
            ev.Family == AfInet6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork,
            (int)ev.OriginalPort,
            (int)ev.NewPort,
            (int)ev.Pid,
            address);
        try
        {
            capture.ListenPortMoved?.Invoke(moved);
        }
        catch (Exception e)
        {
            // An exception must not unwind into libbpf; report it the way an unobserved background failure would be.
            Console.Error.WriteLine($"keploy: ListenPortMoved handler failed for port {moved.OriginalPort}: {e.Message}");
        }

        return 0;
    }

    private IntPtr FindProgram(string name)
    {
        IntPtr prog = LibBpf.ObjectFindProgramByName(_object, name);
        return prog != IntPtr.Zero ? prog : throw new CaptureException($"The embedded BPF object has no program {name}; rebuild Keploy.Core.");
    }

    private int MapFd(string name)
    {
        IntPtr map = LibBpf.ObjectFindMapByName(_object, name);
        int fd = map == IntPtr.Zero ? -1 : LibBpf.MapFd(map);
        return fd >= 0 ? fd : throw new CaptureException($"The embedded BPF object has no map {name}; rebuild Keploy.Core.");
    }

    private static CaptureException Fail(string what, int negativeErrno)
    {
        string detail = LibBpf.RecentMessages().LastOrDefault(l => l.StartsWith("libbpf:", StringComparison.Ordinal)) is { } line
            ? $" ({line.Trim()})"
            : string.Empty;
        return new CaptureException($"Could not {what}: {LibC.ErrnoText(negativeErrno)}{detail}.");
    }
}
