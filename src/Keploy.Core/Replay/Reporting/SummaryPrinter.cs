using System.Globalization;
using System.Text;

namespace Keploy.Core.Replay.Reporting;

/// <summary>
/// The summaries <c>keploy test</c> prints (Keploy <c>pkg/service/replay/replay.go</c>, reference §8): one block per test-set and
/// the complete summary with its per-set table, followed by <c>N passed, N failed</c>. Returns text with <c>\n</c> line ends;
/// the CLI prints it. Times are written <c>"1.23 s"</c> (quoted, as Keploy's <c>pp</c> prints strings). Obsolete and ignored
/// counts appear only when greater than zero. With <c>ansi</c>, passing rows are green and failing rows red.
/// </summary>
public static class SummaryPrinter
{
    /// <summary>Keploy's banner line.</summary>
    public const string Banner = " <=========================================>";

    private const string Green = "\u001b[32m";
    private const string Red = "\u001b[31m";
    private const string Reset = "\u001b[0m";

    /// <summary>
    /// The block printed after each test-set:
    /// <code>
    ///  &lt;=========================================&gt;
    ///   TESTRUN SUMMARY. For test-set: test-set-0
    /// 	Total tests:        5
    /// 	Total test passed:  4
    /// 	Total test failed:  1
    /// 	Time Taken:         "1.23 s"
    ///  &lt;=========================================&gt;
    /// </code>
    /// </summary>
    public static string TestSetSummary(TestSetResult result, bool ansi = false)
    {
        Counts c = Count(result);
        StringBuilder sb = new();
        sb.Append(Banner).Append('\n');
        sb.Append("  TESTRUN SUMMARY. For test-set: ").Append(result.TestSetId).Append('\n');
        sb.Append("\tTotal tests:        ").Append(Inv(c.Total)).Append('\n');
        sb.Append(Colour("\tTotal test passed:  " + Inv(c.Passed), Green, ansi)).Append('\n');
        sb.Append(Colour("\tTotal test failed:  " + Inv(c.Failed), c.Failed > 0 ? Red : Green, ansi)).Append('\n');
        if (c.Obsolete > 0)
        {
            sb.Append("\tTotal test obsolete: ").Append(Inv(c.Obsolete)).Append('\n');
        }

        if (c.Ignored > 0)
        {
            sb.Append("\tTotal test ignored: ").Append(Inv(c.Ignored)).Append('\n');
        }

        sb.Append("\tTime Taken:         ").Append(Seconds(result.Duration)).Append('\n');
        sb.Append(Banner).Append('\n');
        return sb.ToString();
    }

    /// <summary>
    /// The complete summary printed at the end of the run, then <see cref="FinalLine"/>:
    /// <code>
    ///  &lt;=========================================&gt;
    ///   COMPLETE TESTRUN SUMMARY.
    /// 	Total tests: 10
    /// 	Total test passed: 9
    /// 	Total test failed: 1
    /// 	Total time taken: "3.21 s"
    ///
    /// 	Test Suite Name		Total Test	Passed		Failed		Time Taken	Failed Testcases
    /// 	test-set-0		5		4		1		"1.23 s"	test-3
    /// 	test-set-1		5		5		0		"1.98 s"	-
    /// &lt;=========================================&gt;
    /// 9 passed, 1 failed
    /// </code>
    /// </summary>
    /// <param name="results">The test-sets in run order.</param>
    /// <param name="totalTime">Wall time of the whole run.</param>
    /// <param name="ansi">Colour each set's row green (passed) or red.</param>
    public static string CompleteSummary(IReadOnlyList<TestSetResult> results, TimeSpan totalTime, bool ansi = false)
    {
        Counts all = default;
        foreach (TestSetResult r in results)
        {
            all += Count(r);
        }

        StringBuilder sb = new();
        sb.Append(Banner).Append('\n');
        sb.Append("  COMPLETE TESTRUN SUMMARY.\n");
        sb.Append("\tTotal tests: ").Append(Inv(all.Total)).Append('\n');
        sb.Append("\tTotal test passed: ").Append(Inv(all.Passed)).Append('\n');
        sb.Append("\tTotal test failed: ").Append(Inv(all.Failed)).Append('\n');
        if (all.Obsolete > 0)
        {
            sb.Append("\tTotal test obsolete: ").Append(Inv(all.Obsolete)).Append('\n');
        }

        if (all.Ignored > 0)
        {
            sb.Append("\tTotal test ignored: ").Append(Inv(all.Ignored)).Append('\n');
        }

        sb.Append("\tTotal time taken: ").Append(Seconds(totalTime)).Append('\n');
        sb.Append('\n');
        sb.Append("\tTest Suite Name\t\tTotal Test\tPassed\t\tFailed\t\tTime Taken\tFailed Testcases\n");
        foreach (TestSetResult r in results)
        {
            Counts c = Count(r);
            List<string> failed = r.FailedNames.ToList();
            string row = $"\t{r.TestSetId}\t\t{Inv(c.Total)}\t\t{Inv(c.Passed)}\t\t{Inv(c.Failed)}\t\t{Seconds(r.Duration)}\t{(failed.Count == 0 ? "-" : string.Join(", ", failed))}";
            bool ok = r.Status == TestSetStatus.Passed && failed.Count == 0;
            sb.Append(Colour(row, ok ? Green : Red, ansi)).Append('\n');
        }

        sb.Append(Banner.TrimStart()).Append('\n');
        sb.Append(FinalLine(results)).Append('\n');
        return sb.ToString();
    }

    /// <summary><c>N passed, N failed</c> over all test-sets (obsolete tests count as failed).</summary>
    public static string FinalLine(IReadOnlyList<TestSetResult> results)
    {
        Counts all = default;
        foreach (TestSetResult r in results)
        {
            all += Count(r);
        }

        return $"{Inv(all.Passed)} passed, {Inv(all.Failed + all.Obsolete)} failed";
    }

    /// <summary>A duration as Keploy prints it: <c>"1.23 s"</c>, quotes included.</summary>
    public static string Seconds(TimeSpan duration)
    {
        return "\"" + duration.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s\"";
    }

    private static string Inv(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Colour(string text, string colour, bool ansi) => ansi ? colour + text + Reset : text;

    private static Counts Count(TestSetResult r)
    {
        return new Counts(r.Total, r.Passed, r.FailedOnly, r.Obsolete, r.Ignored);
    }

    private readonly record struct Counts(int Total, int Passed, int Failed, int Obsolete, int Ignored)
    {
        public static Counts operator +(Counts a, Counts b) =>
            new(a.Total + b.Total, a.Passed + b.Passed, a.Failed + b.Failed, a.Obsolete + b.Obsolete, a.Ignored + b.Ignored);
    }
}
