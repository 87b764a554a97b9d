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
    private readonly List<Mock> _perTest;
    private readonly List<Mock> _reusable;
    private readonly HashSet<Mock> _consumed = new(ReferenceEqualityComparer.Instance);
    private readonly DateTimeOffset _firstWindowStart;
    private DateTimeOffset _windowStart = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private DateTimeOffset _windowEnd = DateTimeOffset.MaxValue;
    private string? _currentTest;
    private List<MockEvent> _events = new();

    /// <summary>Creates the pool from a test-set's mocks and its tests' first request time (the start of the first window).</summary>
    /// <param name="mocks">All mocks of the test-set, in file order.</param>
    /// <param name="firstTestRequestTime">Request timestamp of the earliest test; per-test mocks before it are startup mocks.</param>
    public MockPool(IEnumerable<Mock> mocks, DateTimeOffset? firstTestRequestTime)
    {
        List<Mock> all = mocks.ToList();
        _perTest = all.Where(m => m.Lifetime == MockLifetime.PerTest)
            .Select((m, i) => (m, i))
            .OrderBy(x => x.m.RequestTimestamp ?? DateTimeOffset.MinValue)
            .ThenBy(x => x.i)
            .Select(x => x.m)
            .ToList();
        _reusable = all.Where(m => m.Lifetime != MockLifetime.PerTest).ToList();
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
            foreach (Mock m in _perTest)
            {
                if (!_consumed.Contains(m) && kind.Contains(m.Kind, StringComparer.Ordinal) && InWindow(m))
                {
                    result.Add(m);
                }
            }

            foreach (Mock m in _perTest)
            {
                if (!_consumed.Contains(m) && kind.Contains(m.Kind, StringComparer.Ordinal) && !InWindow(m) && IsStartup(m))
                {
                    result.Add(m);
                }
            }

            foreach (Mock m in _reusable)
            {
                if (kind.Contains(m.Kind, StringComparer.Ordinal))
                {
                    result.Add(m);
                }
            }

            return result;
        }
    }

    /// <summary>All mocks of the kinds, consumed or not, for explaining a miss (closest mock).</summary>
    public IReadOnlyList<Mock> GetAll(params string[] kind)
    {
        lock (_gate)
        {
            return _perTest.Concat(_reusable).Where(m => kind.Contains(m.Kind, StringComparer.Ordinal)).ToList();
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
            if (mock.Lifetime == MockLifetime.PerTest && !_consumed.Add(mock))
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
            if (mock.Lifetime == MockLifetime.PerTest)
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
            return _perTest.Where(m => !_consumed.Contains(m)).ToList();
        }
    }

    private bool InWindow(Mock m)
    {
        DateTimeOffset? t = m.RequestTimestamp;
        return t is null || (t >= _windowStart && t <= _windowEnd);
    }

    private bool IsStartup(Mock m)
    {
        DateTimeOffset? t = m.RequestTimestamp;
        return t is not null && t < _firstWindowStart;
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
