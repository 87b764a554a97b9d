using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Keploy.Core.Capture;

/// <summary>
/// One run's own cgroup v2 (<c>&lt;cgroup2 mount&gt;/keploy-run-&lt;tool pid&gt;-&lt;random&gt;</c>; Linux Documentation/admin-guide/cgroup-v2.rst).
/// A watchdog shell outside the cgroup, in its own session, holds the read end of a pipe whose write end only this process has:
/// when this process dies (even by SIGKILL) the pipe closes and the watchdog kills everything in the cgroup (<c>cgroup.kill</c>,
/// Linux 5.14+, else SIGKILL to each pid in <c>cgroup.procs</c>) and removes it.
/// <para>
/// Liveness of a run is its lock, not its pid: the owner holds an exclusive flock(2) on the cgroup directory itself for the run's
/// lifetime (the kernel drops it when the owner dies, SIGKILL included). A lock lives on the directory's inode, so it is seen the same
/// from every PID and mount namespace that mounts this cgroup hierarchy, where a pid in the name means nothing. Creating and cleaning
/// up are serialised by a short flock on the mount directory, so a cleanup never sees a run between its mkdir and its lock.
/// </para>
/// </summary>
internal sealed class CgroupV2 : IDisposable
{
    /// <summary>Name prefix of the cgroups this protocol (lock held on the directory) creates; other names are never touched.</summary>
    internal const string NamePrefix = "keploy-run-";

    // $0 is the cgroup path. Output goes to /dev/null so the watchdog never holds the tool's stdout/stderr open.
    private const string WatchdogScript =
        "exec >/dev/null 2>&1; read _; cg=\"$0\"; " +
        "if [ -e \"$cg/cgroup.kill\" ]; then echo 1 > \"$cg/cgroup.kill\"; " +
        "else for p in $(cat \"$cg/cgroup.procs\"); do kill -9 \"$p\"; done; fi; " +
        "i=0; while [ -d \"$cg\" ] && [ $i -lt 100 ]; do rmdir \"$cg\" || sleep 0.05; i=$((i+1)); done";

    private static readonly TimeSpan MountLockWait = TimeSpan.FromSeconds(10);

    private readonly Process? _watchdog;
    private readonly int _lockFd;
    private int _disposed;

    private CgroupV2(string path, int lockFd, Process? watchdog)
    {
        Path = path;
        _lockFd = lockFd;
        _watchdog = watchdog;
    }

    /// <summary>Absolute path of the cgroup directory.</summary>
    internal string Path { get; }

    /// <summary>Path of <c>cgroup.procs</c> (write a pid to move that process in).</summary>
    internal string ProcsPath => System.IO.Path.Combine(Path, "cgroup.procs");

    /// <summary>Pid of the watchdog process, for tests.</summary>
    internal int? WatchdogPid => _watchdog?.Id;

