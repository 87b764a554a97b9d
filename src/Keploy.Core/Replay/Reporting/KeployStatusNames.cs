namespace Keploy.Core.Replay.Reporting;

/// <summary>Status spellings Keploy writes in reports (<c>pkg/models/testrun.go</c>).</summary>
public static class KeployStatusNames
{
    /// <summary><c>PASSED</c>, <c>FAILED</c>, <c>IGNORED</c>, <c>OBSOLETE</c>.</summary>
    public static string ToKeployName(this TestStatus status) => status switch
    {
        TestStatus.Passed => "PASSED",
        TestStatus.Failed => "FAILED",
        TestStatus.Ignored => "IGNORED",
        TestStatus.Obsolete => "OBSOLETE",
        _ => status.ToString().ToUpperInvariant(),
    };

    /// <summary><c>PASSED</c>, <c>FAILED</c>, <c>APP_HALTED</c>, <c>APP_FAULT</c>, <c>INTERNAL_ERR</c>, <c>NO_TESTS_TO_RUN</c>, <c>USER_ABORT</c>.</summary>
    public static string ToKeployName(this TestSetStatus status) => status switch
    {
        TestSetStatus.Passed => "PASSED",
        TestSetStatus.Failed => "FAILED",
        TestSetStatus.AppHalted => "APP_HALTED",
        TestSetStatus.AppFault => "APP_FAULT",
        TestSetStatus.InternalError => "INTERNAL_ERR",
        TestSetStatus.NoTestsToRun => "NO_TESTS_TO_RUN",
        TestSetStatus.UserAbort => "USER_ABORT",
        _ => status.ToString().ToUpperInvariant(),
    };
}
