using System.Globalization;
using System.Runtime.InteropServices;

namespace Keploy.Core.Replay;

/// <summary>
/// <c>test --freeze-time</c>: runs the app with its wall clock at the time each test was recorded, through Debian's libfaketime
/// (package <c>libfaketime</c>, README "Changing the 'x' modifier during run-time" and "4d) Using offsets"). The app is started
/// with <c>LD_PRELOAD</c> set to libfaketime and <c>FAKETIME_TIMESTAMP_FILE</c> pointing to a file this class owns, read on every
/// clock call (<c>FAKETIME_NO_CACHE=1</c>; about 10 µs per call). The file holds an offset in seconds (<c>-1234567.250</c>) from the
/// real clock, so the app's clock keeps running from the recorded time instead of standing still; <see cref="MoveTo"/> rewrites
/// it (atomically, by rename) just before each recorded request is sent.
/// <para>
/// The monotonic clock is faked too (libfaketime's default). Debian's libfaketime 0.9.10 mishandles timed waits when it is left
/// alone (<c>FAKETIME_DONT_FAKE_MONOTONIC=1</c>: .NET's Thread.Sleep and condition-variable waits return at once, Python 3.11's
/// time.sleep fails with EINVAL; libfaketime issues #426 and #503). So the monotonic clock jumps when the wall clock is moved, by
/// the difference between the recorded and the replayed gap between two tests.
/// </para>
/// Only processes that read the clock through the C library's <c>clock_gettime</c>/<c>gettimeofday</c>/<c>time</c> are reached:
/// not Go programs (their runtime reads the vDSO directly) nor statically linked binaries.
/// </summary>
public sealed class FrozenClock : IDisposable
{
    /// <summary>The Debian package that provides the library.</summary>
    public const string PackageName = "libfaketime";

    private const string LibraryFileName = "libfaketimeMT.so.1";
    private readonly string _directory;
    private readonly string _timestampFile;
    private readonly List<int> _processIds = new();
    private int _disposed;

