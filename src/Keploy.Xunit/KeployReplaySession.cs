using System.Collections.Concurrent;
using Keploy.TestAdapter.Engine;

namespace Keploy.Xunit;

/// <summary>
/// Per test run cache: one replay (one app start) per (folder, test-set); rows of the set await the same task and pick their result.
/// </summary>
internal sealed class KeployReplaySession(ITestSetReplayer replayer)
{
    private readonly ConcurrentDictionary<(string Root, string TestSetId), Lazy<Task<Dictionary<string, ReplayedTest>>>> _sets = new();

    /// <summary>The session used by <see cref="KeployRecordedCase.ReplayAsync"/>.</summary>
    public static KeployReplaySession Shared { get; } = new(new ReplayRunnerReplayer());

    /// <summary>The result of one case, replaying its set first if needed.</summary>
    public async Task<ReplayedTest> GetAsync(KeployRecordedCase recordedCase)
    {
        Lazy<Task<Dictionary<string, ReplayedTest>>> run = _sets.GetOrAdd((recordedCase.Root, recordedCase.TestSetId),
            key => new Lazy<Task<Dictionary<string, ReplayedTest>>>(() => ReplaySetAsync(recordedCase.AssemblyPath, key.Root, key.TestSetId)));
        Dictionary<string, ReplayedTest> results = await run.Value.ConfigureAwait(false);
        return results.TryGetValue(recordedCase.FileName, out ReplayedTest? result)
            ? result
            : new ReplayedTest(recordedCase.FileName, false, $"keploy: {recordedCase.TestSetId}/{recordedCase.FileName}: no result", null,
                DateTimeOffset.Now, DateTimeOffset.Now);
    }

    private async Task<Dictionary<string, ReplayedTest>> ReplaySetAsync(string assemblyPath, string root, string testSetId)
    {
        KeploySettings settings = new();
        settings.ApplyAssemblyMetadata(AssemblyMetadataReader.Read(assemblyPath));
        List<RecordedTest> tests = RecordedTestScanner.Scan(root, settings.SourceRoot)
            .Where(t => t.TestSetId == testSetId && t.Error is null).ToList();
        Dictionary<string, ReplayedTest> results = new(StringComparer.Ordinal);
        TestSetReplay outcome = await replayer.ReplayAsync(root, testSetId, tests, settings, r => results[r.FileName] = r, CancellationToken.None)
            .ConfigureAwait(false);
        foreach (RecordedTest test in tests.Where(t => !results.ContainsKey(t.FileName)))
        {
            results[test.FileName] = new ReplayedTest(test.FileName, false, outcome.Error ?? "keploy: the replay engine reported no result", null,
                DateTimeOffset.Now, DateTimeOffset.Now);
        }

        return results;
    }
}
