using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Keploy.Core.Storage;

/// <summary>
/// Record mode's test case journal, <c>&lt;test-set&gt;/.tests.journal</c>: whole formatted test case files appended as
/// length-framed records (one write call per batch), later materialised as <c>tests/&lt;name&gt;.yaml</c>. Creating a file per
/// test case costs 70-110 µs (ext4 inode allocation, issue 12 profile); appending a batch costs about 1 µs per test case, so
/// the writers keep up with the traffic and create the files when idle and at stop.
/// </summary>
/// <remarks>
/// <para>Record layout (little-endian): <c>"KTJ1"</c>, u32 name length, u32 content length, u32 CRC-32 (IEEE, of name then
/// content), the UTF-8 name (a plain file name without <c>.yaml</c>), the content (the file's bytes).</para>
/// <para>The file is locked (<c>flock(LOCK_EX)</c>) while its recorder runs; the lock goes with the process, so a journal found
/// unlocked was left by a recorder that stopped without materialising it (SIGKILL, crash) and <see cref="Recover"/> may replay
/// it. A record cut short (or whose checksum fails) ends the journal: it and anything after it are dropped.</para>
/// </remarks>
internal sealed partial class TestCaseJournal : IDisposable
{
    /// <summary>The journal's file name inside the test-set folder (hidden: Keploy and our listings skip it).</summary>
    public const string FileName = ".tests.journal";

    private const uint Magic = 0x314A544B; // "KTJ1" little-endian
    private const int HeaderSize = 16;

    /// <summary>Longest name accepted in a record (bytes).</summary>
    public const int MaxNameBytes = 1024;

    private readonly FileStream _stream;
    private readonly SafeFileHandle _handle;
    private long _length;

    private TestCaseJournal(string path, FileStream stream, long length)
    {
        Path = path;
        _stream = stream;
        _handle = stream.SafeFileHandle;
        _length = length;
    }

    /// <summary>The journal's absolute path.</summary>
    public string Path { get; }

    /// <summary>Bytes in the journal.</summary>
    public long Length => Interlocked.Read(ref _length);

