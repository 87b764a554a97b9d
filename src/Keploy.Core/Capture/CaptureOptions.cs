using System.Net;

namespace Keploy.Core.Capture;

/// <summary>Settings of one eBPF capture run (Keploy config: <c>proxyPort</c>, <c>passThroughPorts</c>).</summary>
public sealed class CaptureOptions
{
    /// <summary>The most pass-through ports the kernel programs check (Keploy's <c>PassThroughPorts[10]</c>).</summary>
    public const int MaxPassThroughPorts = 10;

    /// <summary>Record or test; bind/post_bind hooks are attached only in <see cref="CaptureMode.Record"/>.</summary>
    public CaptureMode Mode { get; set; }

    /// <summary>TCP port of the tool's egress proxy, 1-65535 (Keploy default 16789).</summary>
    public int ProxyPort { get; set; } = 16789;

    /// <summary>IPv4 address the proxy listens on; IPv4 connects (and v4-mapped IPv6 connects) go here. Default 127.0.0.1.</summary>
    public IPAddress ProxyIPv4 { get; set; } = IPAddress.Loopback;

    /// <summary>IPv6 address the proxy listens on; native IPv6 connects go here. Default ::1.</summary>
    public IPAddress ProxyIPv6 { get; set; } = IPAddress.IPv6Loopback;

    /// <summary>
    /// UDP port of the tool's DNS server on <see cref="ProxyIPv4"/> / <see cref="ProxyIPv6"/> (Keploy's <c>dnsPort</c>, 26789), 1-65535;
    /// 0 (the default) leaves DNS alone. When set, the app's UDP datagrams to port 53 (any resolver) are sent there and the answers
    /// come back with the original resolver as their source.
    /// </summary>
    public int DnsPort { get; set; }

    /// <summary>
    /// Record mode: record incoming connections by copying the app's own socket syscalls on them (accept, read/recvfrom/readv/recvmsg,
    /// write/sendto/writev/sendmsg, close) to a ring buffer (<see cref="EbpfCapture.IngressSink"/>), so nothing is relayed in front of
    /// the app and it keeps its port; Keploy v2's ingress design. False (or when the kernel refuses the raw tracepoint): the app's
    /// listening ports are moved and a forwarder relays them (<see cref="EbpfCapture.ListenPortMoved"/>). Default false (the record
    /// session turns it on, see <see cref="Record.RecordOptions.IngressCapture"/>).
    /// </summary>
    public bool IngressCapture { get; set; }

    /// <summary>Destination ports (host order) never redirected, and listening ports never moved; at most <see cref="MaxPassThroughPorts"/>.</summary>
    public IReadOnlyList<int> PassThroughPorts { get; set; } = [];
}
