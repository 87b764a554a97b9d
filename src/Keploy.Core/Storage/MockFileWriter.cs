using System.Globalization;
using System.Text;
using Keploy.Core.Models;
using Keploy.Core.Proxy;

namespace Keploy.Core.Storage;

/// <summary>
/// Appends recorded mocks to a test-set's <c>mocks.yaml</c> as they complete (record mode). Thread-safe.
/// </summary>
/// <remarks>
/// <para><see cref="Record"/> names the mock and queues it (bounded: a caller waits while <see cref="QueueCapacity"/> mocks or
/// <see cref="QueueBytes"/> bytes of recorded traffic are queued, and the first wait of each such episode is reported through
/// <see cref="Log"/>; nothing is dropped); one background thread takes everything queued, formats the documents (the header line
/// before the first one, a <c>---</c> line before every later one) and appends them with <b>one</b> write call per batch (at most
/// about 1 MiB). The file therefore holds whole documents only, in the order <see cref="Record"/> named them. Under load the writer
/// lets mocks gather for a millisecond after each batch, so it wakes at most about a thousand times a second; an isolated mock is
/// written at once. <see cref="Dispose"/> writes everything queued, then flushes the file to disk (fsync).
/// Durability: a mock is in the operating system's cache within a batch of being recorded; a crash of this process loses
/// the mocks still queued (at most <see cref="QueueCapacity"/>), an OS crash or power loss may lose the tail not yet flushed.</para>
/// <para>Names: a mock without a name gets <c>mock-&lt;N&gt;</c>, N counting from one past the highest <c>mock-N</c> already in the
/// file, skipping names already used in the file, so names are unique within the test-set (unlike Keploy bug #4620).</para>
/// </remarks>
public sealed class MockFileWriter : IMockRecorder, IDeferredMockRecorder, IDisposable
{
    /// <summary>Mocks queued at most before <see cref="Record"/> waits for the background writer.</summary>
    public const int QueueCapacity = 4096;

    /// <summary>Bytes of recorded traffic (as the recorders count them) queued at most before <see cref="Record"/> waits.</summary>
    public const long QueueBytes = 64L << 20;

    /// <summary>The size counted for a mock whose recorder gave none.</summary>
    private const long UnknownMockBytes = 4096;

    private const int MaxBatchBytes = 1 << 20;

    private readonly object _lock = new();
    private readonly FileStream _stream;
    private readonly Queue<Queued> _queue = new();
    private long _queuedBytes;
    private bool _writerWaiting;
    private bool _full;
    private long _fullWaits;

    private readonly Thread _writer;
    private Exception? _writeError;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _enqueued;
    private long _written;
    private volatile bool _finished;
    private long _next;
    private bool _empty;
    private bool _disposed;

