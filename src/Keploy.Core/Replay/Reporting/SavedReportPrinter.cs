using System.Globalization;
using System.Text;
using Keploy.Core.Config;

namespace Keploy.Core.Replay.Reporting;

/// <summary>What <c>dotnet keploy report</c> prints (Keploy <c>report</c>: <c>-t</c>, <c>--summary</c>, <c>--test-case</c>, <c>--full</c>).</summary>
public sealed class SavedReportOptions
{
    /// <summary><c>-t/--test-sets</c>: only these sets (empty: all).</summary>
    public IReadOnlyCollection<string> TestSets { get; init; } = Array.Empty<string>();

    /// <summary><c>--test-case/--tc</c>: only these test cases (empty: all).</summary>
    public IReadOnlyCollection<string> TestCases { get; init; } = Array.Empty<string>();

    /// <summary><c>--summary</c>: the summary table only, no per-test details.</summary>
    public bool Summary { get; init; }

    /// <summary><c>--full</c>: print the whole request, expected and actual bodies of each shown test, not only the diff.</summary>
    public bool Full { get; init; }

    /// <summary>keploy.yml <c>test.globalNoise</c>, used when rebuilding diffs.</summary>
    public GlobalNoiseConfig? GlobalNoise { get; init; }

    /// <summary>keploy.yml <c>test.ignoreOrdering</c>.</summary>
    public bool IgnoreOrdering { get; init; } = true;

    /// <summary>Colour the output.</summary>
    public bool Ansi { get; init; }
}

/// <summary>Prints a saved run as text, and filters a run by test-set and test case.</summary>
public static class SavedReportPrinter
{
    /// <summary>
    /// A copy of <paramref name="run"/> with only the selected sets and tests (sets left without tests are dropped when test cases
    /// are selected).
    /// </summary>
    /// <exception cref="ArgumentException">A named test-set or test case is in no report of the run.</exception>
    public static SavedTestRun Filter(SavedTestRun run, IReadOnlyCollection<string> testSets, IReadOnlyCollection<string> testCases)
    {
        List<string> missingSets = testSets.Where(s => run.Sets.All(x => x.TestSetId != s)).ToList();
        if (missingSets.Count > 0)
        {
            throw new ArgumentException($"{run.Directory}: no report for test-set {string.Join(", ", missingSets)}");
        }

        SavedTestRun result = new() { Id = run.Id, Directory = run.Directory };
        foreach (SavedTestSet set in run.Sets.Where(s => testSets.Count == 0 || testSets.Contains(s.TestSetId)))
        {
            SavedTestSet copy = new()
            {
                TestSetId = set.TestSetId, FilePath = set.FilePath, Status = set.Status, FailureReason = set.FailureReason,
                CreatedAt = set.CreatedAt, Duration = set.Duration,
            };
            copy.Tests.AddRange(set.Tests.Where(t => testCases.Count == 0 || testCases.Contains(t.TestCaseId)));
            if (testCases.Count == 0 || copy.Tests.Count > 0)
            {
                result.Sets.Add(copy);
            }
        }

        List<string> missingTests = testCases.Where(tc => result.Tests.All(t => t.TestCaseId != tc)).ToList();
        if (missingTests.Count > 0)
        {
            throw new ArgumentException($"{run.Directory}: no test case {string.Join(", ", missingTests)} in the selected reports");
        }

        return result;
    }