    /// <summary>The cgroup v2 mount point from /proc/mounts (preferring /sys/fs/cgroup), or null when none is mounted.</summary>
    internal static string? FindMount()
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines("/proc/mounts");
        }
        catch (IOException)
        {
            return null;
        }

        string? found = null;
        foreach (string line in lines)
        {
            string[] fields = line.Split(' ');
            if (fields.Length >= 3 && fields[2] == "cgroup2")
            {
                string mountPoint = UnescapeMountField(fields[1]);
                if (mountPoint == "/sys/fs/cgroup")
                {
                    return mountPoint;
                }

                found ??= mountPoint;
            }
        }

        return found;
    }

    /// <summary>
    /// Cleans up stale runs, creates a fresh cgroup, takes its lock and starts its watchdog. Throws <see cref="CaptureException"/>.
    /// </summary>
    internal static CgroupV2 Create()
    {
        string mount = FindMount()
            ?? throw new CaptureException("eBPF capture needs a cgroup v2 filesystem and none is mounted (see /proc/mounts); mount one with `mount -t cgroup2 none /sys/fs/cgroup/unified`.");
        string path;
        int lockFd;
        int mountFd = LockMount(mount);
        try
        {
            if (mountFd >= 0)
            {
                CleanupStaleLocked(mount);
            }

            // pid for people reading the tree; random part because pids repeat across PID namespaces.
            path = System.IO.Path.Combine(mount, $"{NamePrefix}{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..12]}");
            try
            {
                Directory.CreateDirectory(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CaptureException($"Could not create the capture cgroup {path}: {e.Message}", e);
            }

            lockFd = LibC.OpenDirectory(path);
            int rc = lockFd >= 0 ? LibC.Flock(lockFd, LibC.LOCK_EX | LibC.LOCK_NB) : lockFd;
            if (rc < 0)
            {
                if (lockFd >= 0)
                {
                    LibC.Close(lockFd);
                }

                TryRemoveDirectory(path);
                throw new CaptureException($"Could not lock the capture cgroup {path}: {LibC.ErrnoText(rc)}");
            }
        }
        finally
        {
            if (mountFd >= 0)
            {
                LibC.Close(mountFd); // releases the mount lock
            }
        }

        Process watchdog;
        try
        {
            watchdog = StartWatchdog(path);
        }
        catch (Exception e)
        {
            TryRemoveDirectory(path);
            LibC.Close(lockFd);
            throw new CaptureException($"Could not start the cgroup watchdog for {path} (needs /bin/sh and setsid from util-linux): {e.Message}", e);
        }

        return new CgroupV2(path, lockFd, watchdog);
    }

    /// <summary>
    /// Kills and removes the <c>keploy-run-*</c> cgroups whose lock nobody holds (their owner is dead, whatever PID namespace it ran in).
    /// A cgroup whose lock is held, that cannot be opened, or whose name is not exactly this protocol's (<see cref="IsRunName"/>) is left
    /// alone: its owner may be alive.
    /// </summary>
    internal static void CleanupStale(string mount)
    {
        int mountFd = LockMount(mount);
        if (mountFd < 0)
        {
            return; // another run is creating or cleaning up; it does the cleaning
        }

        try
        {
            CleanupStaleLocked(mount);
        }
        finally
        {
            LibC.Close(mountFd);
        }
    }

    private static void CleanupStaleLocked(string mount)
    {
        IEnumerable<string> dirs;
        try
        {
            dirs = Directory.EnumerateDirectories(mount, NamePrefix + "*").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (string dir in dirs)
        {
            if (!IsRunName(System.IO.Path.GetFileName(dir)))
            {
                continue; // not a name this protocol makes: whoever made it may be alive
            }

            int fd = LibC.OpenDirectory(dir);
            if (fd < 0)
            {
                continue; // gone meanwhile, or not ours to open: leave it
            }

            try
            {
                if (LibC.Flock(fd, LibC.LOCK_EX | LibC.LOCK_NB) != 0)
                {
                    continue; // held (EWOULDBLOCK): a live run owns it; any other error: unknown, leave it
                }

                KillAll(dir);
                RemoveDirectory(dir, TimeSpan.FromSeconds(2));
            }
            finally
            {
                LibC.Close(fd);
            }
        }
    }

    /// <summary>True for <c>keploy-run-&lt;decimal pid&gt;-&lt;12 lower-case hex digits&gt;</c>, the names <see cref="Create"/> makes.</summary>
    internal static bool IsRunName(string name)
    {
        if (!name.StartsWith(NamePrefix, StringComparison.Ordinal))
        {
            return false;
        }

        string[] parts = name[NamePrefix.Length..].Split('-');
        return parts.Length == 2 && parts[0].Length is > 0 and <= 10 && parts[0].All(char.IsAsciiDigit)
            && parts[1].Length == 12 && parts[1].All(char.IsAsciiHexDigitLower);
    }

    /// <summary>Takes the mount directory's flock (bounded wait); returns its fd, or -1 when it could not be had in time.</summary>
    private static int LockMount(string mount)
    {
        int fd = LibC.OpenDirectory(mount);
        if (fd < 0)
        {
            return -1;
        }

        var waited = Stopwatch.StartNew();
        while (LibC.Flock(fd, LibC.LOCK_EX | LibC.LOCK_NB) != 0)
        {
            if (waited.Elapsed > MountLockWait)
            {
                LibC.Close(fd);
                return -1;
            }

            Thread.Sleep(10);
        }

        return fd;
    }

    /// <summary>The pids currently in the cgroup (empty when it is gone).</summary>
    internal IReadOnlyList<int> ReadProcesses() => ReadProcesses(Path);

    /// <summary>SIGKILLs every process in the cgroup (cgroup.kill where available).</summary>
    internal void KillAll() => KillAll(Path);

    /// <summary>Kills the cgroup's processes, removes the directory and lets the watchdog go. Never throws.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        KillAll(Path);
        RemoveDirectory(Path, TimeSpan.FromSeconds(5));
        LibC.Close(_lockFd); // the run is over: a later cleanup may take what is left (if the rmdir timed out)
        if (_watchdog is not null)
        {
            try
            {
                _watchdog.StandardInput.Close(); // the watchdog finds the cgroup gone and exits
                _watchdog.WaitForExit(TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (e is IOException or InvalidOperationException)
            {
            }

            _watchdog.Dispose();
        }
    }

    private static Process StartWatchdog(string path)
    {
        var psi = new ProcessStartInfo("setsid")
        {
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("/bin/sh");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(WatchdogScript);
        psi.ArgumentList.Add(path);
        return Process.Start(psi) ?? throw new InvalidOperationException("Process.Start returned null");
    }

    private static IReadOnlyList<int> ReadProcesses(string path)
    {
        try
        {
            return File.ReadAllLines(System.IO.Path.Combine(path, "cgroup.procs"))
                .Select(l => int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? pid : 0)
                .Where(pid => pid > 0)
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static void KillAll(string path)
    {
        string killFile = System.IO.Path.Combine(path, "cgroup.kill");
        try
        {
            if (File.Exists(killFile))
            {
                File.WriteAllText(killFile, "1", Encoding.ASCII);
                return;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        foreach (int pid in ReadProcesses(path))
        {
            LibC.Kill(pid, LibC.SIGKILL);
        }
    }

    private static void RemoveDirectory(string path, TimeSpan timeout)
    {
        // rmdir fails with EBUSY until the killed processes have left the cgroup; bounded retry.
        var deadline = DateTime.UtcNow + timeout;
        while (Directory.Exists(path))
        {
            if (TryRemoveDirectory(path) || DateTime.UtcNow > deadline)
            {
                return;
            }

            Thread.Sleep(20);
        }
    }

    private static bool TryRemoveDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: false);
            return true;
        }
        catch (DirectoryNotFoundException)
        {
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string UnescapeMountField(string field)
    {
        // /proc/mounts escapes space, tab, newline and backslash as \ooo (octal).
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var sb = new StringBuilder(field.Length);
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length
                && int.TryParse(field.AsSpan(i + 1, 3), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                sb.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                sb.Append(field[i]);
            }
        }

        return sb.ToString();
    }
}
