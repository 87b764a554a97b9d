using System.Runtime.InteropServices;

namespace Keploy.Core.Capture;

/// <summary>The few libc calls capture needs (POSIX open/close/kill, flock).</summary>
internal static partial class LibC
{
    internal const int SIGKILL = 9;
    internal const int SIGTERM = 15;
    internal const int ESRCH = 3;
    internal const int EWOULDBLOCK = 11; // EAGAIN on Linux
    internal const int EINTR = 4;
    internal const int LOCK_EX = 2;
    internal const int LOCK_NB = 4;

    private const int O_RDONLY = 0;
    private const int O_DIRECTORY = 0x10000; // Linux generic and x86-64/arm64 value
    private const int O_CLOEXEC = 0x80000;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    /// <summary>stat(2) into a caller's buffer of at least 144 bytes (struct stat); 0 or -1 with errno.</summary>
    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static unsafe partial int Stat(string path, byte* buffer);

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();

    /// <summary>Sets the calling thread's nice value (Linux: per thread; -20 highest, 0 default); false when refused (no CAP_SYS_NICE).</summary>
    internal static bool SetThreadNice(int nice) => SetPriority(0 /* PRIO_PROCESS */, GetTid(), nice) == 0;

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static unsafe partial int ClockGetTime(int clock, long* timespec);

    /// <summary>CLOCK_MONOTONIC now, in nanoseconds: the clock of bpf_ktime_get_ns() (clock_gettime(2); struct timespec is two
    /// longs on 64-bit Linux).</summary>
    internal static unsafe long MonotonicNs()
    {
        long* ts = stackalloc long[2];
        return ClockGetTime(1 /* CLOCK_MONOTONIC */, ts) == 0 ? ts[0] * 1_000_000_000 + ts[1] : 0;
    }

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int FlockRaw(int fd, int operation);

    /// <summary>flock(2) on <paramref name="fd"/>; returns 0 or -errno (-<see cref="EWOULDBLOCK"/> when <see cref="LOCK_NB"/> and held elsewhere).</summary>
    internal static int Flock(int fd, int operation)
    {
        while (true)
        {
            if (FlockRaw(fd, operation) == 0)
            {
                return 0;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR)
            {
                return -errno;
            }
        }
    }

    /// <summary>Opens a directory read-only with O_CLOEXEC (so no child process inherits it); returns the fd or -errno.</summary>
    internal static int OpenDirectory(string path)
    {
        int fd = Open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return fd >= 0 ? fd : -Marshal.GetLastPInvokeError();
    }

    /// <summary>strerror-like text for an errno value.</summary>
    internal static string ErrnoText(int errno) => Marshal.GetPInvokeErrorMessage(Math.Abs(errno));
}
