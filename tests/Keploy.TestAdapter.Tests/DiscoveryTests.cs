using Keploy.TestAdapter.Engine;
using Keploy.TestAdapter.Tests.Fakes;
using Microsoft.VisualStudio.TestPlatform.ObjectModel;

namespace Keploy.TestAdapter.Tests;

public sealed class DiscoveryTests
{
    private static (List<TestCase> Tests, string Bin, string Source) Discover(Action<string> arrange, string? settingsXml = null)
    {
        string bin = AdapterTestPaths.NewTempDirectory("keploy-disc");
        arrange(bin);
        string source = Path.Combine(bin, "Orders.Tests.dll");
        FakeDiscoverySink sink = new();
        new KeployTestAdapter(new FakeReplayer()).DiscoverTests(new[] { source }, new FakeRunContext(settingsXml), new FakeMessageLogger(), sink);
        return (sink.TestCases, bin, source);
    }

    [Fact]
    public void OneTestCasePerYaml_InNaturalOrder_WithStableFqnHierarchyAndTrait()
    {
        (List<TestCase> tests, _, string source) = Discover(bin =>
        {
            AdapterTestPaths.WriteTestCase(bin, "test-set-0", "test-10");
            AdapterTestPaths.WriteTestCase(bin, "test-set-0", "test-2", name: "get-orders");
            AdapterTestPaths.WriteTestCase(bin, "test-set-1", "test-1");
            Directory.CreateDirectory(Path.Combine(bin, "keploy", "test-set-0", "mocks"));
            File.WriteAllText(Path.Combine(bin, "keploy", "test-set-0", "mocks.yaml"), "not a test");
        });

        Assert.Equal(new[] { "Keploy.test_set_0.test_2", "Keploy.test_set_0.test_10", "Keploy.test_set_1.test_1" },
            tests.Select(t => t.FullyQualifiedName));
        TestCase first = tests[0];
        Assert.Equal("get-orders", first.DisplayName);
        Assert.Equal(source, first.Source);
        Assert.Equal(new Uri("executor://keploy/v1"), first.ExecutorUri);
        Assert.Equal(new string?[] { null, "keploy", "test-set-0", "tests" }, first.GetPropertyValue<string[]>(KeployTestProperties.Hierarchy, null));
        Assert.Equal("test-set-0", Assert.Single(first.Traits, t => t.Name == "TestSet").Value);
        Assert.Equal("keploy/test-set-0/tests/test-2.yaml", first.GetPropertyValue<string>(KeployTestProperties.TestFile, null));
        Assert.Equal(1, first.LineNumber);
        Assert.Null(first.GetPropertyValue<string>(KeployTestProperties.Error, null));
    }

    [Fact]
    public void Ids_AreStableAcrossDiscoveries_AndUniquePerFile()
    {
        string bin = AdapterTestPaths.NewTempDirectory("keploy-ids");
        AdapterTestPaths.WriteTestCase(bin, "test-set-0", "test-1");
        AdapterTestPaths.WriteTestCase(bin, "test-set-1", "test-1");
        string source = Path.Combine(bin, "A.Tests.dll");

        IReadOnlyList<TestCase> a = KeployTestAdapter.Discover(source, null, null);
        IReadOnlyList<TestCase> b = KeployTestAdapter.Discover(source, null, null);

        Assert.Equal(a.Select(t => t.Id), b.Select(t => t.Id));
        Assert.Equal(2, a.Select(t => t.Id).Distinct().Count());
        Assert.NotEqual(Guid.Empty, a[0].Id);
    }

    [Fact]
    public void CodeFilePath_PointsAtTheSourceYaml_NotTheOutputCopy()
    {
        string project = AdapterTestPaths.NewTempDirectory("keploy-src");
        string sourceYaml = AdapterTestPaths.WriteTestCase(project, "test-set-0", "test-1");
        string xml = $"<RunSettings><Keploy><SourceRoot>{project}</SourceRoot></Keploy></RunSettings>";

        (List<TestCase> tests, string bin, _) = Discover(bin => AdapterTestPaths.WriteTestCase(bin, "test-set-0", "test-1"), xml);

        Assert.Equal(sourceYaml, Assert.Single(tests).CodeFilePath);
        Assert.StartsWith(project, tests[0].CodeFilePath);
        Assert.False(tests[0].CodeFilePath!.StartsWith(bin, StringComparison.Ordinal));
    }

