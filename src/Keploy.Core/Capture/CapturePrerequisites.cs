using System.Globalization;
using System.Runtime.InteropServices;

namespace Keploy.Core.Capture;

/// <summary>
/// Checks, without loading anything, that this machine can run <see cref="EbpfCapture"/>: Linux, root or CAP_BPF+CAP_NET_ADMIN
/// (<c>CapEff</c> in /proc/self/status, capability numbers from include/uapi/linux/capability.h), kernel BTF, a cgroup v2 mount,
/// <c>libbpf.so.1</c>, and the BPF object embedded at build time.
/// </summary>
public static class CapturePrerequisites
{
    private const int CapNetAdmin = 12;
    private const int CapSysAdmin = 21;
    private const int CapBpf = 39;

    internal const string BtfPath = "/sys/kernel/btf/vmlinux";

    /// <summary>Returns null when capture can start; otherwise one sentence naming the missing piece and how to get it.</summary>
    public static string? FindProblem()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "eBPF capture needs Linux; run keploy on a Linux machine (or in a privileged Linux container).";
        }

        ulong? caps = ReadEffectiveCapabilities();
        bool bpfCaps = caps is ulong c && (Has(c, CapSysAdmin) || (Has(c, CapBpf) && Has(c, CapNetAdmin)));
        if (!bpfCaps)
        {
            return "eBPF capture needs root (or the CAP_BPF and CAP_NET_ADMIN capabilities); run it with sudo.";
        }

        if (!File.Exists(BtfPath))
        {
            return $"eBPF capture needs kernel BTF ({BtfPath} is missing); use a kernel built with CONFIG_DEBUG_INFO_BTF=y (most distribution kernels since Linux 5.8).";
        }

        if (CgroupV2.FindMount() is null)
        {
            return "eBPF capture needs a cgroup v2 filesystem and none is mounted (see /proc/mounts); mount one with `mount -t cgroup2 none /sys/fs/cgroup/unified`.";
        }

        if (!NativeLibrary.TryLoad(LibBpf.LibraryName, out IntPtr handle))
        {
            return $"eBPF capture needs {LibBpf.LibraryName}, which could not be loaded; install it with `apt-get install -y libbpf1`.";
        }

        NativeLibrary.Free(handle);
        if (!BpfObjectResource.IsEmbedded())
        {
            return "This build of keploy has no eBPF object embedded; rebuild Keploy.Core on Linux with `apt-get install -y clang llvm libbpf-dev bpftool` installed.";
        }

        return null;
    }

    private static bool Has(ulong caps, int bit) => (caps & (1UL << bit)) != 0;

    private static ulong? ReadEffectiveCapabilities()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("CapEff:", StringComparison.Ordinal)
                    && ulong.TryParse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong caps))
                {
                    return caps;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }
}
