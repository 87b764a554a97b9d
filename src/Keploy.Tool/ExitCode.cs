namespace Keploy.Tool;

/// <summary>
/// Process exit codes of <c>dotnet keploy</c>, as Keploy uses them (keploy-reference §1.2): any command, flag or configuration error
/// exits 1; <c>test</c> exits 1 when any selected test-set is not PASSED; otherwise 0.
/// </summary>
internal enum ExitCode
{
    /// <summary>Success; for <c>test</c>, every selected test-set passed.</summary>
    Success = 0,

    /// <summary>An error (bad flag, bad keploy.yml, missing prerequisite), or at least one test-set did not pass.</summary>
    Failure = 1,
}