    private FrozenClock(string library, string directory)
    {
        Library = library;
        _directory = directory;
        _timestampFile = Path.Combine(directory, "faketime.rc");
        Environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["LD_PRELOAD"] = PreloadWith(library, System.Environment.GetEnvironmentVariable("LD_PRELOAD")),
            ["FAKETIME_TIMESTAMP_FILE"] = _timestampFile,
            ["FAKETIME_NO_CACHE"] = "1",
        };
        WriteOffset(TimeSpan.Zero);
    }

    /// <summary>Absolute path of the libfaketime library preloaded into the app (the thread-safe <c>libfaketimeMT.so.1</c>).</summary>
    public string Library { get; }

    /// <summary>Path of the timestamp file the app's libfaketime reads on each clock call.</summary>
    public string TimestampFile => _timestampFile;

    /// <summary>The variables to add to the app's environment (<c>LD_PRELOAD</c>, <c>FAKETIME_TIMESTAMP_FILE</c>, <c>FAKETIME_NO_CACHE</c>).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>The recorded time the clock was last moved to, or null before the first <see cref="MoveTo"/>.</summary>
    public DateTimeOffset? Target { get; private set; }

    /// <summary>Environment variable naming the libfaketime library to use instead of the installed one (for example a newer build).</summary>
    public const string LibraryVariable = "KEPLOY_LIBFAKETIME";

    /// <summary>
    /// Finds libfaketime: the file <see cref="LibraryVariable"/> names when set, else the thread-safe <c>libfaketimeMT.so.1</c> in the
    /// usual places (<c>/usr/lib/&lt;multiarch&gt;/faketime</c>, <c>/usr/lib/faketime</c>, <c>/usr/lib64/faketime</c>,
    /// <c>/usr/local/lib/faketime</c>, then any <c>/usr/lib/*/faketime</c>); null when there is none.
    /// </summary>
    public static string? FindLibrary()
    {
        string? chosen = System.Environment.GetEnvironmentVariable(LibraryVariable);
        if (!string.IsNullOrWhiteSpace(chosen))
        {
            return File.Exists(chosen) ? Path.GetFullPath(chosen) : null;
        }

        string triplet = RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => "x86_64-linux-gnu",
            Architecture.Arm64 => "aarch64-linux-gnu",
            Architecture.Arm => "arm-linux-gnueabihf",
            Architecture.X86 => "i386-linux-gnu",
            _ => "",
        };
        List<string> folders = new();
        if (triplet.Length > 0)
        {
            folders.Add($"/usr/lib/{triplet}/faketime");
        }

        folders.AddRange(["/usr/lib/faketime", "/usr/lib64/faketime", "/usr/local/lib/faketime", "/usr/local/lib"]);
        foreach (string folder in folders)
        {
            string candidate = Path.Combine(folder, LibraryFileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        try
        {
            return Directory.Exists("/usr/lib")
                ? Directory.EnumerateDirectories("/usr/lib")
                    .Select(d => Path.Combine(d, "faketime", LibraryFileName))
                    .Where(File.Exists)
                    .Order(StringComparer.Ordinal)
                    .FirstOrDefault()
                : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Creates the timestamp file (at offset 0, the real time) in a new private folder under the temporary directory.
    /// Throws <see cref="InvalidOperationException"/> with one line naming the package when libfaketime is not installed.
    /// </summary>
    public static FrozenClock Create()
    {
        string library = FindLibrary() ?? throw new InvalidOperationException(MissingLibraryMessage());
        string directory = Directory.CreateTempSubdirectory("keploy-freeze-time-").FullName;
        return new FrozenClock(library, directory);
    }

    /// <summary>The one-line error for a missing library: names the package (and <see cref="LibraryVariable"/> when it is set).</summary>
    public static string MissingLibraryMessage()
    {
        string? chosen = System.Environment.GetEnvironmentVariable(LibraryVariable);
        return string.IsNullOrWhiteSpace(chosen)
            ? $"--freeze-time needs libfaketime ({LibraryFileName}), which is not installed; install it with `apt-get install -y {PackageName}`"
            : $"--freeze-time: {LibraryVariable}={chosen} does not exist; unset it to use the installed libfaketime (`apt-get install -y {PackageName}`)";
    }

    /// <summary>
    /// Moves the app's wall clock to <paramref name="recordedTime"/> now: from this moment the app reads
    /// <paramref name="recordedTime"/> plus the real time elapsed since the call (millisecond resolution).
    /// </summary>
    public void MoveTo(DateTimeOffset recordedTime)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        Target = recordedTime;
        WriteOffset(recordedTime - DateTimeOffset.UtcNow);
    }

    /// <summary>
    /// Remembers the first process started with <see cref="Environment"/>: libfaketime creates its shared memory
    /// (<c>/dev/shm/faketime_shm_&lt;pid&gt;</c>, <c>/dev/shm/sem.faketime_sem_&lt;pid&gt;</c>) in it and shares it with its children,
    /// and does not remove it at exit; <see cref="Dispose"/> does.
    /// </summary>
    public void TrackProcess(int pid)
    {
        lock (_processIds)
        {
            _processIds.Add(pid);
        }
    }

    /// <summary>Removes the timestamp file, its folder and the shared memory of the tracked processes (call after the app stopped).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        lock (_processIds)
        {
            foreach (int pid in _processIds)
            {
                TryDelete($"/dev/shm/faketime_shm_{pid}");
                TryDelete($"/dev/shm/sem.faketime_sem_{pid}");
            }
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>libfaketime's relative offset syntax: a sign, seconds, and a '.' fraction (README 4d and 4e).</summary>
    internal static string FormatOffset(TimeSpan offset)
    {
        double seconds = Math.Round(offset.TotalSeconds, 3);
        return (seconds < 0 ? "-" : "+") + Math.Abs(seconds).ToString("0.000", CultureInfo.InvariantCulture);
    }

    private static string PreloadWith(string library, string? existing) =>
        string.IsNullOrWhiteSpace(existing) ? library : library + ":" + existing;

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private void WriteOffset(TimeSpan offset)
    {
        // Written beside and renamed over: the app's libfaketime opens the file on every clock call and must never read half of it.
        string next = _timestampFile + ".next";
        File.WriteAllText(next, FormatOffset(offset) + "\n");
        File.Move(next, _timestampFile, overwrite: true);
    }
}
