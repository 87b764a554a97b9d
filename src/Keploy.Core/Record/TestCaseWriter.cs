using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Replay.Comparison;
using Keploy.Core.Storage;

namespace Keploy.Core.Record;

/// <summary>
/// Record mode's test case writer: the ingress queues each completed exchange (already named <c>test-N</c> in completion
/// order) and goes on; background tasks (one per core, at most four) detect noise (<see cref="AutoNoise.Detect"/>), build the test
/// case (<see cref="HttpSpec.CreateTestCase"/>), format it and append batches of formatted test cases to the test-set's journal
/// (<see cref="TestCaseJournal"/>, one write call per batch); when no exchange arrived for <see cref="IdleTime"/>, and at stop, the journal's test cases are
/// materialised as <c>tests/&lt;name&gt;.yaml</c> (<see cref="TestSetStore.WriteTestCaseFile"/>, atomic). When
/// <see cref="DisposeAsync"/> returns, the test-set holds Keploy's layout only (one file per test case, no journal).
/// </summary>
/// <remarks>
/// <para>Backpressure: the queue is bounded by bytes, not by count: up to <see cref="QueueByteCapacity"/> of pending exchanges
/// are accepted at once. Past that <see cref="EnqueueAsync"/> queues the exchange and returns a task that completes when the
/// writers are back under the bound (the connection waits; nothing is dropped), and <see cref="TryEnqueue"/> returns false
/// without queuing. Each such wait is counted (<see cref="Waits"/>) and reported on the console (at most one line per
/// <see cref="WaitReportInterval"/>).</para>
/// <para>Durability: each test case file is complete or absent at every moment (<c>O_TMPFILE</c> + <c>linkat</c>, else rename).
/// Nothing is fsynced one by one; the file system is synced (<see cref="TestSetStore.FlushToDisk"/>) at most every
/// <see cref="SyncInterval"/> while writing and once at the end; the journal is emptied only after a sync that follows the
/// materialisation of all its records. A crash of this process loses the exchanges still queued (whole); the test cases already in
/// the journal are materialised by the next reader of the test-set (<see cref="TestSetStore.RecoverTestCaseJournal"/>; a torn
/// last record is dropped with one log line). An OS crash or power loss may lose what was written since the last sync.</para>
/// <para>Ordering with mocks: a test case is journaled only after every mock queued on the mock writer before it
/// (<see cref="MockFileWriter.WaitWrittenAsync"/>) is in mocks.yaml, counting the mocks queued up to the moment its batch is
/// appended, at least <see cref="SettleTime"/> after its response completed. The mocks a test depends on were recorded before its
/// response completed (the app answers after its own calls returned), and the settle time covers the proxy's relaying task
/// that records a mock just after it relayed the last response byte. So a SIGKILL leaves no test case whose mocks are missing
/// from mocks.yaml; tests queued but not yet journaled are lost whole.</para>
/// </remarks>
internal sealed class TestCaseWriter : IAsyncDisposable
{
    /// <summary>Bytes of pending exchanges (bodies, headers, URL, plus <see cref="ItemOverhead"/> each) accepted before callers wait.</summary>
    public const long QueueByteCapacity = 256L << 20;

    /// <summary>Bytes counted per queued exchange beyond its bodies, header texts and URL.</summary>
    public const int ItemOverhead = 512;

    /// <summary>Most bytes of formatted test cases appended to the journal with one write call.</summary>
    public const int MaxBatchBytes = 64 << 10;

    /// <summary>Test case files materialised between two looks at the queue while the writers are idle (see <see cref="IdleTime"/>).</summary>
    public const int MaterialiseChunk = 64;

    /// <summary>Least time between an exchange completing and its test case being written (see the remarks).</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(50);

    /// <summary>Time without a new exchange after which the writers create the test case files waiting in the journal.</summary>
    public static readonly TimeSpan IdleTime = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest time between two syncs of the written files while recording.</summary>
    public static readonly TimeSpan SyncInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Extra wait added when a writer has caught up and must let a fresh exchange settle: the exchanges that arrive meanwhile are
    /// then old enough to be written in one go, rather than each one costing a timer of its own (a wake-up per test case).
    /// </summary>
    public static readonly TimeSpan SettleBatch = TimeSpan.FromMilliseconds(10);

    /// <summary>Least time between two console lines saying the writers fall behind.</summary>
    public static readonly TimeSpan WaitReportInterval = TimeSpan.FromSeconds(5);

