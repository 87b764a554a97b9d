using System.Net;
using System.Runtime.InteropServices;

namespace Keploy.Core.Capture;

/// <summary>Ingress capture: the raw tracepoint on syscall exit that copies the app's traffic on accepted connections.</summary>
public sealed partial class EbpfCapture
{
    private const string IngressProgram = "keploy_sys_exit";

    /// <summary>Size of the <c>data_events</c> ring buffer while capturing (bytes; power of two). In flight at once at most.</summary>
    public const int IngressRingBytes = 256 * 1024 * 1024;

    /// <summary>
    /// Lag (nanoseconds from a record's syscall to its handling here) above which the ring-buffer thread raises its priority to
    /// <see cref="BoostedNice"/>: the machine is saturated and the ring, not the app, would give way.
    /// </summary>
    internal const long BoostLagNs = 20_000_000;

    /// <summary>Lag (nanoseconds) below which a boosted ring-buffer thread goes back to the default priority (nice 0).</summary>
    internal const long UnboostLagNs = 2_000_000;

    /// <summary>Nice value of the ring-buffer thread while it is behind (Linux: -20 highest, 0 default).</summary>
    internal const int BoostedNice = -10;

    private long _lastRecordNs; // header ts_ns (CLOCK_MONOTONIC) of the last record handled; ring-buffer thread only
    private int _catchUps;
    private long _maxLagNs;

    /// <summary>
    /// How often records waited longer than <see cref="BoostLagNs"/> (20 ms) in the ring buffer, so the ring-buffer thread took
    /// priority over the app until it had caught up, and the longest such wait (milliseconds). Read after
    /// <see cref="StopIngressCapture"/>.
    /// </summary>
    public (int Times, double MaxLagMs) IngressCatchUps => (Volatile.Read(ref _catchUps), Volatile.Read(ref _maxLagNs) / 1e6);

    private IntPtr _ingressLink;
    private IntPtr _dataRing;
    private Thread? _dataThread;
    private volatile bool _dataStopping;
    private int _ingressPortsFd = -1;
    private int _ingressCountersFd = -1;

    /// <summary>True when incoming connections are recorded by syscall capture (record mode, <see cref="CaptureOptions.IngressCapture"/>,
    /// and the kernel accepted the raw tracepoint); false when listening ports are moved for a forwarder instead.</summary>
    public bool IngressCaptureActive { get; private set; }

    /// <summary>Why ingress capture was asked for but is not active (one sentence), else null.</summary>
    public string? IngressCaptureUnavailable { get; private set; }

    /// <summary>Receives the ingress capture records; set it before <see cref="StartApp"/>. Records arriving while null are ignored.</summary>
    public IIngressCaptureSink? IngressSink { get; set; }

    /// <summary>
    /// Connections accepted on <paramref name="port"/> (host order) are not captured (Keploy's <c>record.filters</c> port exclusion):
    /// the kernel program skips them, so they cost the app nothing. Call before <see cref="StartApp"/>.
    /// </summary>
    public unsafe void ExcludeIngressPort(int port)
    {
        if (_ingressPortsFd < 0 || port is <= 0 or > 65535)
        {
            return;
        }

        uint key = (uint)port;
        uint excluded = 0;
        LibBpf.MapUpdateElem(_ingressPortsFd, &key, &excluded, 0);
    }

    /// <summary>Records lost because the ring buffer was full, and bytes not captured (limits per call, sendfile), so far.</summary>
    public unsafe (long LostRecords, long SkippedBytes) IngressLosses
    {
        get
        {
            if (_ingressCountersFd < 0)
            {
                return (0, 0);
            }

            ulong lost = 0, skipped = 0;
            uint one = 1, two = 2;
            LibBpf.MapLookupElem(_ingressCountersFd, &one, &lost);
            LibBpf.MapLookupElem(_ingressCountersFd, &two, &skipped);
            return ((long)lost, (long)skipped);
        }
    }

    /// <summary>
    /// Detaches the raw tracepoint, hands every record still in the ring buffer to <see cref="IngressSink"/> and stops the ring-buffer
    /// thread. Call after the app stopped; idempotent.
    /// </summary>
    public void StopIngressCapture()
    {
        lock (_sync)
        {
            if (_ingressLink != IntPtr.Zero)
            {
                LibBpf.LinkDestroy(_ingressLink);
                _ingressLink = IntPtr.Zero;
            }
        }

        _dataStopping = true;
        _dataThread?.Join();
        _dataThread = null;
    }

    /// <summary>Before load: the raw tracepoint is loaded only when it will be used, and the ring buffer is full size only then.</summary>
    private void PrepareIngress(bool wanted)
    {
        LibBpf.ProgramSetAutoload(FindProgram(IngressProgram), wanted);
        IntPtr ring = LibBpf.ObjectFindMapByName(_object, "data_events");
        if (ring != IntPtr.Zero)
        {
            LibBpf.MapSetMaxEntries(ring, wanted ? IngressRingBytes : 4096u);
        }
    }

