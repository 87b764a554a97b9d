using Keploy.Core.Models;
using Keploy.Core.Replay.Matching;

namespace Keploy.Core.Replay;

/// <summary>
/// The mocks of one test-set during replay, with Keploy's lifetimes (<c>pkg/models/lifetime.go</c>) and per-test time window
/// (<c>pkg/util.go</c> <c>filterByTimeStampTierAware</c>, strict mode):
/// <list type="bullet">
/// <item>per-test mocks are visible only while their <c>reqTimestampMock</c> lies in the current test's window
/// [request timestamp, response timestamp], are offered in recorded order, and are consumed when matched;</item>
/// <item>"startup" per-test mocks, recorded before the first test's window, stay visible until consumed;</item>
/// <item>session and connection mocks are always visible and never consumed.</item>
/// </list>
/// Every hit and miss is kept for the current test, so a test can never pass while the app got a wrong or missing answer.
/// Thread-safe: the proxy serves many connections at once.
/// </summary>
public sealed class MockPool
{
    private readonly object _gate = new();
    private readonly List<Entry> _perTest;
    private readonly List<Entry> _reusable;
    private readonly Dictionary<Mock, Entry> _entries = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<Mock> _consumed = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, Lazy<object>> _indexes = new(StringComparer.Ordinal);
    private readonly DateTimeOffset _firstWindowStart;
    private DateTimeOffset _windowStart = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private DateTimeOffset _windowEnd = DateTimeOffset.MaxValue;
    private string? _currentTest;
    private List<MockEvent> _events = new();

    /// <summary>Creates the pool from a test-set's mocks and its tests' first request time (the start of the first window).</summary>
    /// <param name="mocks">All mocks of the test-set, in file order. Their kind, lifetime and request timestamp are read once, here.</param>
    /// <param name="firstTestRequestTime">Request timestamp of the earliest test; per-test mocks before it are startup mocks.</param>
    public MockPool(IEnumerable<Mock> mocks, DateTimeOffset? firstTestRequestTime)
    {
        List<Entry> all = mocks.Select(m => new Entry(m, m.Lifetime, m.RequestTimestamp)).ToList();
        foreach (Entry e in all)
        {
            _entries.TryAdd(e.Mock, e);
        }

        _perTest = all.Where(e => e.Lifetime == MockLifetime.PerTest)
            .Select((e, i) => (e, i))
            .OrderBy(x => x.e.RequestTimestamp ?? DateTimeOffset.MinValue)
            .ThenBy(x => x.i)
            .Select(x => x.e)
            .ToList();
        _reusable = all.Where(e => e.Lifetime != MockLifetime.PerTest).ToList();
        _firstWindowStart = firstTestRequestTime ?? DateTimeOffset.MaxValue;
    }

    /// <summary>
    /// <c>--strict-mocks</c> (keploy.yml <c>test.strictMocks</c>): only exact matches are served; a request that would match a mock
    /// only with volatile differences (<see cref="MockMatchRule"/>) is a miss.
    /// </summary>
    public bool StrictMocks { get; init; }

