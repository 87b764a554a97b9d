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
