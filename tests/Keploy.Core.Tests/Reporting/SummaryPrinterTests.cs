using Keploy.Core.Models;
using Keploy.Core.Replay;
using Keploy.Core.Replay.Reporting;

namespace Keploy.Core.Tests.Reporting;

public class SummaryPrinterTests
{
    private static TestSetResult Set(string id, double seconds, params (string Name, TestStatus Status)[] tests)
    {
        TestSetResult set = new()
        {
            TestSetId = id,
            Duration = TimeSpan.FromSeconds(seconds),
            Status = tests.Any(t => t.Status is TestStatus.Failed or TestStatus.Obsolete) ? TestSetStatus.Failed : TestSetStatus.Passed,
        };
        foreach ((string name, TestStatus status) in tests)
        {
            set.Tests.Add(new TestCaseResult { TestCase = new TestCase { Kind = "Http", Name = name }, TestSetId = id, Status = status });
        }

        return set;
    }

    private static readonly TestSetResult Set0 = Set("test-set-0", 1.234,
        ("test-1", TestStatus.Passed), ("test-2", TestStatus.Passed), ("test-3", TestStatus.Failed), ("test-4", TestStatus.Passed), ("test-5", TestStatus.Passed));

    private static readonly TestSetResult Set1 = Set("test-set-1", 1.98,
        ("test-1", TestStatus.Passed), ("test-2", TestStatus.Passed), ("test-3", TestStatus.Passed), ("test-4", TestStatus.Passed), ("test-5", TestStatus.Passed));

    [Fact]
    public void TestSetSummaryMatchesKeployLayout()
    {
        Assert.Equal(
            " <=========================================>\n" +
            "  TESTRUN SUMMARY. For test-set: test-set-0\n" +
            "\tTotal tests:        5\n" +
            "\tTotal test passed:  4\n" +
            "\tTotal test failed:  1\n" +
            "\tTime Taken:         \"1.23 s\"\n" +
            " <=========================================>\n",
            SummaryPrinter.TestSetSummary(Set0));
    }

    [Fact]
    public void ObsoleteAndIgnoredOnlyWhenPresent()
    {
        TestSetResult set = Set("test-set-2", 0.5, ("a", TestStatus.Passed), ("b", TestStatus.Obsolete), ("c", TestStatus.Ignored));
        string[] lines = SummaryPrinter.TestSetSummary(set).Split('\n');
        Assert.Equal("\tTotal test failed:  0", lines[4]);
        Assert.Equal("\tTotal test obsolete: 1", lines[5]);
        Assert.Equal("\tTotal test ignored: 1", lines[6]);
        Assert.Equal("\tTime Taken:         \"0.50 s\"", lines[7]);
        Assert.DoesNotContain("obsolete", SummaryPrinter.TestSetSummary(Set0), StringComparison.Ordinal);
    }

    [Fact]
    public void CompleteSummaryMatchesKeployLayout()
    {
        Assert.Equal(
            " <=========================================>\n" +
            "  COMPLETE TESTRUN SUMMARY.\n" +
            "\tTotal tests: 10\n" +
            "\tTotal test passed: 9\n" +
            "\tTotal test failed: 1\n" +
            "\tTotal time taken: \"3.21 s\"\n" +
            "\n" +
            "\tTest Suite Name\t\tTotal Test\tPassed\t\tFailed\t\tTime Taken\tFailed Testcases\n" +
            "\ttest-set-0\t\t5\t\t4\t\t1\t\t\"1.23 s\"\ttest-3\n" +
            "\ttest-set-1\t\t5\t\t5\t\t0\t\t\"1.98 s\"\t-\n" +
            "<=========================================>\n" +
            "9 passed, 1 failed\n",
            SummaryPrinter.CompleteSummary([Set0, Set1], TimeSpan.FromSeconds(3.21)));
    }

    [Fact]
    public void AnsiColoursRowsByOutcome()
    {
        string text = SummaryPrinter.CompleteSummary([Set0, Set1], TimeSpan.FromSeconds(3.21), ansi: true);
        Assert.Contains("\u001b[31m\ttest-set-0\t\t5", text, StringComparison.Ordinal);
        Assert.Contains("\u001b[32m\ttest-set-1\t\t5", text, StringComparison.Ordinal);
    }
}