    private readonly TestSetStore _store;
    private readonly string _testSetId;
    private readonly MockFileWriter? _mocks;
    private readonly Action<TestCase, string>? _recorded;
    private readonly Action<string> _log;
    private readonly Channel<Item> _queue = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = false });
    private readonly TestCaseJournal _journal;

    // Journal state under _journalLock: appends, the records not yet materialised (_pending, then _inFlight while a task writes
    // one), truncation; _keepJournal once a record could not be materialised (the journal then stays for the next reader).
    private readonly object _journalLock = new();
    private readonly Queue<Pending> _pending = new();
    private int _inFlight;
    private bool _keepJournal;

    private readonly Task _loops;
    private readonly object _syncLock = new();
    private readonly object _roomLock = new();
    private TaskCompletionSource? _room;
    private readonly long _capacity;
    private long _pendingBytes;
    private long _lastSync = Stopwatch.GetTimestamp();
    private int _unsynced;
    private int _written;
    private int _materialised;
    private readonly string _testsDirectory;
    private int _waits;
    private long _lastWaitLog;

    /// <summary>Starts the background writers and creates the test-set's journal.</summary>
    /// <param name="store">Where to write.</param>
    /// <param name="testSetId">The test-set being recorded.</param>
    /// <param name="mocks">The test-set's mock writer: test cases are written after the mocks queued before them; null for none.</param>
    /// <param name="recorded">Called on a writer task after each test case is journaled, with a one-line summary of the call
    /// (<c>GET http://127.0.0.1:5100/x -&gt; 200</c>, <c>gRPC /quotes.Quotes/GetQuote -&gt; 0</c>); concurrently from several tasks.</param>
    /// <param name="log">One line per test case that could not be written, and the falling-behind notices.</param>
    /// <param name="queueByteCapacity">Bytes of pending exchanges accepted before callers wait (<see cref="QueueByteCapacity"/>).</param>
    /// <exception cref="IOException">The journal cannot be created.</exception>
    public TestCaseWriter(
        TestSetStore store, string testSetId, MockFileWriter? mocks, Action<TestCase, string>? recorded, Action<string> log,
        long queueByteCapacity = QueueByteCapacity)
    {
        _capacity = queueByteCapacity;
        _store = store;
        _testSetId = testSetId;
        _testsDirectory = store.TestsDirectory(testSetId);
        _mocks = mocks;
        _recorded = recorded;
        _log = log;
        _journal = store.OpenTestCaseJournal(testSetId);
        // One writer per core (at most 4): formatting dominates, and files are independent (names are given when queued).
        _loops = Task.WhenAll(Enumerable.Range(0, Math.Clamp(Environment.ProcessorCount, 1, 4)).Select(_ => Task.Run(WriteLoopAsync)));
    }

    /// <summary>Test cases written so far (journaled; their files may still be being materialised).</summary>
    public int Written => Volatile.Read(ref _written);

    /// <summary>Test case files materialised from the journal so far.</summary>
    public int Materialised => Volatile.Read(ref _materialised);

    /// <summary>Bytes of exchanges queued and not yet journaled (see <see cref="QueueByteCapacity"/>).</summary>
    public long PendingBytes => Interlocked.Read(ref _pendingBytes);

    /// <summary>Called on a writer task with each test case just before it is written (for example to redact it); null for none.</summary>
    public Action<TestCase>? Prepare { get; set; }

    /// <summary>
    /// Queues one exchange to be written as test case <paramref name="name"/>. Completes at once while fewer than
    /// <see cref="QueueByteCapacity"/> bytes are pending; otherwise the exchange is queued and the task completes when the
    /// writers are back under the bound.
    /// </summary>
    /// <exception cref="ChannelClosedException">The writer was disposed.</exception>
    public ValueTask EnqueueAsync(string name, int appPort, HttpRequestRecord request, HttpResponseRecord response) =>
        Enqueue(HttpItem(name, appPort, request, response), wait: true) ? ValueTask.CompletedTask : WaitForRoomAsync();

    /// <summary>
    /// Queues one exchange without ever blocking: true when queued; false (nothing queued, counted in <see cref="Waits"/> and
    /// reported) while <see cref="QueueByteCapacity"/> bytes are pending. The caller keeps the exchange and tries again later.
    /// </summary>
    /// <exception cref="ChannelClosedException">The writer was disposed.</exception>
    public bool TryEnqueue(string name, int appPort, HttpRequestRecord request, HttpResponseRecord response) =>
        Enqueue(HttpItem(name, appPort, request, response), wait: false);

    /// <summary>
    /// Queues a test case of another protocol, built on a writer task by <paramref name="build"/> (given <paramref name="name"/>);
    /// <paramref name="summary"/> names the call in logs (<c>gRPC /quotes.Quotes/GetQuote -&gt; 0</c>). Waits as <see cref="EnqueueAsync"/>.
    /// </summary>
    /// <exception cref="ChannelClosedException">The writer was disposed.</exception>
    public ValueTask EnqueueTestCaseAsync(string name, Func<string, TestCase> build, string summary)
    {
        Item item = new(name, () => build(name), () => summary, Stopwatch.GetTimestamp(), ItemOverhead);
        return Enqueue(item, wait: true) ? ValueTask.CompletedTask : WaitForRoomAsync();
    }

    private static Item HttpItem(string name, int appPort, HttpRequestRecord request, HttpResponseRecord response) => new(
        name,
        () => HttpSpec.CreateTestCase(name, request, response, new Dictionary<string, List<string>>(AutoNoise.Detect(response), StringComparer.Ordinal), appPort),
        () => $"{request.Method} {request.Url} -> {response.StatusCode}",
        Stopwatch.GetTimestamp(),
        ItemOverhead + request.Url.Length + request.Body.Bytes.Length + response.Body.Bytes.Length + HeaderChars(request.Header) + HeaderChars(response.Header))
    {
        Emit = text => EmitHttp(text, name, appPort, request, response),
    };

    // The test case text straight from the exchange (HttpTestCaseText, the same bytes as formatting Build's nodes), and the test
    // case handed to `recorded`: its spec is built from the exchange only if a listener reads it.
    private static TestCase EmitHttp(StringBuilder text, string name, int appPort, HttpRequestRecord request, HttpResponseRecord response)
    {
        long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        SortedDictionary<string, List<string>> noise = AutoNoise.Detect(response);
        string curl = HttpTestCaseText.Write(text, name, request, response, noise, appPort, created);
        TestCase testCase = new() { Kind = "Http", Name = name };
        testCase.DeferSpec(() => HttpSpec.CreateTestCase(name, request, response, new Dictionary<string, List<string>>(noise, StringComparer.Ordinal), appPort, created).Spec);
        testCase.Curl = curl;
        return testCase;
    }

    private static long HeaderChars(Dictionary<string, string> headers)
    {
        long n = 0;
        foreach (KeyValuePair<string, string> pair in headers)
        {
            n += pair.Key.Length + pair.Value.Length + 4;
        }

        return n;
    }

    // True when queued under the bound. Over the bound: queued anyway when wait (the caller then waits for room), else not queued.
    private bool Enqueue(Item item, bool wait)
    {
        if (Interlocked.Read(ref _pendingBytes) < _capacity)
        {
            Interlocked.Add(ref _pendingBytes, item.Bytes);
            if (!_queue.Writer.TryWrite(item))
            {
                Interlocked.Add(ref _pendingBytes, -item.Bytes);
                throw new ChannelClosedException();
            }

            return true;
        }

        // Over the bound: the writers fall behind the traffic. Never dropped silently: queued and waited for, or refused.
        int waits = Interlocked.Increment(ref _waits);
        long last = Interlocked.Read(ref _lastWaitLog);
        if ((last == 0 || Stopwatch.GetElapsedTime(last) >= WaitReportInterval)
            && Interlocked.CompareExchange(ref _lastWaitLog, Stopwatch.GetTimestamp(), last) == last)
        {
            _log($"record: test case writers are {Interlocked.Read(ref _pendingBytes) >> 20} MiB of exchanges behind; "
                + $"connections wait for room ({waits} waits so far)");
        }

        if (wait)
        {
            Interlocked.Add(ref _pendingBytes, item.Bytes);
            if (!_queue.Writer.TryWrite(item))
            {
                Interlocked.Add(ref _pendingBytes, -item.Bytes);
                throw new ChannelClosedException();
            }
        }

        return false;
    }

    private ValueTask WaitForRoomAsync()
    {
        lock (_roomLock)
        {
            if (Interlocked.Read(ref _pendingBytes) < _capacity)
            {
                return ValueTask.CompletedTask;
            }

            _room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return new ValueTask(_room.Task);
        }
    }

    private void Release(long bytes)
    {
        if (Interlocked.Add(ref _pendingBytes, -bytes) < _capacity && Volatile.Read(ref _room) is not null)
        {
            lock (_roomLock)
            {
                _room?.TrySetResult();
                _room = null;
            }
        }
    }

    /// <summary>Times an exchange met <see cref="QueueByteCapacity"/> bytes already pending (waited, or refused by <see cref="TryEnqueue"/>).</summary>
    public int Waits => Volatile.Read(ref _waits);

    /// <summary>Writes everything queued, materialises every test case file, syncs the file system, removes the journal and stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loops.ConfigureAwait(false);
        // Every test case file, one task per core (the files are independent).
        await Task.WhenAll(Enumerable.Range(0, Math.Clamp(Environment.ProcessorCount, 1, 4)).Select(_ => Task.Run(() => TryMaterialise(int.MaxValue)))).ConfigureAwait(false);
        bool complete;
        lock (_journalLock)
        {
            complete = _pending.Count == 0 && _inFlight == 0 && !_keepJournal;
        }

        Sync();
        // A journal whose records could not all be materialised stays for the next reader of the test-set to retry.
        _journal.Close(delete: complete);
    }

    private async Task WriteLoopAsync()
    {
        ChannelReader<Item> reader = _queue.Reader;
        ArrayBufferWriter<byte> batch = new(64 * 1024);
        StringBuilder scratch = new(4096);
        List<(Item Item, TestCase TestCase, int Offset, int Length)> entries = [];
        Item? carried = null;
        while (true)
        {
            if (carried is null && !await WaitForWorkAsync(reader).ConfigureAwait(false))
            {
                return;
            }

            while (carried is not null || reader.TryRead(out carried))
            {
                Item item = carried;
                carried = null;
                TimeSpan young = SettleTime - Stopwatch.GetElapsedTime(item.Queued);
                if (young > TimeSpan.Zero)
                {
                    if (entries.Count > 0)
                    {
                        // Items behind this one are younger still: write what is ready, then let this one settle.
                        carried = item;
                        break;
                    }

                    // Only when the writers have caught up with fresh exchanges: items behind this one are younger still.
                    await Task.Delay(young + SettleBatch).ConfigureAwait(false);
                }

                Format(item, scratch, batch, entries);
                if (batch.WrittenCount >= MaxBatchBytes)
                {
                    break;
                }
            }

            if (entries.Count > 0)
            {
                await AppendAsync(batch, entries).ConfigureAwait(false);
            }

            SyncIfDue();
        }
    }

    // Waits for an exchange (true) or the end of the queue (false). While journal records wait to become files and no exchange
    // arrives for IdleTime, creates them, a chunk at a time, until an exchange arrives: under traffic the files wait for stop.
    // Also syncs what was written once SyncInterval has passed since the last sync.
    private async ValueTask<bool> WaitForWorkAsync(ChannelReader<Item> reader)
    {
        while (true)
        {
            ValueTask<bool> next = reader.WaitToReadAsync();
            if (next.IsCompleted || (!HasPending && Volatile.Read(ref _unsynced) == 0))
            {
                return await next.ConfigureAwait(false);
            }

            Task<bool> arrival = next.AsTask();
            if (await Task.WhenAny(arrival, Task.Delay(IdleTime)).ConfigureAwait(false) == arrival)
            {
                return await arrival.ConfigureAwait(false);
            }

            while (reader.Count == 0 && TryMaterialise(MaterialiseChunk) > 0)
            {
                SyncIfDue();
            }

            SyncIfDue();
            if (reader.Count > 0 || arrival.IsCompleted)
            {
                return await arrival.ConfigureAwait(false);
            }
        }
    }

    private bool HasPending
    {
        get
        {
            lock (_journalLock)
            {
                return _pending.Count > 0 && !_keepJournal;
            }
        }
    }

    private void SyncIfDue()
    {
        if (Volatile.Read(ref _unsynced) != 0 && Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastSync)) >= SyncInterval
            && Monitor.TryEnter(_syncLock))
        {
            try
            {
                Sync();
                Interlocked.Exchange(ref _lastSync, Stopwatch.GetTimestamp());
            }
            finally
            {
                Monitor.Exit(_syncLock);
            }
        }
    }

    private void Format(Item item, StringBuilder scratch, ArrayBufferWriter<byte> batch, List<(Item, TestCase, int, int)> entries)
    {
        try
        {
            if (!TestCaseJournal.IsPlainName(item.Name))
            {
                throw new ArgumentException($"test case name '{item.Name}' is not a valid file name");
            }

            TestCase testCase;
            string text;
            Action<TestCase>? prepare = Prepare;
            if (item.Emit is not null && prepare is null)
            {
                scratch.Clear();
                testCase = item.Emit(scratch);
                text = scratch.ToString();
            }
            else
            {
                testCase = item.Build();
                prepare?.Invoke(testCase);
                if (!TestCaseJournal.IsPlainName(testCase.Name))
                {
                    throw new ArgumentException($"test case name '{testCase.Name}' is not a valid file name");
                }

                text = KeployYaml.FormatTestCase(testCase);
            }

            (int offset, int length) = TestCaseJournal.Frame(batch, testCase.Name, text);
            testCase.FilePath = Path.Join(_testsDirectory, testCase.Name + ".yaml");
            entries.Add((item, testCase, offset, length));
        }
        catch (Exception ex)
        {
            Release(item.Bytes);
            _log($"record: could not record {item.Summary()} as {item.Name}: {ex.Message}");
        }
    }

    private async Task AppendAsync(ArrayBufferWriter<byte> batch, List<(Item Item, TestCase TestCase, int Offset, int Length)> entries)
    {
        if (_mocks is not null)
        {
            // Every mock queued until now (so every mock these exchanges depend on) is in mocks.yaml before they are journaled.
            await _mocks.WaitWrittenAsync(_mocks.Enqueued).ConfigureAwait(false);
        }

        bool ok;
        try
        {
            lock (_journalLock)
            {
                long at = _journal.Append(batch.WrittenSpan);
                foreach ((Item item, TestCase testCase, int offset, int length) in entries)
                {
                    _pending.Enqueue(new Pending(testCase.Name, at + offset, length));
                }
            }

            ok = true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The journal cannot take the batch: write the files directly (each atomic), so nothing is lost for a full journal.
            ok = false;
            _log($"record: could not append {entries.Count} test case(s) to {_journal.Path}: {ex.Message}; writing their files directly");
        }

        foreach ((Item item, TestCase testCase, int offset, int length) in entries)
        {
            try
            {
                if (!ok)
                {
                    _store.WriteTestCaseFile(_testSetId, testCase.Name, batch.WrittenSpan.Slice(offset, length));
                }

                Interlocked.Increment(ref _written);
                _recorded?.Invoke(testCase, item.Summary());
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                _log($"record: could not record {item.Summary()} as {item.Name}: {ex.Message}");
            }
            finally
            {
                Release(item.Bytes);
            }
        }

        Volatile.Write(ref _unsynced, 1);
        entries.Clear();
        batch.ResetWrittenCount();
    }

    // At most `count` pending journal records become files (several tasks may do this at once: the files are independent).
    // Returns how many; 0 when none is pending or a record could not be materialised (the journal is then kept, see Sync).
    private int TryMaterialise(int count)
    {
        int done = 0;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (done < count)
            {
                Pending next;
                lock (_journalLock)
                {
                    if (_keepJournal || !_pending.TryDequeue(out next))
                    {
                        break;
                    }

                    _inFlight++;
                }

                if (buffer.Length < next.Length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(next.Length);
                }

                bool ok = false;
                try
                {
                    Span<byte> content = buffer.AsSpan(0, next.Length);
                    _journal.Read(next.Offset, content);
                    _store.WriteTestCaseFile(_testSetId, next.Name, content);
                    ok = true;
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // The journal then stays on disk for the next reader of the test-set to retry (it holds this record).
                    _log($"record: could not create {next.Name}.yaml from {_journal.Path}: {ex.Message}; the journal is kept for the next load to retry");
                }

                lock (_journalLock)
                {
                    _inFlight--;
                    _keepJournal |= !ok;
                }

                if (!ok)
                {
                    break;
                }

                Interlocked.Increment(ref _materialised);
                Volatile.Write(ref _unsynced, 1);
                done++;
            }

            return done;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Sync()
    {
        Volatile.Write(ref _unsynced, 0);
        try
        {
            // Whatever is materialised before this sync is durable after it; the journal can be emptied when that is all of it.
            long drainedLength;
            lock (_journalLock)
            {
                drainedLength = _pending.Count == 0 && _inFlight == 0 && !_keepJournal ? _journal.Length : -1;
            }

            _store.FlushToDisk(_testSetId);
            lock (_journalLock)
            {
                if (drainedLength > 0 && _journal.Length == drainedLength)
                {
                    // Nothing appended since every record was materialised before the sync: each one is a synced file.
                    _journal.Truncate();
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _log($"record: could not flush the test cases of {_testSetId} to disk: {ex.Message}");
        }
    }

    private sealed record Item(string Name, Func<TestCase> Build, Func<string> Summary, long Queued, long Bytes)
    {
        /// <summary>Writes the test case's file text straight into the builder and returns the test case (the fast path for
        /// shapes that have one, taken while no <see cref="Prepare"/> is set); null to format <see cref="Build"/>'s nodes.</summary>
        public Func<StringBuilder, TestCase>? Emit { get; init; }
    }

    private readonly record struct Pending(string Name, long Offset, int Length);
}
