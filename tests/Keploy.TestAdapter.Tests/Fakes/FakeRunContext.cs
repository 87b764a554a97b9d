using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Adapter;

namespace Keploy.TestAdapter.Tests.Fakes;

/// <summary>Run context whose filter is <c>FullyQualifiedName=&lt;value&gt;</c> or <c>TestSet=&lt;value&gt;</c> (one equality), evaluated through
/// the adapter's property provider exactly as vstest's TestCaseFilterExpression calls it.</summary>
internal sealed class FakeRunContext(string? settingsXml = null, string? runDirectory = null, (string Property, string Value)? filter = null) : IRunContext
{
    public IRunSettings? RunSettings { get; } = new FakeRunSettings(settingsXml);
    public bool KeepAlive => false;
    public bool InIsolation => false;
    public bool IsDataCollectionEnabled => false;
    public bool IsBeingDebugged => false;
    public string? TestRunDirectory { get; } = runDirectory;
    public string? SolutionDirectory => null;

    public ITestCaseFilterExpression? GetTestCaseFilter(IEnumerable<string>? supportedProperties, Func<string, TestProperty?> propertyProvider)
    {
        if (filter is null)
        {
            return null;
        }

        if (supportedProperties is null || !supportedProperties.Contains(filter.Value.Property) || propertyProvider(filter.Value.Property) is null)
        {
            throw new TestPlatformFormatException($"unsupported property {filter.Value.Property}");
        }

        return new Expression(filter.Value.Property, filter.Value.Value);
    }

    private sealed class Expression(string property, string value) : ITestCaseFilterExpression
    {
        public string TestCaseFilterValue => $"{property}={value}";

        public bool MatchTestCase(TestCase testCase, Func<string, object?> propertyValueProvider) =>
            string.Equals(propertyValueProvider(property) as string, value, StringComparison.Ordinal);
    }
}
