using System.Diagnostics;
using System.Globalization;
using Keploy.Core.Diagnostics;

namespace Keploy.Core.Tests.Diagnostics;

public sealed class ThrottledLinesTests
{
    private const int Limit = ThrottledLines.LinesPerWindow;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public void BelowTheLimit_EveryEventGetsItsOwnLine_InOrder_AndNoSummary()
    {
        Sink sink = new();
        using ThrottledLines lines = sink.Create();

        for (int i = 0; i < 5; i++)
        {
            sink.Add(lines, Name(i));
        }

        lines.Flush();

        Assert.Equal(Enumerable.Range(0, 5).Select(i => Sink.OwnLine(Name(i))), sink.Lines());
        Assert.Equal(0, lines.Suppressed);
        Assert.Equal(0, sink.SummaryCalls);
    }

    [Fact]
    public void OverTheLimit_FirstLinesAreWritten_AndFlushWritesOneSummaryOfTheRest()
    {
        const int total = Limit + 30;
        Sink sink = new();
        using ThrottledLines lines = sink.Create();

        TimeSpan loop = AddAll(sink, lines, total);
        lines.Flush();

        List<string> written = sink.Lines();
        AssertAccounted(written, Enumerable.Range(0, total).Select(Name).ToList(), lines.Suppressed);
        List<string> own = written.Where(Sink.IsOwn).ToList();
        Assert.True(own.Count >= Limit, $"{own.Count} own lines, expected at least {Limit}");
        Assert.Equal(Enumerable.Range(0, Limit).Select(i => Sink.OwnLine(Name(i))), own.Take(Limit));

        if (loop < ThrottledLines.Window)
        {
            // All Add calls fell in one window (it opened at the first Add, after the stopwatch started): the exact outcome.
            Assert.Equal(
                Enumerable.Range(0, Limit).Select(i => Sink.OwnLine(Name(i))).Append(Sink.SummaryLine(30, Name(total - 1))),
                written);
            Assert.Equal(30, lines.Suppressed);
            Assert.Equal(1, sink.SummaryCalls);
        }

        // Nothing is left to summarise: a second Flush writes nothing.
        int before = written.Count;
        lines.Flush();
        Assert.Equal(before, sink.Lines().Count);
    }

    [Fact]
    public void LineFactory_IsNotCalledForSuppressedEvents()
    {
        const int total = Limit + 30;
        Sink sink = new();
        using ThrottledLines lines = sink.Create();

        TimeSpan loop = AddAll(sink, lines, total);
        lines.Flush();

        int own = sink.Lines().Count(Sink.IsOwn);
        Assert.Equal(own, sink.LineCalls);
        Assert.Equal(total, sink.LineCalls + lines.Suppressed);
        if (loop < ThrottledLines.Window)
        {
            Assert.Equal(Limit, sink.LineCalls);
            Assert.Equal(30, lines.Suppressed);
        }
    }

    [Fact]
    public void Timer_WritesThePendingSummary_WhenEventsStop_ThenANewWindowWritesOwnLinesAgain()
    {
        const int total = Limit + 5;
        Sink sink = new();
        using ThrottledLines lines = sink.Create();

        TimeSpan loop = AddAll(sink, lines, total);

        // No Flush: the timer alone must write the pending summary, i.e. every event ends up as an own line or in a summary.
        Assert.True(
            SpinWait.SpinUntil(() => Accounted(sink.Lines()) == total, Bound),
            $"the summary was not written within {Bound}: {string.Join(" | ", sink.Lines())}");

        List<string> written = sink.Lines();
        AssertAccounted(written, Enumerable.Range(0, total).Select(Name).ToList(), lines.Suppressed);
        if (loop < ThrottledLines.Window)
        {
            Assert.Equal(
                Enumerable.Range(0, Limit).Select(i => Sink.OwnLine(Name(i))).Append(Sink.SummaryLine(5, Name(total - 1))),
                written);
            Assert.Equal(5, lines.Suppressed);

            // The timer writes a summary only once its window is over, so the next event opens a new window: its own line.
            sink.Add(lines, "after");
            lines.Flush();
            Assert.Equal(written.Append(Sink.OwnLine("after")), sink.Lines());
            Assert.Equal(5, lines.Suppressed);
        }
    }

