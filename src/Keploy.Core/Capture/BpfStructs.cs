using System.Runtime.InteropServices;

namespace Keploy.Core.Capture;

/// <summary>Value of <c>keploy_config_map</c>; mirrors <c>struct keploy_config</c> in bpf/keploy.bpf.c.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct KeployBpfConfig
{
    public uint ProxyIp4;            // network order
    public fixed uint ProxyIp6[4];   // network order
    public uint ProxyPort;           // network order in the low 16 bits
    public uint PassCount;
    public fixed uint PassPorts[CaptureOptions.MaxPassThroughPorts]; // host order
    public uint DnsPort;             // network order in the low 16 bits; 0 = DNS not redirected
    public uint IngressCapture;      // 1 = incoming connections recorded by syscall capture (the app keeps its port)
    public uint Reserved;
    public ulong AppCgroupId;        // cgroup v2 id (inode number) of the run's cgroup
}

/// <summary>Value of <c>orig_dst_by_port</c> and <c>dns_dst_by_port</c>; mirrors <c>struct keploy_orig_dst</c> in bpf/keploy.bpf.c.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct KeployOriginalDestination
{
    public uint Family;              // AF_INET (2) or AF_INET6 (10)
    public uint Port;                // network order in the low 16 bits
    public uint Ip4;                 // network order
    public fixed byte Ip6[16];       // network order
}

/// <summary>Ring-buffer record of <c>bind_events</c>; mirrors <c>struct keploy_bind_event</c> in bpf/keploy.bpf.c.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct KeployBindEvent
{
    public uint Pid;
    public uint Family;              // AF_INET (2) or AF_INET6 (10)
    public uint OriginalPort;        // host order
    public uint NewPort;             // host order
    public uint Ip4;                 // bound address (AF_INET), network order
    public fixed byte Ip6[16];       // bound address (AF_INET6), network order
}

/// <summary>
/// Header of every <c>data_events</c> ring-buffer record (ingress capture); mirrors <c>struct keploy_data_header</c> in
/// bpf/keploy.bpf.c. <see cref="Length"/> data bytes follow it.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct KeployDataHeader
{
    public ulong ConnectionId;
    public ulong TimestampNs;        // CLOCK_MONOTONIC
    public ulong Offset;             // Read/Write: stream offset of the first byte; Close: bytes read
    public uint Kind;                // IngressEventKind
    public uint Length;
    public uint Pid;
    public uint Fd;
    public uint Family;              // Open: AF_INET (2) or AF_INET6 (10)
    public ushort LocalPort;         // Open: host order
    public ushort RemotePort;        // Open: host order
    public uint RemoteIp4;           // Open: network order
    public fixed byte RemoteIp6[16]; // Open: network order
    public ulong EndOffset;          // Close: bytes written
}
