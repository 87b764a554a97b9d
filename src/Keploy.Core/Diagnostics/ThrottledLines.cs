using System.Diagnostics;
using System.Globalization;

namespace Keploy.Core.Diagnostics;

/// <summary>
/// Console lines for events that can come thousands a second (one per recorded test case): each event's own line is written
/// while fewer than <see cref="LinesPerWindow"/> were written in the current window of <see cref="Window"/>; past that, events are
/// counted and one summary line per window says how many were not shown and the last of them. Thread-safe.
/// </summary>
/// <remarks>
/// Measured (issue 12, record of samples/Catalog under wrk -c32): one line per test case was 230,000 lines, 55 MB, in a 12 s
/// recording, each a formatted, escaped, locked and flushed write on a writer task. A person reads none of that; the
/// summary keeps the count and the names of the first and last. A summary left when events stop is written
/// <see cref="Window"/> after its window opened (a timer), or by <see cref="Flush"/>.
/// </remarks>
public sealed class ThrottledLines : IDisposable
{
    /// <summary>Event lines written per window before the rest of the window's events are summarised.</summary>
    public const int LinesPerWindow = 20;

    /// <summary>Length of a window.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private readonly Action<string> _write;
    private readonly Func<int, string, string> _summary;
    private readonly object _gate = new();
    private readonly Timer _timer;
    private long _windowStart;
    private int _written;
    private int _suppressed;
    private string _lastSuppressed = "";
    private bool _timerArmed;
    private bool _disposed;

    /// <summary>Creates the limiter.</summary>
    /// <param name="write">Writes one line (called under this instance's lock, so lines keep their order).</param>
    /// <param name="summary">The summary line of one window, given (events of the window not shown, the last one's name).</param>
    public ThrottledLines(Action<string> write, Func<int, string, string> summary)
    {
        _write = write;
        _summary = summary;
        _timer = new Timer(_ => OnTimer());
    }

    /// <summary>Events counted in summaries so far (not written as lines of their own).</summary>
    public int Suppressed { get; private set; }

    /// <summary>Writes the event's line (made by <paramref name="line"/>, only when written), or counts it in the window's summary.</summary>
    /// <param name="line">Makes the event's own line.</param>
    /// <param name="name">The event's name in a summary (a test case's name).</param>
    public void Add(Func<string> line, string name)
    {
        lock (_gate)
        {
            long now = Stopwatch.GetTimestamp();
            if (_windowStart == 0 || Stopwatch.GetElapsedTime(_windowStart, now) >= Window)
            {
                WriteSummary();
                _windowStart = now;
                _written = 0;
            }

            if (_written < LinesPerWindow || _disposed)
            {
                _written++;
                _write(line());
                return;
            }

            _suppressed++;
            Suppressed++;
            _lastSuppressed = name;
            if (!_timerArmed)
            {
                _timerArmed = true;
                TimeSpan due = Window - Stopwatch.GetElapsedTime(_windowStart, now);
                _timer.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Writes the pending summary, if any, now.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            WriteSummary();
        }
    }

    /// <summary>Writes the pending summary and stops the timer; later events are written one line each.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            WriteSummary();
            _disposed = true;
        }

        _timer.Dispose();
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            _timerArmed = false;
            TimeSpan left = Window - Stopwatch.GetElapsedTime(_windowStart); // read once: a pause between two reads could make it negative
            if (_suppressed > 0 && left <= TimeSpan.Zero)
            {
                WriteSummary();
            }
            else if (_suppressed > 0 && !_disposed)
            {
                _timerArmed = true; // fired a little early: once more at the window's end
                _timer.Change(left, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void WriteSummary()
    {
        if (_suppressed == 0)
        {
            return;
        }

        int count = _suppressed;
        _suppressed = 0;
        _write(_summary(count, _lastSuppressed));
    }

    /// <summary>Formats a count with thousands separators, invariant culture (for summary lines).</summary>
    public static string Count(int n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
