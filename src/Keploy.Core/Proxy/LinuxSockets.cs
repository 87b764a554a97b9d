using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Keploy.Core.Proxy;

/// <summary>
/// The Linux calls <see cref="SocketRelay"/> makes itself: epoll(7), eventfd(2), recv(2)/send(2) with per-call flags and
/// shutdown(2). Values are Linux x86-64's (include/uapi/linux/eventpoll.h, asm-generic/errno.h, socket.h).
/// </summary>
internal static unsafe partial class LinuxSockets
{
    internal const int EAGAIN = 11;
    internal const int ENOENT = 2;
    internal const int EINTR = 4;
    internal const int EPOLL_CLOEXEC = 0x80000;
    internal const int EPOLL_CTL_ADD = 1;
    internal const int EPOLL_CTL_DEL = 2;
    internal const int EPOLL_CTL_MOD = 3;
    internal const uint EPOLLIN = 0x001;
    internal const uint EPOLLOUT = 0x004;
    internal const uint EPOLLERR = 0x008;
    internal const uint EPOLLHUP = 0x010;
    internal const int EFD_CLOEXEC = 0x80000;
    internal const int EFD_NONBLOCK = 0x800;
    internal const int MSG_DONTWAIT = 0x40;
    internal const int MSG_NOSIGNAL = 0x4000;
    internal const int SHUT_WR = 1;

    /// <summary>struct epoll_event: packed on x86-64 (12 bytes), which is why <see cref="SocketRelay"/> runs there only.</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    internal struct EpollEvent
    {
        public uint Events;
        public ulong Data;
    }

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    internal static partial int EpollCreate1(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    internal static partial int EpollCtl(int epfd, int op, int fd, EpollEvent* ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    internal static partial int EpollWait(int epfd, EpollEvent* events, int maxEvents, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    internal static partial int EventFd(uint initial, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    internal static partial nint Read(int fd, void* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    internal static partial nint Write(int fd, void* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    internal static partial nint Recv(int fd, void* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    internal static partial nint Send(int fd, void* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "shutdown", SetLastError = true)]
    internal static partial int Shutdown(int fd, int how);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    private static int[]? _pollers;

    /// <summary>
    /// Takes <paramref name="socket"/> out of .NET's own epoll sets, so that once it is relayed by <see cref="SocketRelay"/> its
    /// readiness no longer wakes .NET's socket thread (and a thread-pool item) as well. .NET registers a socket once, at its
    /// first asynchronous operation, and never changes or removes that registration (SocketAsyncEngine.Unix.cs: RegisterCore adds
    /// it, UnregisterSocket only forgets the handle; the kernel drops it at close), so removing it is invisible to .NET as long
    /// as no asynchronous operation is made on the socket afterwards. The sets are the process's eventpoll descriptors
    /// (/proc/self/fd, found once, after one probe socket made sure .NET's exist: they are created with its first registered socket
    /// and never closed; a relay's own are left out); a set that does not hold the
    /// socket answers ENOENT, which is ignored. Returns how many sets held it.
    /// </summary>
    /// <param name="socket">A socket with no asynchronous operation in flight, and none to come.</param>
    /// <param name="except">An epoll descriptor to leave alone (the relay's own), or -1.</param>
    internal static int DetachFromRuntimePoller(Socket socket, int except)
    {
        int[] pollers = _pollers ??= FindRuntimePollers();
        int fd = (int)socket.Handle;
        int removed = 0;
        EpollEvent unused = default;
        foreach (int epfd in pollers)
        {
            if (epfd != except && EpollCtl(epfd, EPOLL_CTL_DEL, fd, &unused) == 0)
            {
                removed++;
            }
        }

        return removed;
    }

    // The scan is made once, so .NET's sets must exist by then: they are created with the first socket .NET registers, which a
    // socket relayed before any asynchronous operation in the process never was. One probe registration makes sure of them.
    private static int[] FindRuntimePollers()
    {
        try
        {
            using SocketAsyncEventArgs receive = new();
            receive.SetBuffer(new byte[1]);
            using Socket probe = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp); // closed first
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            probe.ReceiveAsync(receive); // nothing to read: .NET registers the socket, then the close aborts the receive
        }
        catch (SocketException)
        {
            // no loopback socket: nothing was registered with .NET either, and the scan finds what there is
        }

        return Array.FindAll(FindEpollDescriptors(), fd => !SocketRelay.IsRelayEpoll(fd));
    }

    /// <summary>The process's open epoll descriptors (their /proc/self/fd link reads <c>anon_inode:[eventpoll]</c>).</summary>
    internal static int[] FindEpollDescriptors()
    {
        // What cannot be read is skipped: a socket then stays registered with .NET too (more wake-ups, the same bytes).
        List<int> found = new();
        string[] entries;
        try
        {
            entries = Directory.GetFileSystemEntries("/proc/self/fd");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Array.Empty<int>();
        }

        foreach (string path in entries)
        {
            try
            {
                if (int.TryParse(Path.GetFileName(path), out int fd) && new FileInfo(path).LinkTarget == "anon_inode:[eventpoll]")
                {
                    found.Add(fd);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // closed meanwhile
            }
        }

        return found.ToArray();
    }
}
