using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Keploy.Core.Capture;

/// <summary>
/// P/Invoke declarations for the system libbpf (<c>libbpf.so.1</c>, Debian package libbpf1; API of libbpf 1.x, <c>bpf/libbpf.h</c>, <c>bpf/bpf.h</c>).
/// In libbpf 1.x pointer-returning calls return NULL and set errno; int-returning calls return a negative errno.
/// </summary>
internal static unsafe partial class LibBpf
{
    internal const string LibraryName = "libbpf.so.1";

    private static readonly ConcurrentQueue<string> s_recentMessages = new();
    private static int s_printInstalled;

    [LibraryImport(LibraryName, EntryPoint = "bpf_object__open_file", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial IntPtr ObjectOpenFile(string path, IntPtr opts);

    [LibraryImport(LibraryName, EntryPoint = "bpf_object__load")]
    internal static partial int ObjectLoad(IntPtr obj);

    [LibraryImport(LibraryName, EntryPoint = "bpf_object__close")]
    internal static partial void ObjectClose(IntPtr obj);

    [LibraryImport(LibraryName, EntryPoint = "bpf_object__find_program_by_name", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr ObjectFindProgramByName(IntPtr obj, string name);

    [LibraryImport(LibraryName, EntryPoint = "bpf_object__find_map_by_name", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr ObjectFindMapByName(IntPtr obj, string name);

    [LibraryImport(LibraryName, EntryPoint = "bpf_program__set_autoload")]
    internal static partial int ProgramSetAutoload(IntPtr prog, [MarshalAs(UnmanagedType.U1)] bool autoload);

    [LibraryImport(LibraryName, EntryPoint = "bpf_program__attach_cgroup", SetLastError = true)]
    internal static partial IntPtr ProgramAttachCgroup(IntPtr prog, int cgroupFd);

    [LibraryImport(LibraryName, EntryPoint = "bpf_program__attach", SetLastError = true)]
    internal static partial IntPtr ProgramAttach(IntPtr prog);

    [LibraryImport(LibraryName, EntryPoint = "bpf_map__set_max_entries")]
    internal static partial int MapSetMaxEntries(IntPtr map, uint maxEntries);

    [LibraryImport(LibraryName, EntryPoint = "ring_buffer__consume")]
    internal static partial int RingBufferConsume(IntPtr rb);

    [LibraryImport(LibraryName, EntryPoint = "bpf_link__destroy")]
    internal static partial int LinkDestroy(IntPtr link);

    [LibraryImport(LibraryName, EntryPoint = "bpf_map__fd")]
    internal static partial int MapFd(IntPtr map);

    [LibraryImport(LibraryName, EntryPoint = "bpf_map_update_elem", SetLastError = true)]
    internal static partial int MapUpdateElem(int fd, void* key, void* value, ulong flags);

    [LibraryImport(LibraryName, EntryPoint = "bpf_map_lookup_elem", SetLastError = true)]
    internal static partial int MapLookupElem(int fd, void* key, void* value);

    [LibraryImport(LibraryName, EntryPoint = "bpf_map_delete_elem", SetLastError = true)]
    internal static partial int MapDeleteElem(int fd, void* key);

    [LibraryImport(LibraryName, EntryPoint = "bpf_map_lookup_and_delete_elem", SetLastError = true)]
    internal static partial int MapLookupAndDeleteElem(int fd, void* key, void* value);

    [LibraryImport(LibraryName, EntryPoint = "ring_buffer__new", SetLastError = true)]
    internal static partial IntPtr RingBufferNew(int mapFd, delegate* unmanaged<IntPtr, void*, nuint, int> sampleCallback, IntPtr ctx, IntPtr opts);

    [LibraryImport(LibraryName, EntryPoint = "ring_buffer__poll")]
    internal static partial int RingBufferPoll(IntPtr rb, int timeoutMs);

    [LibraryImport(LibraryName, EntryPoint = "ring_buffer__free")]
    internal static partial void RingBufferFree(IntPtr rb);

    [LibraryImport(LibraryName, EntryPoint = "libbpf_set_print")]
    private static partial IntPtr SetPrint(delegate* unmanaged<int, IntPtr, IntPtr, int> fn);

    [LibraryImport("libc", EntryPoint = "vsnprintf")]
    private static partial int VsnPrintf(byte* buffer, nuint size, IntPtr format, IntPtr args);

    /// <summary>Routes libbpf's log lines (warnings, verifier output) into a small in-memory tail instead of stderr.</summary>
    internal static void CaptureLibbpfLog()
    {
        if (Interlocked.Exchange(ref s_printInstalled, 1) == 0)
        {
            SetPrint(&OnPrint);
        }
    }

    /// <summary>The last libbpf warning lines (oldest first), for error messages.</summary>
    internal static IReadOnlyList<string> RecentMessages() => [.. s_recentMessages];

    /// <summary>Forgets collected libbpf lines (call before an operation whose failure should be explained).</summary>
    internal static void ClearMessages() => s_recentMessages.Clear();

    // libbpf_print_fn_t: int (*)(enum libbpf_print_level level, const char *fmt, va_list ap). va_list reaches us as a pointer on
    // x86-64 (array type) and arm64 (struct larger than 16 bytes is passed by reference), which vsnprintf accepts as is.
    [UnmanagedCallersOnly]
    private static int OnPrint(int level, IntPtr format, IntPtr args)
    {
        const int LibbpfWarn = 0;
        if (level != LibbpfWarn)
        {
            return 0;
        }

        byte* buffer = stackalloc byte[1024];
        int n = VsnPrintf(buffer, 1024, format, args);
        if (n <= 0)
        {
            return 0;
        }

        string text = Marshal.PtrToStringUTF8((IntPtr)buffer, Math.Min(n, 1023)).TrimEnd();
        foreach (string line in text.Split('\n'))
        {
            if (line.Length > 0)
            {
                s_recentMessages.Enqueue(line);
            }
        }

        while (s_recentMessages.Count > 64 && s_recentMessages.TryDequeue(out _))
        {
        }

        return n;
    }
}
