namespace Keploy.TestAdapter.Engine;

/// <summary>
/// The seam between the adapters (VSTest, MTP, xunit) and the replay engine: replays the selected tests of one test-set with one
/// app start. The real implementation is <see cref="ReplayRunnerReplayer"/>; unit tests use fakes.
/// </summary>
internal interface ITestSetReplayer
{
    /// <summary>
    /// Replays <paramref name="tests"/> (all from <paramref name="testSetId"/>) and calls <paramref name="completed"/> once per test, in
    /// replay order, on the caller's task. Tests that never complete (the app did not start, cancelled) are reported by the caller with
    /// <see cref="TestSetReplay.Error"/>.
    /// </summary>
    /// <param name="keployRoot">Folder that contains <c>keploy/</c>.</param>
    /// <param name="testSetId"><c>test-set-0</c>.</param>
    /// <param name="tests">The selected tests, non-empty.</param>
    /// <param name="settings">App command, delay, health URL, proxy port.</param>
    /// <param name="completed">Receives each result.</param>
    /// <param name="cancellationToken">Stops sending requests and stops the app.</param>
    Task<TestSetReplay> ReplayAsync(
        string keployRoot,
        string testSetId,
        IReadOnlyList<RecordedTest> tests,
        KeploySettings settings,
        Action<ReplayedTest> completed,
        CancellationToken cancellationToken);
}

/// <summary>The outcome of one replayed test.</summary>
/// <param name="FileName">The test's file name without <c>.yaml</c> (matches <see cref="RecordedTest.FileName"/>).</param>
/// <param name="Passed">True when the response matched (noise applied) and no outgoing call missed a mock.</param>
/// <param name="Diff">Plain-text diff / miss explanation when failed, else null.</param>
/// <param name="ReceivedYaml">The actual response as YAML (Keploy <c>spec.resp</c> shape), or null when the app gave none.</param>
/// <param name="Started">When the request was sent.</param>
/// <param name="Completed">When the comparison finished.</param>
internal sealed record ReplayedTest(string FileName, bool Passed, string? Diff, string? ReceivedYaml, DateTimeOffset Started, DateTimeOffset Completed)
{
    /// <summary>Log lines worth attaching to the result (mocks used, app output).</summary>
    public IReadOnlyList<string> Messages { get; init; } = Array.Empty<string>();
}

/// <summary>The outcome of a test-set run.</summary>
/// <param name="Error">Why tests did not run (app fault, app halted, engine error) as one line, or null.</param>
internal sealed record TestSetReplay(string? Error);