    /// <summary>After load, before the config is written: attaches the raw tracepoint; on refusal records why and stays off.</summary>
    private void AttachIngress()
    {
        _ingressPortsFd = MapFd("ingress_ports");
        _ingressCountersFd = MapFd("ingress_counters");
        IntPtr link = LibBpf.ProgramAttach(FindProgram(IngressProgram));
        if (link == IntPtr.Zero)
        {
            IngressCaptureUnavailable = Fail("attach the raw tracepoint sys_exit", -Marshal.GetLastPInvokeError()).Message;
            return;
        }

        _ingressLink = link;
        IngressCaptureActive = true;
    }

    private unsafe void StartDataRing()
    {
        _dataRing = LibBpf.RingBufferNew(MapFd("data_events"), &OnDataEvent, GCHandle.ToIntPtr(_self), IntPtr.Zero);
        if (_dataRing == IntPtr.Zero)
        {
            throw Fail("open the data_events ring buffer", -Marshal.GetLastPInvokeError());
        }

        _dataThread = new Thread(DataLoop) { IsBackground = true, Name = "keploy-ingress-capture" };
        _dataThread.Start();
    }

    private void DataLoop()
    {
        // The ring buffer is the only buffer between the app and the recorder (nothing slows the app). At the default priority
        // this thread shares the cores fairly with the app, which keeps the app's tail latency near its own (at nice -10 all the
        // time it preempted the app on every record: p99 of record, wrk -c32 8 s, 8-111 ms vs 7-24 ms at nice 0, 5 alternated pairs).
        // When the machine is saturated and records wait longer than BoostLagNs, it takes priority until it has caught up, so
        // the ring (256 MiB) does not fill and records are not lost.
        bool boosted = false, refused = false; // refused: no CAP_SYS_NICE, so the thread stays at nice 0 (never counted)
        while (!_dataStopping)
        {
            int rc = LibBpf.RingBufferPoll(_dataRing, 50);
            if (rc < 0 && rc != -4 /* EINTR */)
            {
                break;
            }

            if (rc > 0)
            {
                long lag = LibC.MonotonicNs() - _lastRecordNs;
                if (lag > _maxLagNs)
                {
                    Volatile.Write(ref _maxLagNs, lag);
                }

                if (!boosted && !refused && lag > BoostLagNs)
                {
                    boosted = LibC.SetThreadNice(BoostedNice);
                    refused = !boosted;
                    if (boosted)
                    {
                        Interlocked.Increment(ref _catchUps);
                    }
                }
                else if (boosted && lag < UnboostLagNs)
                {
                    boosted = !LibC.SetThreadNice(0);
                }
            }
        }

        LibBpf.RingBufferConsume(_dataRing); // what arrived before the tracepoint was detached
    }

    [UnmanagedCallersOnly]
    private static unsafe int OnDataEvent(IntPtr ctx, void* data, nuint size)
    {
        if (size < (nuint)sizeof(KeployDataHeader) || GCHandle.FromIntPtr(ctx).Target is not EbpfCapture capture
            || capture.IngressSink is not { } sink)
        {
            return 0;
        }

        KeployDataHeader* h = (KeployDataHeader*)data;
        capture._lastRecordNs = (long)h->TimestampNs;
        int length = (int)Math.Min(h->Length, (uint)(size - (nuint)sizeof(KeployDataHeader)));
        IPEndPoint? remote = null;
        if (h->Kind == (uint)IngressEventKind.Open)
        {
            IPAddress address = h->Family == AfInet6
                ? new IPAddress(new ReadOnlySpan<byte>(h->RemoteIp6, 16))
                : new IPAddress(h->RemoteIp4);
            if (address.IsIPv4MappedToIPv6)
            {
                address = address.MapToIPv4();
            }

            remote = new IPEndPoint(address, h->RemotePort);
        }

        IngressCaptureEvent e = new(
            h->ConnectionId, (IngressEventKind)h->Kind, (long)h->TimestampNs, (long)h->Offset, (long)h->EndOffset, (int)h->Pid,
            h->LocalPort, remote);
        try
        {
            sink.OnEvent(e, new ReadOnlySpan<byte>((byte*)data + sizeof(KeployDataHeader), length));
        }
        catch (Exception ex)
        {
            // Must not unwind into libbpf.
            Console.Error.WriteLine($"keploy: ingress capture handler failed on connection {e.ConnectionId}: {ex.Message}");
        }

        return 0;
    }

    /// <summary>cgroup v2 id of a cgroup directory: its inode number (what bpf_get_current_cgroup_id() returns).</summary>
    private static unsafe ulong CgroupId(string path)
    {
        byte* buffer = stackalloc byte[256]; // struct stat is 144 bytes on x86-64 and 128 on arm64
        if (LibC.Stat(path, buffer) != 0)
        {
            throw new CaptureException($"Could not stat the capture cgroup {path}: {LibC.ErrnoText(-Marshal.GetLastPInvokeError())}.");
        }

        return *(ulong*)(buffer + 8); // st_ino follows st_dev (8 bytes) on x86-64 and arm64
    }
}
