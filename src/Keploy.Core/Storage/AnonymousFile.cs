using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Keploy.Core.Storage;

/// <summary>Linux: a file written unnamed (<c>open(O_TMPFILE)</c>) and then given its name (<c>linkat(2)</c>).</summary>
internal static partial class AnonymousFile
{
    /// <summary>
    /// Writes <paramref name="bytes"/> to an unnamed file of mode <c>0600</c> (less the umask) in the target's folder, then gives it
    /// its name with <c>linkat(2)</c>: the file appears complete or not at all, with one directory change instead of create +
    /// rename. False (nothing left behind) when the file system lacks <c>O_TMPFILE</c> or the name exists; the caller then renames.
    /// </summary>
    public static bool TryWriteThenLink(string path, ReadOnlySpan<byte> bytes)
    {
        const int O_WRONLY = 0x1;
        const int O_TMPFILE = 0x410000; // __O_TMPFILE | O_DIRECTORY
        const int O_CLOEXEC = 0x80000;
        const int AT_FDCWD = -100;
        const int AT_SYMLINK_FOLLOW = 0x400;
        int fd = Open(Path.GetDirectoryName(path)!, O_WRONLY | O_TMPFILE | O_CLOEXEC, 0x180 /* 0600, less the umask */);
        if (fd < 0)
        {
            return false;
        }

        using SafeFileHandle handle = new(fd, ownsHandle: true);
        RandomAccess.Write(handle, bytes, 0);
        return LinkAt(AT_FDCWD, "/proc/self/fd/" + fd.ToString(CultureInfo.InvariantCulture), AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0;
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "linkat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int LinkAt(int oldDirFd, string oldPath, int newDirFd, string newPath, int flags);
}
