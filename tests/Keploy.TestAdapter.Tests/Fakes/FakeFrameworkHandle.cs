using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Adapter;

namespace Keploy.TestAdapter.Tests.Fakes;

internal sealed class FakeFrameworkHandle : FakeMessageLogger, IFrameworkHandle
{
    public List<TestCase> Started { get; } = new();
    public List<TestResult> Results { get; } = new();
    public List<(TestCase TestCase, TestOutcome Outcome)> Ended { get; } = new();

    public bool EnableShutdownAfterTestRun { get; set; }

    public void RecordStart(TestCase testCase) => Started.Add(testCase);
    public void RecordResult(TestResult testResult) => Results.Add(testResult);
    public void RecordEnd(TestCase testCase, TestOutcome outcome) => Ended.Add((testCase, outcome));
    public void RecordAttachments(IList<AttachmentSet> attachmentSets) { }
    public int LaunchProcessWithDebuggerAttached(string filePath, string? workingDirectory, string? arguments, IDictionary<string, string?>? environmentVariables) => -1;

    public TestResult ResultOf(string displayName) => Results.Single(r => r.TestCase.DisplayName == displayName);
}
