using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Adapter;

namespace Keploy.TestAdapter.Tests.Fakes;

internal sealed class FakeDiscoverySink : ITestCaseDiscoverySink
{
    public List<TestCase> TestCases { get; } = new();

    public void SendTestCase(TestCase discoveredTest) => TestCases.Add(discoveredTest);
}
