using System.Diagnostics;
using System.Threading.Channels;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Replay.Comparison;
using Keploy.Core.Storage;

namespace Keploy.Core.Record;

/// <summary>
/// Record mode's test case writer: the ingress relay queues each completed exchange (already named <c>test-N</c> in completion
/// order) and goes on relaying; background tasks (one per core, at most four) detect noise (<see cref="AutoNoise.Detect"/>), builds the test case
/// (<see cref="HttpSpec.CreateTestCase"/>) and writes it atomically (<see cref="TestSetStore.WriteTestCase(string, TestCase, bool)"/>,
/// temp file then rename).
/// </summary>
/// <remarks>
/// <para>Backpressure: at most <see cref="QueueCapacity"/> exchanges wait; <see cref="EnqueueAsync"/> then waits for room, so a
/// connection is slowed down rather than anything dropped; each such wait is counted (<see cref="Waits"/>) and reported on the
/// console (at most one line per <see cref="WaitReportInterval"/>). <see cref="DisposeAsync"/> writes everything queued.</para>
/// <para>Durability: each file is complete or absent at every moment (<c>O_TMPFILE</c> + <c>linkat</c>, else rename). Files are
/// not fsynced one by one; the file system is synced (<see cref="TestSetStore.FlushToDisk"/>) at most every
/// <see cref="SyncInterval"/> while writing and once at the end. A crash of this process loses the exchanges still queued
/// (whole: a test case is never half-written); an OS crash or power loss may lose files written since the last sync.</para>
/// <para>Ordering with mocks: a test case is written only after every mock queued on the mock writer before it
/// (<see cref="MockFileWriter.WaitWrittenAsync"/>) is in mocks.yaml, counting the mocks queued up to the moment the test is
/// written, at least <see cref="SettleTime"/> after its response completed. The mocks a test depends on were recorded before its
/// response completed (the app answers after its own calls returned), and the settle time covers the proxy's relaying task
/// that records a mock just after it relayed the last response byte. So a SIGKILL leaves no test case whose mocks are missing
/// from mocks.yaml; tests queued but not yet written are lost whole.</para>
/// </remarks>
internal sealed class TestCaseWriter : IAsyncDisposable
{
    /// <summary>Exchanges queued at most before <see cref="EnqueueAsync"/> waits.</summary>
    public const int QueueCapacity = 2048;

    /// <summary>Least time between an exchange completing and its test case being written (see the remarks).</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(50);

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
    private readonly Channel<Item> _queue = Channel.CreateBounded<Item>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly Task _loops;
    private readonly object _syncLock = new();
    private long _lastSync = Stopwatch.GetTimestamp();
    private int _unsynced;
    private int _written;
    private int _waits;
    private long _lastWaitLog;

    /// <summary>Starts the background writer.</summary>
    /// <param name="store">Where to write.</param>
    /// <param name="testSetId">The test-set being recorded.</param>
    /// <param name="mocks">The test-set's mock writer: test cases are written after the mocks queued before them; null for none.</param>
    /// <param name="recorded">Called on a writer task after each test case is written, with a one-line summary of the call
    /// (<c>GET http://127.0.0.1:5100/x -&gt; 200</c>, <c>gRPC /quotes.Quotes/GetQuote -&gt; 0</c>); concurrently from several tasks.</param>
    /// <param name="log">One line per test case that could not be written.</param>
    public TestCaseWriter(TestSetStore store, string testSetId, MockFileWriter? mocks, Action<TestCase, string>? recorded, Action<string> log)
    {
        _store = store;
        _testSetId = testSetId;
        _mocks = mocks;
        _recorded = recorded;
        _log = log;
        // One writer per core (at most 4): formatting dominates, and files are independent (names are given when queued).
        _loops = Task.WhenAll(Enumerable.Range(0, Math.Clamp(Environment.ProcessorCount, 1, 4)).Select(_ => Task.Run(WriteLoopAsync)));
    }

    /// <summary>Test cases written so far.</summary>
    public int Written => Volatile.Read(ref _written);

    /// <summary>Called on a writer task with each test case just before it is written (for example to redact it); null for none.</summary>
    public Action<TestCase>? Prepare { get; set; }