    [Fact]
    public void CodeFilePath_FallsBackToTheOutputCopy_WhenNoSourceRoot()
    {
        (List<TestCase> tests, string bin, _) = Discover(bin => AdapterTestPaths.WriteTestCase(bin, "test-set-0", "test-1"));

        Assert.Equal(Path.Combine(bin, "keploy", "test-set-0", "tests", "test-1.yaml"), Assert.Single(tests).CodeFilePath);
    }

    [Fact]
    public void EmptyKeployFolder_IsOneFailingDiscoveryTest_NotZeroTests()
    {
        (List<TestCase> tests, _, _) = Discover(bin => Directory.CreateDirectory(Path.Combine(bin, "keploy")));

        TestCase error = Assert.Single(tests);
        Assert.Equal(KeployTestCaseFactory.DiscoveryErrorName, error.FullyQualifiedName);
        Assert.Contains("no recorded tests", error.GetPropertyValue<string>(KeployTestProperties.Error, null));
    }

    [Fact]
    public void AssemblyWithoutKeploy_DiscoversNothing()
    {
        (List<TestCase> tests, _, _) = Discover(_ => { });

        Assert.Empty(tests);
    }

    [Fact]
    public void MalformedYaml_IsStillListed_WithErrorNamingFileLineColumn()
    {
        (List<TestCase> tests, _, _) = Discover(bin =>
        {
            string dir = Path.Combine(bin, "keploy", "test-set-0", "tests");
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "test-1.yaml"), "name: a\nspec: [unclosed\n");
        });

        TestCase test = Assert.Single(tests);
        Assert.Equal("Keploy.test_set_0.test_1", test.FullyQualifiedName);
        string error = test.GetPropertyValue<string>(KeployTestProperties.Error, null)!;
        Assert.Matches(@"test-1\.yaml:\d+:\d+: ", error);
    }

    [Fact]
    public void DeeplyNestedYaml_IsListedWithTheDepthLimitError_NotAStackOverflow()
    {
        (List<TestCase> tests, _, _) = Discover(bin =>
        {
            string dir = Path.Combine(bin, "keploy", "test-set-0", "tests");
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "test-1.yaml"), "name: a\nspec: " + new string('[', 35_000) + new string(']', 35_000) + "\n");
        });

        TestCase test = Assert.Single(tests);
        string error = test.GetPropertyValue<string>(KeployTestProperties.Error, null)!;
        Assert.Matches(@"test-1\.yaml:\d+:\d+: ", error);
        Assert.Contains("nest", error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\n", error);
    }

    [Fact]
    public void BadRunSettings_IsOneFailingDiscoveryTest()
    {
        (List<TestCase> tests, _, _) = Discover(
            bin => AdapterTestPaths.WriteTestCase(bin, "test-set-0", "test-1"),
            "<RunSettings><Keploy><ProxyPort>99999</ProxyPort></Keploy></RunSettings>");

        TestCase error = Assert.Single(tests);
        Assert.Contains("ProxyPort", error.GetPropertyValue<string>(KeployTestProperties.Error, null));
    }

    [Fact]
    public void ReceivedFiles_AreNotDiscovered()
    {
        (List<TestCase> tests, _, _) = Discover(bin =>
        {
            AdapterTestPaths.WriteTestCase(bin, "test-set-0", "test-1");
            File.WriteAllText(Path.Combine(bin, "keploy", "test-set-0", "tests", "test-1.received.yaml"), "status_code: 500\n");
        });

        Assert.Equal("Keploy.test_set_0.test_1", Assert.Single(tests).FullyQualifiedName);
    }
}