    /// <summary>Creates (or opens and truncates) the journal at <paramref name="path"/> and locks it for this process.</summary>
    /// <exception cref="IOException">The file cannot be created, or another live recorder holds it.</exception>
    public static TestCaseJournal Create(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.ReadWrite, BufferSize = 0 };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = KeployYaml.FileMode600;
        }

        // The stream only creates the file with mode 0600; reads and writes go through its handle (RandomAccess).
        var stream = new FileStream(path, options);
        SafeFileHandle handle = stream.SafeFileHandle;
        if (!TryLock(handle))
        {
            stream.Dispose();
            throw new IOException($"{path}: the test case journal is held by another recorder");
        }

        RandomAccess.SetLength(handle, 0);
        return new TestCaseJournal(path, stream, 0);
    }

    /// <summary>
    /// Adds one framed record to <paramref name="batch"/>: <paramref name="name"/> and <paramref name="content"/> encoded as UTF-8
    /// straight into the batch. Returns the content's offset within the batch and its length in bytes.
    /// </summary>
    public static (int Offset, int Length) Frame(ArrayBufferWriter<byte> batch, string name, string content)
    {
        int nameBytes = Encoding.UTF8.GetByteCount(name);
        int start = batch.WrittenCount;
        Span<byte> span = batch.GetSpan(HeaderSize + nameBytes + Encoding.UTF8.GetMaxByteCount(content.Length));
        Encoding.UTF8.GetBytes(name, span[HeaderSize..]);
        int contentBytes = Encoding.UTF8.GetBytes(content, span[(HeaderSize + nameBytes)..]);
        Span<byte> record = span[..(HeaderSize + nameBytes + contentBytes)];
        BinaryPrimitives.WriteUInt32LittleEndian(record, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(record[4..], nameBytes);
        BinaryPrimitives.WriteInt32LittleEndian(record[8..], contentBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(record[12..], Crc32.HashToUInt32(record[HeaderSize..]));
        batch.Advance(record.Length);
        return (start + HeaderSize + nameBytes, contentBytes);
    }

    /// <summary>Appends a batch of framed records with one write call; returns the journal offset of the batch's first byte.
    /// Not thread-safe: the caller serialises appends and truncation.</summary>
    /// <exception cref="IOException">The write failed.</exception>
    public long Append(ReadOnlySpan<byte> batch)
    {
        long at = _length;
        RandomAccess.Write(_handle, batch, at);
        Interlocked.Exchange(ref _length, at + batch.Length);
        return at;
    }

    /// <summary>Reads <paramref name="destination"/>.Length bytes at <paramref name="offset"/> (content written by <see cref="Append"/>).</summary>
    /// <exception cref="IOException">The journal is shorter than asked.</exception>
    public void Read(long offset, Span<byte> destination) => ReadExactly(_handle, destination, offset);

    /// <summary>Empties the journal (every record in it is materialised and synced). Not thread-safe, as <see cref="Append"/>.</summary>
    public void Truncate()
    {
        RandomAccess.SetLength(_handle, 0);
        Interlocked.Exchange(ref _length, 0);
    }

    /// <summary>Releases the lock and the file; with <paramref name="delete"/> the journal is removed first.</summary>
    public void Close(bool delete)
    {
        if (delete)
        {
            KeployYaml.TryDelete(Path);
        }

        _stream.Dispose();
    }

    /// <inheritdoc/>
    public void Dispose() => _stream.Dispose();

    /// <summary>
    /// Materialises a journal left by a recorder that stopped without doing so: every whole record becomes
    /// <c>&lt;testsDirectory&gt;/&lt;name&gt;.yaml</c> (written atomically unless a file of the same length already exists), the
    /// file system is synced and the journal deleted. A torn last record is dropped with one line to <paramref name="log"/>.
    /// Nothing happens when there is no journal or a live recorder holds it.
    /// </summary>
    /// <returns>Test case files written.</returns>
    /// <exception cref="IOException">The journal or a test case file cannot be read or written.</exception>
    public static int Recover(string journalPath, string testsDirectory, Action<string> log)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(journalPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
        catch (DirectoryNotFoundException)
        {
            return 0;
        }
        catch (IOException)
        {
            return 0; // .NET's own advisory lock (flock) of the recorder's open handle: a live recorder holds it
        }

        using (handle)
        {
            if (!TryLock(handle))
            {
                return 0; // a live recorder: it materialises its own journal
            }

            long length = RandomAccess.GetLength(handle);
            int written = 0;
            long offset = 0;
            byte[] header = new byte[HeaderSize];
            while (offset < length)
            {
                string? torn = null;
                if (length - offset < HeaderSize)
                {
                    torn = "cut short in its header";
                }
                else
                {
                    ReadExactly(handle, header, offset);
                    uint magic = BinaryPrimitives.ReadUInt32LittleEndian(header);
                    int nameBytes = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4));
                    int contentBytes = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8));
                    if (magic != Magic || nameBytes <= 0 || nameBytes > MaxNameBytes || contentBytes < 0)
                    {
                        torn = "not a record header";
                    }
                    else if (length - offset - HeaderSize < (long)nameBytes + contentBytes)
                    {
                        torn = "cut short";
                    }
                    else
                    {
                        byte[] body = ArrayPool<byte>.Shared.Rent(nameBytes + contentBytes);
                        try
                        {
                            Span<byte> record = body.AsSpan(0, nameBytes + contentBytes);
                            ReadExactly(handle, record, offset + HeaderSize);
                            string name = Encoding.UTF8.GetString(record[..nameBytes]);
                            if (Crc32.HashToUInt32(record) != BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(12)) || !IsPlainName(name))
                            {
                                torn = "checksum mismatch";
                            }
                            else
                            {
                                string target = System.IO.Path.Combine(testsDirectory, name + ".yaml");
                                if (!(File.Exists(target) && new FileInfo(target).Length == contentBytes))
                                {
                                    KeployYaml.CreateDirectory(testsDirectory);
                                    KeployYaml.WriteAllBytesAtomic(target, record[nameBytes..], flushToDisk: false);
                                    written++;
                                }

                                offset += HeaderSize + nameBytes + contentBytes;
                            }
                        }
                        finally
                        {
                            ArrayPool<byte>.Shared.Return(body);
                        }
                    }
                }

                if (torn is not null)
                {
                    log($"{journalPath}: dropped a torn test case record at byte {offset} ({torn}; {length - offset} bytes)");
                    break;
                }
            }

            if (written > 0 && OperatingSystem.IsLinux())
            {
                _ = SyncFs(handle);
            }

            File.Delete(journalPath);
            return written;
        }
    }

    /// <summary>Whether <paramref name="name"/> is usable as a test case file name (non-empty, no separator or NUL, not . or ..).</summary>
    public static bool IsPlainName(string name) =>
        !string.IsNullOrEmpty(name) && name.IndexOfAny(['/', '\\', '\0']) < 0 && name is not "." and not "..";

    private static void ReadExactly(SafeFileHandle handle, Span<byte> destination, long offset)
    {
        int done = 0;
        while (done < destination.Length)
        {
            int n = RandomAccess.Read(handle, destination[done..], offset + done);
            if (n <= 0)
            {
                throw new IOException($"the test case journal ends at {offset + done}, expected {destination.Length - done} more bytes");
            }

            done += n;
        }
    }

    private static bool TryLock(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return true; // FileShare rules stand in elsewhere
        }

        const int LOCK_EX = 2, LOCK_NB = 4;
        return Flock((int)handle.DangerousGetHandle(), LOCK_EX | LOCK_NB) == 0;
    }

    private static int SyncFs(SafeFileHandle handle) => SyncFsNative((int)handle.DangerousGetHandle());

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFsNative(int fd);
}