    [Fact]
    public void Dispose_WritesThePendingSummary_AndLaterEventsAreWrittenAsOwnLines()
    {
        const int total = Limit + 5;
        Sink sink = new();
        ThrottledLines lines = sink.Create();

        TimeSpan loop = AddAll(sink, lines, total);
        lines.Dispose();

        List<string> atDispose = sink.Lines();
        AssertAccounted(atDispose, Enumerable.Range(0, total).Select(Name).ToList(), lines.Suppressed);
        if (loop < ThrottledLines.Window)
        {
            Assert.Equal(
                Enumerable.Range(0, Limit).Select(i => Sink.OwnLine(Name(i))).Append(Sink.SummaryLine(5, Name(total - 1))),
                atDispose);
        }

        // After Dispose nothing is suppressed any more, even past the limit, and nothing is summarised.
        int suppressed = lines.Suppressed;
        List<string> later = Enumerable.Range(0, Limit + 10).Select(i => "late" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        foreach (string name in later)
        {
            sink.Add(lines, name);
        }

        lines.Flush();
        Assert.Equal(atDispose.Concat(later.Select(Sink.OwnLine)), sink.Lines());
        Assert.Equal(suppressed, lines.Suppressed);
    }

    [Fact]
    public void Dispose_WithNothingPending_WritesNothing()
    {
        Sink sink = new();
        ThrottledLines lines = sink.Create();
        sink.Add(lines, "only");
        lines.Dispose();
        lines.Dispose();

        Assert.Equal([Sink.OwnLine("only")], sink.Lines());
        Assert.Equal(0, sink.SummaryCalls);
    }

    [Fact]
    public void ConcurrentAdds_AreEachWrittenOnceOrCounted()
    {
        const int threads = 4;
        const int perThread = 500;
        Sink sink = new();
        using ThrottledLines lines = sink.Create();
        using Barrier start = new(threads);

        Thread[] workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (int j = 0; j < perThread; j++)
            {
                sink.Add(lines, ThreadName(t, j));
            }
        })
        { IsBackground = true }).ToArray();

        foreach (Thread w in workers)
        {
            w.Start();
        }

        foreach (Thread w in workers)
        {
            Assert.True(w.Join(Bound), "a worker thread did not finish");
        }

        lines.Flush();

        List<string> written = sink.Lines();
        List<string> names = Enumerable.Range(0, threads).SelectMany(t => Enumerable.Range(0, perThread).Select(j => ThreadName(t, j))).ToList();
        AssertAccounted(written, names, lines.Suppressed);
        Assert.Equal(written.Count, written.Distinct().Count());
        Assert.True(lines.Suppressed > 0, "no event was suppressed");
        Assert.Equal(written.Count(Sink.IsOwn), sink.LineCalls);

        // Each thread's own lines keep that thread's order.
        for (int t = 0; t < threads; t++)
        {
            string prefix = Sink.OwnLine($"t{t}-");
            List<int> seq = written.Where(l => l.StartsWith(prefix, StringComparison.Ordinal))
                .Select(l => int.Parse(l[prefix.Length..], CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(seq.Order(), seq);
        }
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(999, "999")]
    [InlineData(1234567, "1,234,567")]
    public void Count_UsesInvariantThousandsSeparators(int n, string expected)
    {
        CultureInfo saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            Assert.Equal(expected, ThrottledLines.Count(n));
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    /// <summary>
    /// Checks what holds however the events fell into windows: every event is either an own line (once) or counted in a
    /// summary, summaries add up to <paramref name="suppressed"/>, and a summary's last name is an event that got no line.
    /// </summary>
    private static void AssertAccounted(List<string> written, List<string> names, int suppressed)
    {
        HashSet<string> nameSet = [.. names];
        List<string> ownNames = written.Where(Sink.IsOwn).Select(Sink.OwnName).ToList();
        Assert.Equal(ownNames.Count, ownNames.Distinct().Count());
        Assert.All(ownNames, n => Assert.Contains(n, nameSet));

        List<(int Count, string Name)> summaries = written.Where(Sink.IsSummary).Select(Sink.ParseSummary).ToList();
        Assert.All(summaries, s => Assert.True(s.Count > 0, $"summary with count {s.Count}"));
        Assert.All(summaries, s => Assert.Contains(s.Name, nameSet));
        Assert.All(summaries, s => Assert.DoesNotContain(s.Name, ownNames));
        Assert.Equal(written.Count, ownNames.Count + summaries.Count);

        int summarised = summaries.Sum(s => s.Count);
        Assert.Equal(names.Count, ownNames.Count + summarised);
        Assert.Equal(summarised, suppressed);
    }

    /// <summary>Events a list of lines accounts for: own lines plus the counts of summaries.</summary>
    private static int Accounted(List<string> written) =>
        written.Count(Sink.IsOwn) + written.Where(Sink.IsSummary).Sum(l => Sink.ParseSummary(l).Count);

    // Adds events Name(0)..Name(total - 1) in a tight loop; returns how long the loop took (the window opened at its first Add).
    private static TimeSpan AddAll(Sink sink, ThrottledLines lines, int total)
    {
        Stopwatch loop = Stopwatch.StartNew();
        for (int i = 0; i < total; i++)
        {
            sink.Add(lines, Name(i));
        }

        return loop.Elapsed;
    }

    private static string Name(int i) => "case" + i.ToString(CultureInfo.InvariantCulture);

    private static string ThreadName(int t, int j) => $"t{t}-{j.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Collects written lines and counts calls of the line and summary factories.</summary>
    private sealed class Sink
    {
        private const string OwnPrefix = "line ";
        private const string SummaryPrefix = "summary ";
        private readonly object _gate = new();
        private readonly List<string> _lines = [];
        private int _lineCalls;
        private int _summaryCalls;

        public int LineCalls => Volatile.Read(ref _lineCalls);

        public int SummaryCalls => Volatile.Read(ref _summaryCalls);

        public ThrottledLines Create() => new(Write, Summary);

        public void Add(ThrottledLines lines, string name) => lines.Add(
            () =>
            {
                Interlocked.Increment(ref _lineCalls);
                return OwnLine(name);
            },
            name);

        public List<string> Lines()
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }

        public static string OwnLine(string name) => OwnPrefix + name;

        public static string SummaryLine(int count, string last) =>
            SummaryPrefix + count.ToString(CultureInfo.InvariantCulture) + " " + last;

        public static bool IsOwn(string line) => line.StartsWith(OwnPrefix, StringComparison.Ordinal);

        public static bool IsSummary(string line) => line.StartsWith(SummaryPrefix, StringComparison.Ordinal);

        public static string OwnName(string line) => line[OwnPrefix.Length..];

        public static (int Count, string Name) ParseSummary(string line)
        {
            string rest = line[SummaryPrefix.Length..];
            int space = rest.IndexOf(' ', StringComparison.Ordinal);
            return (int.Parse(rest[..space], CultureInfo.InvariantCulture), rest[(space + 1)..]);
        }

        private void Write(string line)
        {
            lock (_gate)
            {
                _lines.Add(line);
            }
        }

        private string Summary(int count, string last)
        {
            Interlocked.Increment(ref _summaryCalls);
            return SummaryLine(count, last);
        }
    }
}
