using Keploy.TestAdapter.Tests.Fakes;
using Microsoft.VisualStudio.TestPlatform.ObjectModel;

namespace Keploy.TestAdapter.Tests;

public sealed class ExecutionTests
{
    private static (string Bin, string Source) Workspace()
    {
        string bin = AdapterTestPaths.NewTempDirectory("keploy-exec");
        AdapterTestPaths.WriteTestCase(bin, "test-set-0", "test-1");
        AdapterTestPaths.WriteTestCase(bin, "test-set-0", "test-2");
        AdapterTestPaths.WriteTestCase(bin, "test-set-1", "test-1");
        return (bin, Path.Combine(bin, "Orders.Tests.dll"));
    }

    [Fact]
    public void RunAll_StartsTheEngineOncePerTestSet_AndReportsEveryTest()
    {
        (string bin, string source) = Workspace();
        FakeReplayer replayer = new();
        FakeFrameworkHandle handle = new();

        new KeployTestAdapter(replayer).RunTests(new[] { source }, new FakeRunContext(runDirectory: bin), handle);

        Assert.Equal(new[] { "test-set-0", "test-set-1" }, replayer.Calls.Select(c => c.TestSetId));
        Assert.Equal(new[] { "test-1", "test-2" }, replayer.Calls[0].Files);
        Assert.Equal(3, handle.Results.Count);
        Assert.All(handle.Results, r => Assert.Equal(TestOutcome.Passed, r.Outcome));
        Assert.All(handle.Results, r => Assert.Equal(TimeSpan.FromMilliseconds(12), r.Duration));
        Assert.Equal(3, handle.Started.Count);
        Assert.Equal(3, handle.Ended.Count);
    }

    [Fact]
    public void FailedTest_CarriesTheDiff_AndAttachesTheReceivedResponse()
    {
        (string bin, string source) = Workspace();
        FakeReplayer replayer = new();
        replayer.Failures["test-2"] = "status: expected 200, actual 500";
        FakeFrameworkHandle handle = new();

        new KeployTestAdapter(replayer).RunTests(new[] { source }, new FakeRunContext(runDirectory: bin), handle);

        TestResult failed = handle.Results.Single(r => r.TestCase.FullyQualifiedName == "Keploy.test_set_0.test_2");
        Assert.Equal(TestOutcome.Failed, failed.Outcome);
        Assert.Equal("status: expected 200, actual 500", failed.ErrorMessage);
        UriDataAttachment attachment = Assert.Single(Assert.Single(failed.Attachments).Attachments);
        string received = Path.Combine(bin, "keploy", "test-set-0", "test-2.received.yaml");
        Assert.Equal(received, attachment.Uri.LocalPath);
        Assert.Equal("status_code: 500\n", File.ReadAllText(received));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(received)); // a response may hold secrets
        }
        Assert.Equal(2, handle.Results.Count(r => r.Outcome == TestOutcome.Passed));
        Assert.All(handle.Results.Where(r => r.Outcome == TestOutcome.Passed), r => Assert.Empty(r.Attachments));
    }

    [Fact]
    public void Filter_SelectsOneTest_AndOnlyItsSetIsReplayed()
    {
        (string bin, string source) = Workspace();
        FakeReplayer replayer = new();
        FakeFrameworkHandle handle = new();

        new KeployTestAdapter(replayer).RunTests(new[] { source },
            new FakeRunContext(runDirectory: bin, filter: ("FullyQualifiedName", "Keploy.test_set_1.test_1")), handle);

        Assert.Equal(("test-set-1", "test-1"), (replayer.Calls.Single().TestSetId, replayer.Calls.Single().Files.Single()));
        Assert.Equal("Keploy.test_set_1.test_1", Assert.Single(handle.Results).TestCase.FullyQualifiedName);
    }

    [Fact]
    public void Filter_ByTestSet()
    {
        (string bin, string source) = Workspace();
        FakeReplayer replayer = new();
        FakeFrameworkHandle handle = new();

        new KeployTestAdapter(replayer).RunTests(new[] { source }, new FakeRunContext(runDirectory: bin, filter: ("TestSet", "test-set-0")), handle);

        Assert.Equal(new[] { "Keploy.test_set_0.test_1", "Keploy.test_set_0.test_2" }, handle.Results.Select(r => r.TestCase.FullyQualifiedName));
    }

    [Fact]
    public void RunSelectedTestCases_ReplaysOnlyThose()
    {
        (string bin, string source) = Workspace();
        FakeReplayer replayer = new();
        FakeFrameworkHandle handle = new();
        TestCase selected = KeployTestAdapter.Discover(source, null, null).Single(t => t.FullyQualifiedName == "Keploy.test_set_0.test_2");

        new KeployTestAdapter(replayer).RunTests(new[] { selected }, new FakeRunContext(runDirectory: bin), handle);

        Assert.Equal(new[] { "test-2" }, replayer.Calls.Single().Files);
        Assert.Equal(TestOutcome.Passed, Assert.Single(handle.Results).Outcome);
    }

    [Fact]
    public void SetError_FailsEveryTestOfTheSet_WithTheReason()
    {
        (string bin, string source) = Workspace();
        FakeReplayer replayer = new() { SetError = "keploy: test-set-0 AppFault: the app never became ready" };
        FakeFrameworkHandle handle = new();

        new KeployTestAdapter(replayer).RunTests(new[] { source }, new FakeRunContext(runDirectory: bin), handle);

        Assert.Equal(3, handle.Results.Count);
        Assert.All(handle.Results, r => Assert.Equal(TestOutcome.Failed, r.Outcome));
        Assert.All(handle.Results, r => Assert.Contains("AppFault", r.ErrorMessage));
    }

    [Fact]
    public void Cancel_StopsReportingAndSkipsRemainingSets()
    {
        (string bin, string source) = Workspace();
        FakeReplayer replayer = new();
        KeployTestAdapter adapter = new(replayer);
        int sent = 0;
        replayer.DuringReplay = () =>
        {
            if (++sent == 2)
            {
                adapter.Cancel();
            }
        };
        FakeFrameworkHandle handle = new();

        adapter.RunTests(new[] { source }, new FakeRunContext(runDirectory: bin), handle);

        Assert.Single(replayer.Calls);
        Assert.Equal("Keploy.test_set_0.test_1", Assert.Single(handle.Results).TestCase.FullyQualifiedName);
    }

    [Fact]
    public void DiscoveryErrorTest_FailsWithItsMessage_WithoutCallingTheEngine()
    {
        string bin = AdapterTestPaths.NewTempDirectory("keploy-err");
        Directory.CreateDirectory(Path.Combine(bin, "keploy"));
        FakeReplayer replayer = new();
        FakeFrameworkHandle handle = new();

        new KeployTestAdapter(replayer).RunTests(new[] { Path.Combine(bin, "X.Tests.dll") }, new FakeRunContext(runDirectory: bin), handle);

        TestResult result = Assert.Single(handle.Results);
        Assert.Equal(TestOutcome.Failed, result.Outcome);
        Assert.Contains("no recorded tests", result.ErrorMessage);
        Assert.Empty(replayer.Calls);
    }

    [Fact]
    public void ShouldNotAttachToTestHost()
    {
        Assert.False(new KeployTestAdapter(new FakeReplayer()).ShouldAttachToTestHost(Array.Empty<string>(), new FakeRunContext()));
    }
}
