using Keploy.Core.Models;

namespace Keploy.Core.Replay;

/// <summary>
/// Replays recorded test-sets against the app: starts the app in its own cgroup with outgoing connections redirected to the mock
/// proxy, waits for readiness, sends each recorded request, compares the response with noise rules, and collects mock hits and
/// misses. Used by <c>dotnet keploy test</c> and by the VSTest adapter.
/// </summary>
public sealed class ReplayRunner
{
    private readonly ReplayOptions _options;

    /// <summary>Creates a runner.</summary>
    public ReplayRunner(ReplayOptions options)
    {
        _options = options;
    }

    /// <summary>The options in use.</summary>
    public ReplayOptions Options => _options;

    /// <summary>
    /// Replays one test-set: one app start, every selected test in file order.
    /// </summary>
    /// <param name="testSetId">Folder name under <c>keploy/</c>, for example <c>test-set-0</c>.</param>
    /// <param name="include">Selects test cases by name; null runs all.</param>
    /// <param name="observer">Progress callbacks, or null.</param>
    /// <param name="cancellationToken">Stops sending requests, stops the app and returns <see cref="TestSetStatus.UserAbort"/>.</param>
    public Task<TestSetResult> RunTestSetAsync(string testSetId, Func<TestCase, bool>? include, IReplayObserver? observer, CancellationToken cancellationToken)
    {
        throw new NotImplementedException("ReplayRunner is being written in the end-to-end issue.");
    }
}