    /// <summary>Opens (creating when missing) <paramref name="mocksPath"/> for appending. Reads existing names to continue the numbering.</summary>
    /// <exception cref="KeployFormatException">The existing file is malformed.</exception>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public MockFileWriter(string mocksPath)
    {
        Path = System.IO.Path.GetFullPath(mocksPath);
        if (File.Exists(Path) && new FileInfo(Path).Length > 0)
        {
            foreach ((YamlDotNet.RepresentationModel.YamlNode root, SourceLocation _) in KeployYaml.ReadNodes(Path))
            {
                string? name = YamlNodes.GetString(root as YamlDotNet.RepresentationModel.YamlMappingNode, "name");
                if (name is not null)
                {
                    _names.Add(name);
                    if (name.StartsWith("mock-", StringComparison.Ordinal)
                        && long.TryParse(name.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out long n) && n >= _next)
                    {
                        _next = n + 1;
                    }
                }
            }
        }

        _stream = new FileStream(Path, KeployYaml.NewFileOptions(FileMode.Append, 0));
        _empty = _stream.Length == 0;
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "keploy mocks.yaml writer" };
        _writer.Start();
    }

    /// <summary>The absolute path of the mocks file.</summary>
    public string Path { get; }

    /// <summary>Where the background writer reports a mock it could not format (one line), or null.</summary>
    public Action<string>? Log { get; set; }

    /// <summary>Times a caller of <see cref="Record"/> waited because the queue was full (see the class remarks).</summary>
    public long FullWaits => Interlocked.Read(ref _fullWaits);

    /// <summary>How many mocks this writer accepted (queued or written).</summary>
    public int Count { get; private set; }

    /// <summary>
    /// How many mocks were queued so far: the sequence number of the latest one (mocks are numbered 1, 2, ... in the order
    /// <see cref="Record"/> was called).
    /// </summary>
    public long Enqueued => Interlocked.Read(ref _enqueued);

    /// <summary>How many of the queued mocks are in the file (handed to the OS with <c>write(2)</c>, or skipped and logged).</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Called on the writer thread with each mock just before it is formatted (for example to redact it); null for none.</summary>
    public Action<Mock>? Prepare { get; set; }

    /// <summary>
    /// Completes once the first <paramref name="sequence"/> mocks are in the file (<see cref="Written"/>), so that whatever
    /// depends on them (a test case) is written after them: a crash of this process then never leaves a test without the mocks
    /// recorded before it. Also completes when the writer stops (disposed, or a write failed).
    /// </summary>
    public async ValueTask WaitWrittenAsync(long sequence)
    {
        while (true)
        {
            Task progress = Volatile.Read(ref _progress).Task;
            if (Interlocked.Read(ref _written) >= sequence || _finished)
            {
                return;
            }

            await progress.ConfigureAwait(false);
        }
    }

    /// <summary>Names the mock when unnamed and queues it for the background writer; see the class remarks.</summary>
    /// <exception cref="ObjectDisposedException">The writer was disposed.</exception>
    /// <exception cref="IOException">An earlier batch could not be written (the message names the file).</exception>
    public void Record(Mock mock)
    {
        ArgumentNullException.ThrowIfNull(mock);
        Enqueue(mock, null, UnknownMockBytes);
    }

    /// <summary>
    /// Queues a mock that <paramref name="build"/> creates on the background writer; the name (when the built mock has none) is
    /// reserved now, so names follow the order of the calls. See <see cref="IDeferredMockRecorder"/>.
    /// </summary>
    void IDeferredMockRecorder.Record(Func<Mock> build)
    {
        ArgumentNullException.ThrowIfNull(build);
        Enqueue(null, build, UnknownMockBytes);
    }

    /// <inheritdoc cref="IDeferredMockRecorder.Record(Func{Mock}, long)"/>
    void IDeferredMockRecorder.Record(Func<Mock> build, long bytes)
    {
        ArgumentNullException.ThrowIfNull(build);
        Enqueue(null, build, Math.Max(bytes, 1));
    }

    /// <summary>
    /// As <see cref="IDeferredMockRecorder.Record(Func{Mock}, long)"/>; the writer appends <paramref name="text"/>'s document
    /// while no <see cref="Prepare"/> hook is set (else it builds and prepares the mock as usual).
    /// </summary>
    void IDeferredMockRecorder.Record(Func<Mock> build, long bytes, string kind, Action<StringBuilder, string> text)
    {
        ArgumentNullException.ThrowIfNull(build);
        ArgumentNullException.ThrowIfNull(text);
        Enqueue(null, build, Math.Max(bytes, 1), text);
    }

    private void Enqueue(Mock? mock, Func<Mock>? build, long bytes, Action<StringBuilder, string>? text = null)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_writeError is not null)
            {
                throw new IOException($"{Path}: {_writeError.Message}", _writeError);
            }

            string name;
            if (mock is not null && !string.IsNullOrEmpty(mock.Name))
            {
                name = mock.Name;
            }
            else
            {
                do
                {
                    name = "mock-" + _next.ToString(CultureInfo.InvariantCulture);
                    _next++;
                }
                while (_names.Contains(name));

                if (mock is not null)
                {
                    mock.Name = name;
                }
            }

            _names.Add(name);
            while ((_queue.Count >= QueueCapacity || _queuedBytes + bytes > QueueBytes) && _queue.Count > 0 && _writeError is null)
            {
                // Full: wait for the writer thread (it takes the queue under this lock and pulses when it made room).
                if (!_full)
                {
                    _full = true;
                    Log?.Invoke($"{Path}: the mock writer is {_queue.Count} mocks ({_queuedBytes / 1024} KiB) behind; connections wait for it (nothing is dropped)");
                }

                Interlocked.Increment(ref _fullWaits);
                Monitor.Wait(_lock);
                ObjectDisposedException.ThrowIf(_disposed, this);
            }

            _queue.Enqueue(new Queued(mock, build, name, bytes, text));
            _queuedBytes += bytes;
            if (_writerWaiting)
            {
                Monitor.Pulse(_lock);
            }

            Count++;
            Interlocked.Increment(ref _enqueued);
        }
    }

    /// <summary>Writes every queued mock, flushes to disk and closes the file.</summary>
    /// <exception cref="IOException">A batch could not be written.</exception>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Monitor.PulseAll(_lock);
        }

        _writer.Join();
        _finished = true;
        Signal();
        try
        {
            _stream.Flush(flushToDisk: true);
        }
        finally
        {
            _stream.Dispose();
        }

        if (_writeError is not null)
        {
            throw new IOException($"{Path}: {_writeError.Message}", _writeError);
        }
    }

    private void WriteLoop()
    {
        UTF8Encoding utf8 = new(false);
        StringBuilder sb = new();
        List<Queued> batch = new();
        long taken = 0;
        while (true)
        {
            batch.Clear();
            lock (_lock)
            {
                while (_queue.Count == 0 && !_disposed)
                {
                    // A blocking wait without spinning: the relay threads keep the CPU.
                    _writerWaiting = true;
                    Monitor.Wait(_lock);
                    _writerWaiting = false;
                }

                if (_queue.Count == 0)
                {
                    break; // disposed and drained
                }

                while (_queue.TryDequeue(out Queued? q))
                {
                    batch.Add(q);
                    _queuedBytes -= q.Bytes;
                }

                _full = false;
                Monitor.PulseAll(_lock); // callers waiting for room
            }

            sb.Clear();
            foreach (Queued item in batch)
            {
                taken++;
                if (_writeError is null)
                {
                    Format(sb, item);
                }

                if (sb.Length >= MaxBatchBytes)
                {
                    Append(utf8, sb);
                }
            }

            Append(utf8, sb);
            Interlocked.Exchange(ref _written, taken);
            Signal();
            if (!Volatile.Read(ref _disposed))
            {
                Thread.Sleep(1); // let the next mocks gather (see the class remarks)
            }
        }
    }

    private void Format(StringBuilder sb, Queued item)
    {
        int mark = sb.Length;
        Mock? mock = item.Mock;
        try
        {
            if (mock is null && item.Text is not null && Prepare is null)
            {
                sb.Append(_empty ? KeployYaml.HeaderLine + "\n" : "---\n");
                item.Text(sb, item.Name);
                _empty = false;
                return;
            }

            if (mock is null)
            {
                mock = item.Build!();
                if (string.IsNullOrEmpty(mock.Name))
                {
                    mock.Name = item.Name;
                }
            }

            Prepare?.Invoke(mock);
            sb.Append(_empty ? KeployYaml.HeaderLine + "\n" : "---\n");
            KeployYamlWriter.WriteDocument(sb, KeployYaml.ToNode(mock), KeployYaml.MockIndent);
            _empty = false;
        }
        catch (Exception ex)
        {
            sb.Length = mark;
            // Skipped (the file stays valid); reported through Log.
            Log?.Invoke($"{Path}: mock '{item.Name}' could not be built or formatted, not written: {ex.Message}");
        }
    }

    /// <summary>Appends the formatted documents with one write call (whole documents only) and clears <paramref name="sb"/>.</summary>
    private void Append(UTF8Encoding utf8, StringBuilder sb)
    {
        if (sb.Length != 0 && _writeError is null)
        {
            try
            {
                // Encoded chunk by chunk into one pooled buffer: no string copy of the batch (up to 1 MiB, a large-object
                // allocation per batch) and no fresh byte array; still one write call for the batch.
                byte[] bytes = System.Buffers.ArrayPool<byte>.Shared.Rent(utf8.GetMaxByteCount(sb.Length));
                try
                {
                    Encoder encoder = utf8.GetEncoder();
                    int length = 0;
                    foreach (ReadOnlyMemory<char> chunk in sb.GetChunks())
                    {
                        length += encoder.GetBytes(chunk.Span, bytes.AsSpan(length), flush: false);
                    }

                    length += encoder.GetBytes(ReadOnlySpan<char>.Empty, bytes.AsSpan(length), flush: true);
                    _stream.Write(bytes, 0, length);
                }
                finally
                {
                    System.Buffers.ArrayPool<byte>.Shared.Return(bytes);
                }
            }
            catch (Exception ex)
            {
                _writeError = ex;
                _finished = true;
            }
        }

        sb.Clear();
    }

    private void Signal()
    {
        TaskCompletionSource done = Interlocked.Exchange(ref _progress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        done.TrySetResult();
    }

    private sealed record Queued(Mock? Mock, Func<Mock>? Build, string Name, long Bytes, Action<StringBuilder, string>? Text);
}