    /// <summary>Field names declared as noise in keploy.yml (<c>test.globalNoise</c> keys); a differing field so named is volatile.</summary>
    public IReadOnlySet<string> NoiseNames { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Debug lines (mock matched, fallback); no-op unless the runner was given a sink (<c>--debug</c>).</summary>
    public Action<string> Debug { get; init; } = _ => { };

    /// <summary>The test currently being replayed, or null while the app starts.</summary>
    public string? CurrentTest
    {
        get
        {
            lock (_gate)
            {
                return _currentTest;
            }
        }
    }

    /// <summary>
    /// Starts a test's window. Events (hits, misses) recorded so far are discarded; call <see cref="TakeEvents"/> first to keep them.
    /// </summary>
    /// <param name="testName">The test case name.</param>
    /// <param name="start">Recorded request timestamp of the test.</param>
    /// <param name="end">Recorded response timestamp of the test.</param>
    public void BeginTest(string testName, DateTimeOffset start, DateTimeOffset end)
    {
        lock (_gate)
        {
            _currentTest = testName;
            _windowStart = start;
            _windowEnd = end < start ? start : end;
            _events = new List<MockEvent>();
        }
    }

    /// <summary>
    /// Candidates for a request of <paramref name="kind"/>, best first: unconsumed in-window per-test mocks in recorded order, then
    /// unconsumed startup mocks, then session and connection mocks. Matchers try them in this order and call <see cref="TryConsume"/>.
    /// </summary>
    /// <param name="kind">Mock kind; several spellings may be given (<c>Postgres</c>, <c>PostgresV2</c>).</param>
    public IReadOnlyList<Mock> GetCandidates(params string[] kind)
    {
        lock (_gate)
        {
            List<Mock> result = new();
            Collect(_perTest, _reusable, e => kind.Contains(e.Mock.Kind, StringComparer.Ordinal), e => result.Add(e.Mock));
            return result;
        }
    }

    /// <summary>
    /// The index of this pool's mocks of <paramref name="kinds"/> by a protocol's keys, built on first use (one view per mock, made
    /// once) and kept for the pool's life. A matcher asks <see cref="MockIndex{TView}.GetCandidates"/> for the bucket of a live
    /// request's key instead of scanning every mock; the bucket keeps <see cref="GetCandidates"/>' order. Built exactly once per
    /// <paramref name="name"/>: callers that race for it wait for that build (outside the pool's lock, so lookups of other indexes
    /// and the pool's other calls go on meanwhile).
    /// </summary>
    /// <typeparam name="TView">The protocol's parsed view of a mock's request.</typeparam>
    /// <param name="name">Identifies the index within the pool (one per protocol and kind set, e.g. <c>Http:Http</c>).</param>
    /// <param name="kinds">Mock kinds indexed.</param>
    /// <param name="view">The view of a mock, or null when the mock cannot be read (it is then in no bucket: it cannot match). A
    /// function of the mock alone: for a large pool views are made on all cores.</param>
    /// <param name="keys">The buckets a view belongs to. A bucket must hold every mock the matcher could accept for a request with that key.</param>
    public MockIndex<TView> GetIndex<TView>(string name, string[] kinds, Func<Mock, TView?> view, Func<TView, IEnumerable<string>> keys)
        where TView : class
    {
        Lazy<object> index;
        lock (_gate)
        {
            if (!_indexes.TryGetValue(name, out index!))
            {
                _indexes[name] = index = new Lazy<object>(() => new MockIndex<TView>(this, kinds, view, keys), LazyThreadSafetyMode.ExecutionAndPublication);
            }
        }

        // Built outside the pool's lock (parsing every mock once), exactly once: callers racing for it wait for the one build.
        return (MockIndex<TView>)index.Value;
    }

    /// <summary>All mocks of the kinds, consumed or not, for explaining a miss (closest mock).</summary>
    public IReadOnlyList<Mock> GetAll(params string[] kind)
    {
        lock (_gate)
        {
            return _perTest.Concat(_reusable).Where(e => kind.Contains(e.Mock.Kind, StringComparer.Ordinal)).Select(e => e.Mock).ToList();
        }
    }

    /// <summary>True when the mock was consumed earlier in this replay.</summary>
    public bool IsConsumed(Mock mock)
    {
        lock (_gate)
        {
            return _consumed.Contains(mock);
        }
    }

    /// <summary>
    /// Marks a matched mock used. Per-test mocks are consumed; returns false when another connection consumed it first, in which
    /// case the caller tries its next candidate. Session and connection mocks always succeed.
    /// </summary>
    /// <param name="mock">The matched mock.</param>
    /// <param name="differences">Volatile fields that differed (a "matched with differences" note), or null for an exact match.</param>
    /// <param name="note">Another note for the test's report (a driver-upgrade fallback), or null.</param>
    public bool TryConsume(Mock mock, IReadOnlyList<FieldDifference>? differences = null, string? note = null)
    {
        lock (_gate)
        {
            if (LifetimeOf(mock) == MockLifetime.PerTest && !_consumed.Add(mock))
            {
                return false;
            }

            if (differences is { Count: > 0 })
            {
                note = $"{mock.Name} matched with differences: {FieldDifference.Join(differences)}" + (note is null ? "" : "; " + note);
            }

            _events.Add(new MockEvent(_currentTest, mock, null) { Differences = differences, Note = note });
            return true;
        }
    }

    /// <summary>
    /// Records a served mock with a note for the current test (the later part of a grouped mock, a driver-upgrade fallback);
    /// consumes it when it is an unconsumed per-test mock, serves it anyway otherwise.
    /// </summary>
    public void ReportNote(Mock mock, string note)
    {
        lock (_gate)
        {
            if (LifetimeOf(mock) == MockLifetime.PerTest)
            {
                _consumed.Add(mock);
            }

            _events.Add(new MockEvent(_currentTest, mock, null) { Note = note });
        }
    }

    /// <summary>Reports a request no mock matched; the current test fails with this explanation.</summary>
    public void ReportMiss(MockMiss miss)
    {
        lock (_gate)
        {
            _events.Add(new MockEvent(_currentTest, null, miss));
        }
    }

    /// <summary>Returns and clears the hits and misses since the last call or <see cref="BeginTest"/>.</summary>
    public IReadOnlyList<MockEvent> TakeEvents()
    {
        lock (_gate)
        {
            List<MockEvent> events = _events;
            _events = new List<MockEvent>();
            return events;
        }
    }

    /// <summary>Per-test mocks never consumed during the replay.</summary>
    public IReadOnlyList<Mock> Unconsumed()
    {
        lock (_gate)
        {
            return _perTest.Where(e => !_consumed.Contains(e.Mock)).Select(e => e.Mock).ToList();
        }
    }

    /// <summary>Calls <paramref name="visit"/> for every entry of <paramref name="kinds"/>: per-test ones (sorted), then reusable ones.</summary>
    internal void ForEachEntry(string[] kinds, Action<Entry, bool> visit)
    {
        lock (_gate)
        {
            foreach (Entry e in _perTest.Where(e => kinds.Contains(e.Mock.Kind, StringComparer.Ordinal)))
            {
                visit(e, true);
            }

            foreach (Entry e in _reusable.Where(e => kinds.Contains(e.Mock.Kind, StringComparer.Ordinal)))
            {
                visit(e, false);
            }
        }
    }

    /// <summary>
    /// Calls <paramref name="add"/> for the unconsumed candidates among <paramref name="perTest"/> (sorted as <see cref="_perTest"/>)
    /// and <paramref name="reusable"/> in <see cref="GetCandidates"/>' order. Caller holds <see cref="_gate"/>.
    /// </summary>
    internal void Collect(List<Entry> perTest, List<Entry> reusable, Func<Entry, bool> wanted, Action<Entry> add)
    {
        // perTest is sorted by (request timestamp ?? MinValue): binary search bounds the indices that can pass InWindow (the head of
        // untimed entries, then one timestamp range) and IsStartup (a prefix); the predicates themselves are applied unchanged.
        int head = UpperBound(perTest, DateTimeOffset.MinValue);
        for (int i = 0; i < head; i++)
        {
            Visit(perTest[i], InWindow(perTest[i]));
        }

        int windowTo = UpperBound(perTest, _windowEnd);
        for (int i = Math.Max(head, LowerBound(perTest, _windowStart)); i < windowTo; i++)
        {
            Visit(perTest[i], InWindow(perTest[i]));
        }

        int startupTo = LowerBound(perTest, _firstWindowStart);
        for (int i = 0; i < startupTo; i++)
        {
            Visit(perTest[i], !InWindow(perTest[i]) && IsStartup(perTest[i]));
        }

        foreach (Entry e in reusable)
        {
            if (wanted(e))
            {
                add(e);
            }
        }

        void Visit(Entry e, bool offered)
        {
            if (offered && !_consumed.Contains(e.Mock) && wanted(e))
            {
                add(e);
            }
        }
    }

    /// <summary>Holds <see cref="_gate"/> while <paramref name="action"/> runs (for <see cref="MockIndex{TView}"/>).</summary>
    internal void Locked(Action action)
    {
        lock (_gate)
        {
            action();
        }
    }

    private MockLifetime LifetimeOf(Mock mock) => _entries.TryGetValue(mock, out Entry? e) ? e.Lifetime : mock.Lifetime;

    private bool InWindow(Entry e)
    {
        DateTimeOffset? t = e.RequestTimestamp;
        return t is null || (t >= _windowStart && t <= _windowEnd);
    }

    private bool IsStartup(Entry e)
    {
        DateTimeOffset? t = e.RequestTimestamp;
        return t is not null && t < _firstWindowStart;
    }

    /// <summary>First index whose sort key (request timestamp, MinValue when absent) is not before <paramref name="t"/>.</summary>
    private static int LowerBound(List<Entry> sorted, DateTimeOffset t)
    {
        int lo = 0, hi = sorted.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if ((sorted[mid].RequestTimestamp ?? DateTimeOffset.MinValue) < t)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>First index whose sort key is after <paramref name="t"/>.</summary>
    private static int UpperBound(List<Entry> sorted, DateTimeOffset t)
    {
        int lo = 0, hi = sorted.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if ((sorted[mid].RequestTimestamp ?? DateTimeOffset.MinValue) <= t)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>A mock with what the pool reads from its spec once: lifetime and request timestamp.</summary>
    internal sealed class Entry(Mock mock, MockLifetime lifetime, DateTimeOffset? requestTimestamp)
    {
        public Mock Mock { get; } = mock;

        public MockLifetime Lifetime { get; } = lifetime;

        public DateTimeOffset? RequestTimestamp { get; } = requestTimestamp;
    }
}

/// <summary>
/// A pool's mocks of some kinds, each parsed once into a protocol's view and put in buckets by the protocol's keys
/// (<see cref="MockPool.GetIndex{TView}"/>): a lookup reads one bucket, not every mock.
/// </summary>
/// <typeparam name="TView">The protocol's view of a mock's request.</typeparam>
public sealed class MockIndex<TView>
    where TView : class
{
    private readonly MockPool _pool;
    private readonly Dictionary<Mock, TView> _views;
    private readonly Dictionary<string, Bucket> _buckets;

    internal MockIndex(MockPool pool, string[] kinds, Func<Mock, TView?> view, Func<TView, IEnumerable<string>> keys)
    {
        _pool = pool;
        List<(MockPool.Entry Entry, bool PerTest)> entries = new();
        pool.ForEachEntry(kinds, (e, perTest) => entries.Add((e, perTest)));

        // Sized once: 100,000 mocks grew each through 17 rehashes.
        _views = new Dictionary<Mock, TView>(entries.Count, ReferenceEqualityComparer.Instance);
        _buckets = new Dictionary<string, Bucket>(entries.Count, StringComparer.Ordinal);

        // Views first, on all cores for a large pool (a view is a function of its mock; 100,000 Http mocks took 0.45 s on one
        // core, issue 12), then the buckets in the pool's order.
        var views = new TView?[entries.Count];
        if (entries.Count >= ParallelViewsFrom)
        {
            Parallel.For(0, entries.Count, i => views[i] = view(entries[i].Entry.Mock));
        }
        else
        {
            for (int i = 0; i < entries.Count; i++)
            {
                views[i] = view(entries[i].Entry.Mock);
            }
        }

        for (int i = 0; i < entries.Count; i++)
        {
            (MockPool.Entry e, bool perTest) = entries[i];
            if (!_views.TryGetValue(e.Mock, out TView? v))
            {
                if (views[i] is not { } made)
                {
                    continue;
                }

                _views[e.Mock] = v = made;
            }

            foreach (string key in keys(v))
            {
                if (!_buckets.TryGetValue(key, out Bucket? bucket))
                {
                    _buckets[key] = bucket = new Bucket();
                }

                bucket.Add(e, perTest);
            }
        }
    }

    /// <summary>The view of an indexed mock, or null when it is not indexed (another kind, or unreadable).</summary>
    public TView? ViewOf(Mock mock) => _views.GetValueOrDefault(mock);

    /// <summary>
    /// The candidates of bucket <paramref name="key"/> with their views, in <see cref="MockPool.GetCandidates"/>' order and with its
    /// lifetimes (consumed per-test mocks and mocks outside the current test's window left out). Empty for an unknown key.
    /// </summary>
    public IReadOnlyList<(Mock Mock, TView View)> GetCandidates(string key)
    {
        List<(Mock Mock, TView View)> result = new();
        if (!_buckets.TryGetValue(key, out Bucket? bucket))
        {
            return result;
        }

        _pool.Locked(() => _pool.Collect(bucket.PerTest ?? NoEntries, bucket.Reusable ?? NoEntries, _ => true, e => result.Add((e.Mock, _views[e.Mock]))));
        return result;
    }

    private static readonly List<MockPool.Entry> NoEntries = new();

    /// <summary>Pools of at least this many mocks of the kinds have their views made in parallel.</summary>
    private const int ParallelViewsFrom = 4096;

    /// <summary>The mocks of one key, per-test ones (in the pool's sorted order) and reusable ones; a list is made for its first mock.</summary>
    private sealed class Bucket
    {
        public List<MockPool.Entry>? PerTest { get; private set; }

        public List<MockPool.Entry>? Reusable { get; private set; }

        /// <summary>Adds a mock once: a key given twice for one mock (the keys of a view need not be distinct) adds it once.</summary>
        public void Add(MockPool.Entry e, bool perTest)
        {
            List<MockPool.Entry> list = perTest ? PerTest ??= new List<MockPool.Entry>(1) : Reusable ??= new List<MockPool.Entry>(1);
            if (list.Count == 0 || !ReferenceEquals(list[^1], e))
            {
                list.Add(e);
            }
        }
    }
}

/// <summary>A mock hit (<see cref="Mock"/> set) or miss (<see cref="Miss"/> set) seen while <see cref="Test"/> ran.</summary>
public sealed record MockEvent(string? Test, Mock? Mock, MockMiss? Miss)
{
    /// <summary>For a hit through the volatile tier of <see cref="MockMatchRule"/>: the fields that differed; else null.</summary>
    public IReadOnlyList<FieldDifference>? Differences { get; init; }

    /// <summary>
    /// A line for the test's report and console when the hit was not exact: <c>mock-8 matched with differences: $2 uuid 482a… ≠ 2e3d…</c>,
    /// or a driver-upgrade fallback; null for an exact hit.
    /// </summary>
    public string? Note { get; init; }
}

/// <summary>
/// Why an outgoing call found no mock. <see cref="Summary"/> is the call in one line (<c>GET http://catalog:5200/items/7</c>,
/// <c>Postgres SELECT ... ($1=7)</c>); <see cref="ClosestMock"/> and <see cref="Diff"/> explain what differed, field by field.
/// </summary>
public sealed record MockMiss(string Kind, string Summary, string? ClosestMock, string? Diff, string Destination);
