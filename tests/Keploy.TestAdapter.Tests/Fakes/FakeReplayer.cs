using Keploy.TestAdapter.Engine;

namespace Keploy.TestAdapter.Tests.Fakes;

/// <summary>Replays by rule: files listed in <see cref="Failures"/> fail with their diff, others pass. Records every call.</summary>
internal sealed class FakeReplayer : ITestSetReplayer
{
    public Dictionary<string, string> Failures { get; } = new(StringComparer.Ordinal);
    public List<(string TestSetId, List<string> Files)> Calls { get; } = new();
    public string? SetError { get; set; }
    public Action? DuringReplay { get; set; }

    public Task<TestSetReplay> ReplayAsync(string keployRoot, string testSetId, IReadOnlyList<RecordedTest> tests, KeploySettings settings,
        Action<ReplayedTest> completed, CancellationToken cancellationToken)
    {
        Calls.Add((testSetId, tests.Select(t => t.FileName).ToList()));
        if (SetError is not null)
        {
            return Task.FromResult(new TestSetReplay(SetError));
        }

        foreach (RecordedTest test in tests)
        {
            DuringReplay?.Invoke();
            DateTimeOffset start = DateTimeOffset.Now;
            bool failed = Failures.TryGetValue(test.FileName, out string? diff);
            completed(new ReplayedTest(test.FileName, !failed, diff, failed ? "status_code: 500\n" : null, start, start.AddMilliseconds(12)));
        }

        return Task.FromResult(new TestSetReplay(null));
    }
}