    /// <summary>
    /// The text report: unless <see cref="SavedReportOptions.Summary"/>, each failed test's diff (with <see cref="SavedReportOptions.Full"/>
    /// or <see cref="SavedReportOptions.TestCases"/>, every selected test with its request and bodies), then Keploy's complete
    /// summary table and <c>FAILED TEST CASES:</c> with one <c>test-set/test-case</c> per line.
    /// </summary>
    public static string Print(SavedTestRun run, SavedReportOptions options)
    {
        StringBuilder sb = new();
        sb.Append("Report ").Append(run.Id).Append(" (").Append(run.Directory).Append(")\n");
        if (!options.Summary)
        {
            bool all = options.Full || options.TestCases.Count > 0;
            foreach (SavedTest test in run.Tests.Where(t => all || t.Failed))
            {
                sb.Append(test.TestSetId).Append('/').Append(test.TestCaseId).Append(": ").Append(test.Status).Append(" (")
                    .Append(TestReportBuilder.GoDuration(test.Duration)).Append(")\n");
                if (test.Failed)
                {
                    sb.Append(SavedComparison.FailureText(test, options.GlobalNoise, options.IgnoreOrdering));
                }

                foreach (string note in test.Notes)
                {
                    sb.Append("  matched with differences: ").Append(note).Append('\n');
                }

                if (options.Full)
                {
                    AppendFull(sb, test);
                }

                sb.Append(DiffRenderer.DashedLine).Append('\n');
            }
        }

        sb.Append(SummaryPrinter.Banner).Append('\n');
        sb.Append("  COMPLETE TESTRUN SUMMARY.\n");
        int total = run.Tests.Count();
        int passed = run.Tests.Count(t => t.Passed);
        int failed = run.Tests.Count(t => t.Failed);
        int ignored = run.Tests.Count(t => t.Status == "IGNORED");
        sb.Append("\tTotal tests: ").Append(Inv(total)).Append('\n');
        sb.Append("\tTotal test passed: ").Append(Inv(passed)).Append('\n');
        sb.Append("\tTotal test failed: ").Append(Inv(failed)).Append('\n');
        if (ignored > 0)
        {
            sb.Append("\tTotal test ignored: ").Append(Inv(ignored)).Append('\n');
        }

        sb.Append("\tTotal time taken: ").Append(SummaryPrinter.Seconds(run.Duration)).Append("\n\n");
        sb.Append("\tTest Suite Name\t\tTotal Test\tPassed\t\tFailed\t\tTime Taken\tFailed Testcases\n");
        foreach (SavedTestSet set in run.Sets)
        {
            List<string> failedNames = set.Tests.Where(t => t.Failed).Select(t => t.TestCaseId).ToList();
            string row = $"\t{set.TestSetId}\t\t{Inv(set.Tests.Count)}\t\t{Inv(set.Passed)}\t\t{Inv(set.Failed)}\t\t{SummaryPrinter.Seconds(set.Duration)}\t{(failedNames.Count == 0 ? "-" : string.Join(", ", failedNames))}";
            bool ok = failedNames.Count == 0 && set.Status is "PASSED" or "";
            sb.Append(options.Ansi ? (ok ? "\u001b[32m" : "\u001b[31m") + row + "\u001b[0m" : row).Append('\n');
            if (set.Status is not ("PASSED" or "FAILED" or ""))
            {
                sb.Append("\t  ").Append(set.Status).Append(set.FailureReason is null ? "" : ": " + set.FailureReason).Append('\n');
            }
        }

        sb.Append(SummaryPrinter.Banner.TrimStart()).Append('\n');
        List<SavedTest> failures = run.Tests.Where(t => t.Failed).ToList();
        if (failures.Count > 0)
        {
            sb.Append("FAILED TEST CASES:\n");
            foreach (SavedTest t in failures)
            {
                sb.Append("\t").Append(t.TestSetId).Append('/').Append(t.TestCaseId).Append('\n');
            }
        }

        sb.Append(Inv(passed)).Append(" passed, ").Append(Inv(failed)).Append(" failed\n");
        return sb.ToString();
    }

    private static void AppendFull(StringBuilder sb, SavedTest test)
    {
        string method = Models.YamlNodes.GetString(test.Request, "method") ?? "";
        string url = Models.YamlNodes.GetString(test.Request, "url") ?? "";
        sb.Append("  request: ").Append(method).Append(' ').Append(url).Append('\n');
        string reqBody = Models.YamlNodes.GetString(test.Request, "body") ?? "";
        if (reqBody.Length > 0)
        {
            sb.Append("  request body: ").Append(DiffRenderer.Truncate(reqBody)).Append('\n');
        }

        sb.Append("  expected status: ").Append(Inv(test.StatusCode.Expected)).Append(", actual status: ").Append(Inv(test.StatusCode.Actual)).Append('\n');
        foreach (Comparison.BodyResult b in test.Bodies)
        {
            sb.Append("  expected body: ").Append(DiffRenderer.Truncate(b.Expected)).Append('\n');
            sb.Append("  actual body:   ").Append(DiffRenderer.Truncate(b.Actual)).Append('\n');
        }

        if (test.MocksUsed.Count > 0)
        {
            sb.Append("  mocks used: ").Append(string.Join(", ", test.MocksUsed)).Append('\n');
        }
    }

    private static string Inv(int value) => value.ToString(CultureInfo.InvariantCulture);
}
