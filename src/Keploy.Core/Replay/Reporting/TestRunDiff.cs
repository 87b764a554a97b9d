using System.Text;

namespace Keploy.Core.Replay.Reporting;

/// <summary>One test whose outcome changed between two runs.</summary>
/// <param name="TestSetId">The test-set.</param>
/// <param name="TestCaseId">The test case.</param>
/// <param name="Before">Status in the first run (<c>PASSED</c>, <c>FAILED</c>, ...), or null when absent there.</param>
/// <param name="After">Status in the second run, or null when absent there.</param>
public sealed record TestRunChange(string TestSetId, string TestCaseId, string? Before, string? After);

/// <summary>
/// Keploy's <c>diff &lt;run1&gt; &lt;run2&gt;</c>: the tests that regressed (passed in the first run, failed in the second) and those
/// fixed (failed, then passed), plus tests present in only one run, keyed by test-set and test case id.
/// </summary>
public sealed class TestRunDiff
{
    /// <summary>Passed (or absent) in the first run, FAILED/OBSOLETE in the second.</summary>
    public List<TestRunChange> Regressed { get; } = new();

    /// <summary>FAILED/OBSOLETE in the first run, PASSED in the second.</summary>
    public List<TestRunChange> Fixed { get; } = new();

    /// <summary>Only in the second run and not failed there.</summary>
    public List<TestRunChange> Added { get; } = new();

    /// <summary>Only in the first run.</summary>
    public List<TestRunChange> Removed { get; } = new();

    /// <summary>Tests with the same outcome in both runs.</summary>
    public int Unchanged { get; private set; }

    /// <summary>Compares two runs, restricted to <paramref name="testSets"/> when not empty.</summary>
    public static TestRunDiff Compare(SavedTestRun first, SavedTestRun second, IReadOnlyCollection<string>? testSets = null)
    {
        bool Selected(SavedTest t) => testSets is not { Count: > 0 } || testSets.Contains(t.TestSetId);
        Dictionary<(string, string), SavedTest> before = new();
        foreach (SavedTest t in first.Tests.Where(Selected))
        {
            before[(t.TestSetId, t.TestCaseId)] = t;
        }

        TestRunDiff diff = new();
        HashSet<(string, string)> seen = new();
        foreach (SavedTest t in second.Tests.Where(Selected))
        {
            (string, string) key = (t.TestSetId, t.TestCaseId);
            seen.Add(key);
            if (!before.TryGetValue(key, out SavedTest? old))
            {
                (t.Failed ? diff.Regressed : diff.Added).Add(new TestRunChange(t.TestSetId, t.TestCaseId, null, t.Status));
            }
            else if (old.Passed && t.Failed)
            {
                diff.Regressed.Add(new TestRunChange(t.TestSetId, t.TestCaseId, old.Status, t.Status));
            }
            else if (old.Failed && t.Passed)
            {
                diff.Fixed.Add(new TestRunChange(t.TestSetId, t.TestCaseId, old.Status, t.Status));
            }
            else
            {
                diff.Unchanged++;
            }
        }

        foreach (SavedTest t in first.Tests.Where(Selected).Where(t => !seen.Contains((t.TestSetId, t.TestCaseId))))
        {
            diff.Removed.Add(new TestRunChange(t.TestSetId, t.TestCaseId, t.Status, null));
        }

        return diff;
    }

    /// <summary>
    /// The text <c>diff</c> prints:
    /// <code>
    /// Comparing test-run-1 -> test-run-2
    /// Regressions (1):
    ///     test-set-0/test-3: PASSED -> FAILED
    /// Fixed (1):
    ///     test-set-0/test-5: FAILED -> PASSED
    /// 1 regressed, 1 fixed, 8 unchanged
    /// </code>
    /// </summary>
    public string Print(string firstId, string secondId)
    {
        StringBuilder sb = new();
        sb.Append("Comparing ").Append(firstId).Append(" -> ").Append(secondId).Append('\n');
        Section(sb, "Regressions", Regressed);
        Section(sb, "Fixed", Fixed);
        if (Added.Count > 0)
        {
            Section(sb, "New tests", Added);
        }

        if (Removed.Count > 0)
        {
            Section(sb, "Removed tests", Removed);
        }

        sb.Append(Regressed.Count).Append(" regressed, ").Append(Fixed.Count).Append(" fixed, ").Append(Unchanged).Append(" unchanged");
        if (Added.Count + Removed.Count > 0)
        {
            sb.Append(", ").Append(Added.Count).Append(" new, ").Append(Removed.Count).Append(" removed");
        }

        sb.Append('\n');
        return sb.ToString();
    }

    private static void Section(StringBuilder sb, string title, List<TestRunChange> changes)
    {
        sb.Append(title).Append(" (").Append(changes.Count).Append("):\n");
        if (changes.Count == 0)
        {
            sb.Append("    none\n");
        }

        foreach (TestRunChange c in changes)
        {
            sb.Append("    ").Append(c.TestSetId).Append('/').Append(c.TestCaseId).Append(": ")
                .Append(c.Before ?? "absent").Append(" -> ").Append(c.After ?? "absent").Append('\n');
        }
    }
}