    /// <summary>Queues one exchange to be written as test case <paramref name="name"/>; waits while the queue is full.</summary>
    /// <exception cref="ChannelClosedException">The writer was disposed.</exception>
    public ValueTask EnqueueAsync(string name, int appPort, HttpRequestRecord request, HttpResponseRecord response)
    {
        Item item = new(
            name,
            () => HttpSpec.CreateTestCase(name, request, response, new Dictionary<string, List<string>>(AutoNoise.Detect(response), StringComparer.Ordinal), appPort),
            $"{request.Method} {request.Url} -> {response.StatusCode}",
            Stopwatch.GetTimestamp());
        return Enqueue(item);
    }

    /// <summary>
    /// Queues a test case of another protocol, built on a writer task by <paramref name="build"/> (given <paramref name="name"/>);
    /// <paramref name="summary"/> names the call in logs (<c>gRPC /quotes.Quotes/GetQuote -&gt; 0</c>). Waits while the queue is full.
    /// </summary>
    /// <exception cref="ChannelClosedException">The writer was disposed.</exception>
    public ValueTask EnqueueTestCaseAsync(string name, Func<string, TestCase> build, string summary)
    {
        Item item = new(name, () => build(name), summary, Stopwatch.GetTimestamp());
        return Enqueue(item);
    }

    private ValueTask Enqueue(Item item)
    {
        if (_queue.Writer.TryWrite(item))
        {
            return ValueTask.CompletedTask;
        }

        // Full: the writers fall behind the traffic. The exchange is kept (never dropped); its connection waits for room.
        int waits = Interlocked.Increment(ref _waits);
        long last = Interlocked.Read(ref _lastWaitLog);
        if ((last == 0 || Stopwatch.GetElapsedTime(last) >= WaitReportInterval)
            && Interlocked.CompareExchange(ref _lastWaitLog, Stopwatch.GetTimestamp(), last) == last)
        {
            _log($"record: test case writers are {QueueCapacity} exchanges behind; connections wait for room ({waits} waits so far)");
        }

        return _queue.Writer.WriteAsync(item);
    }

    /// <summary>Times an exchange waited because <see cref="QueueCapacity"/> exchanges were already queued.</summary>
    public int Waits => Volatile.Read(ref _waits);

    /// <summary>Writes everything queued, syncs the file system and stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loops.ConfigureAwait(false);
        if (Volatile.Read(ref _unsynced) != 0)
        {
            Sync();
        }
    }

    private async Task WriteLoopAsync()
    {
        ChannelReader<Item> reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out Item? item))
            {
                TimeSpan young = SettleTime - Stopwatch.GetElapsedTime(item.Queued);
                if (young > TimeSpan.Zero)
                {
                    // Only when the writers have caught up with fresh exchanges: items behind this one are younger still.
                    await Task.Delay(young + SettleBatch).ConfigureAwait(false);
                }

                if (_mocks is not null)
                {
                    await _mocks.WaitWrittenAsync(_mocks.Enqueued).ConfigureAwait(false);
                }

                if (Write(item))
                {
                    Volatile.Write(ref _unsynced, 1);
                }
            }

            if (Volatile.Read(ref _unsynced) != 0 && Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastSync)) >= SyncInterval
                && Monitor.TryEnter(_syncLock))
            {
                try
                {
                    Volatile.Write(ref _unsynced, 0);
                    Sync();
                    Interlocked.Exchange(ref _lastSync, Stopwatch.GetTimestamp());
                }
                finally
                {
                    Monitor.Exit(_syncLock);
                }
            }
        }
    }

    private bool Write(Item item)
    {
        try
        {
            TestCase testCase = item.Build();
            Prepare?.Invoke(testCase);
            _store.WriteTestCase(_testSetId, testCase, flushToDisk: false);
            Interlocked.Increment(ref _written);
            _recorded?.Invoke(testCase, item.Summary);
            return true;
        }
        catch (Exception ex)
        {
            _log($"record: could not record {item.Summary} as {item.Name}: {ex.Message}");
            return false;
        }
    }

    private void Sync()
    {
        try
        {
            _store.FlushToDisk(_testSetId);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _log($"record: could not flush the test cases of {_testSetId} to disk: {ex.Message}");
        }
    }

    private sealed record Item(string Name, Func<TestCase> Build, string Summary, long Queued);
}
