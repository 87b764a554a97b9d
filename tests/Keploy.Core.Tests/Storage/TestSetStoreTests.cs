using Keploy.Core.Models;
using Keploy.Core.Storage;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Tests.Storage;

public class TestSetStoreTests
{
    [Fact]
    public void NaturalSort_OrdersDigitRunsNumerically()
    {
        var names = new List<string> { "test-10", "test-2", "test-1", "test-set-10", "test-set-9", "get-health-1", "test-02" };
        names.Sort(NaturalStringComparer.Instance);
        Assert.Equal(["get-health-1", "test-1", "test-02", "test-2", "test-10", "test-set-9", "test-set-10"], names);
    }

    [Fact]
    public void CreateNextTestSet_NumbersPastTheHighest_AndListsInNaturalOrder()
    {
        var store = new TestSetStore(StorageTestPaths.NewTempDir());
        Assert.Empty(store.ListTestSets());
        Assert.Equal("test-set-0", store.CreateNextTestSet());
        Directory.CreateDirectory(Path.Combine(store.KeployDirectory, "test-set-9"));
        Directory.CreateDirectory(Path.Combine(store.KeployDirectory, "default")); // neither tests/ nor mocks.yaml: not a set
        Directory.CreateDirectory(Path.Combine(store.KeployDirectory, "freezeTime"));
        File.WriteAllText(Path.Combine(store.KeployDirectory, "freezeTime", "mocks.yaml"), "");
        Assert.Equal("test-set-10", store.CreateNextTestSet());
        Assert.Equal(["freezeTime", "test-set-0", "test-set-9", "test-set-10"], store.ListTestSets());
        Assert.True(Directory.Exists(store.TestsDirectory("test-set-10")));
        Assert.Empty(Directory.GetDirectories(store.KeployDirectory, ".*"));
    }

    [Fact]
    public void CreateNextTestSet_FromManyThreads_GivesDistinctSets()
    {
        var store = new TestSetStore(StorageTestPaths.NewTempDir());
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ => ids.Add(new TestSetStore(store.RootPath).CreateNextTestSet()));
        Assert.Equal(16, ids.Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 16).Select(i => "test-set-" + i).Order(), ids.Order());
    }

    [Fact]
    public void WriteTestCase_IsAtomic_LeavesNoTempFiles_AndReadsBackInNaturalOrder()
    {
        var store = new TestSetStore(StorageTestPaths.NewTempDir());
        string set = store.CreateNextTestSet();
        foreach (int n in new[] { 10, 2, 1 })
        {
            var tc = new TestCase { Kind = "Generic", Name = "test-" + n }; // not Http: no req/resp needed
            tc.Spec.Add("created", KeployYaml.Int(1760612158));
            tc.Curl = "curl --request GET \\\n  --url http://localhost/x";
            string path = store.WriteTestCase(set, tc);
            Assert.Equal(path, tc.FilePath);
        }

        Assert.Equal(["test-1.yaml", "test-10.yaml", "test-2.yaml"], Directory.GetFiles(store.TestsDirectory(set)).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        List<TestCase> read = store.ReadTestCases(set).ToList();
        Assert.Equal(["test-1", "test-2", "test-10"], read.Select(t => t.Name));
        Assert.Equal("curl --request GET \\\n  --url http://localhost/x", read[0].Curl);
        Assert.Equal(
            KeployYaml.HeaderLine + "\nversion: api.keploy.io/v1beta1\nkind: Generic\nname: test-1\nspec:\n  created: 1760612158\ncurl: |-\n  curl --request GET \\\n    --url http://localhost/x\n",
            File.ReadAllText(read[0].FilePath!));
        Assert.Equal("test-11", store.NextTestName(set));
        Assert.Equal("test-12", store.NextTestName(set));
    }

    [Fact]
    public void MockWriter_FromManyThreads_WritesValidDocumentsWithUniqueNames()
    {
        var store = new TestSetStore(StorageTestPaths.NewTempDir());
        string set = store.CreateNextTestSet();
        const int threads = 8, perThread = 50;
        using (MockFileWriter writer = store.OpenMockWriter(set))
        {
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                for (int i = 0; i < perThread; i++)
                {
                    var mock = new Mock { Kind = "Generic" };
                    mock.Spec.Add("metadata", new YamlMappingNode { { "connID", KeployYaml.Str(t.ToString()) } });
                    mock.Spec.Add("body", KeployYaml.Str($"line one {t}/{i}\nline two\n"));
                    writer.Record(mock);
                }
            });
            Assert.Equal(threads * perThread, writer.Count);
        }

        List<Mock> mocks = store.ReadMocks(set).ToList();
        Assert.Equal(threads * perThread, mocks.Count);
        Assert.Equal(threads * perThread, mocks.Select(m => m.Name).Distinct().Count());
        Assert.All(mocks, m => Assert.StartsWith("line one ", YamlNodes.GetString(m.Spec, "body")));
        string text = File.ReadAllText(store.MocksPath(set));
        Assert.StartsWith(KeployYaml.HeaderLine + "\nversion: api.keploy.io/v1beta1\nkind: Generic\nname: mock-0\nspec:\n    metadata:\n        connID: \"", text);
        Assert.Equal(1, text.Split(KeployYaml.HeaderLine).Length - 1);

        // Reopening continues the numbering after the highest mock-N.
        using (MockFileWriter writer = store.OpenMockWriter(set))
        {
            var mock = new Mock { Kind = "Generic" };
            mock.Spec.Add("created", KeployYaml.Int(1));
            writer.Record(mock);
            Assert.Equal("mock-" + (threads * perThread), mock.Name);
        }

        Assert.Equal(threads * perThread + 1, store.ReadMocks(set).Count());
    }

    [Fact]
    public void RewriteMocks_ReplacesTheFileAtomically()
    {
        var store = new TestSetStore(StorageTestPaths.NewTempDir());
        string set = store.CreateNextTestSet();
        string fixture = Path.Combine(StorageTestPaths.Fixtures, "samples-go", "echo-mysql", "keploy", "test-set-0", "mocks.yaml");
        List<Mock> all = KeployYaml.ReadMocks(fixture).ToList();
        store.RewriteMocks(set, all.Where((_, i) => i % 2 == 0));
        Assert.Equal(all.Where((_, i) => i % 2 == 0).Select(m => m.Name), store.ReadMocks(set).Select(m => m.Name));
        Assert.Equal(["mocks.yaml", "tests"], Directory.EnumerateFileSystemEntries(store.TestSetDirectory(set)).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Mappings_ReadsLegacyAndHeadForms_AndWritesLegacy()
    {
        var store = new TestSetStore(Path.Combine(StorageTestPaths.Fixtures, "samples-go", "grpc-mongo"));
        TestMocksMapping legacy = store.ReadMappings("test-set-0")!;
        Assert.Equal("test-set-0", legacy.TestSetId);
        Assert.Equal(["mock-3", "mock-4"], legacy.MocksOf("test-4"));

        string head = "version: api.keploy.io/v1beta1\nkind: TestMocksMapping\ntest_set_id: test-set-1\ntests:\n    - id: test-1\n      mock_entries:\n        - name: mock-0\n          kind: Http\n        - name: mock-2\n          kind: Postgres\n";
        (YamlNode root, SourceLocation loc) = KeployYaml.ReadNodes(new StringReader(head), "m.yaml").Single();
        TestMocksMapping parsed = TestMocksMapping.FromNode(root, loc);
        Assert.Equal(["mock-0", "mock-2"], parsed.MocksOf("test-1"));

        var temp = new TestSetStore(StorageTestPaths.NewTempDir());
        temp.WriteMappings("test-set-1", parsed);
        Assert.Equal(KeployYaml.HeaderLine + "\nversion: api.keploy.io/v1beta1\nkind: TestMocksMapping\ntest_set_id: test-set-1\ntests:\n    - id: test-1\n      mocks: mock-0,mock-2\n",
            File.ReadAllText(Path.Combine(temp.TestSetDirectory("test-set-1"), "mappings.yaml")));
    }

    [Fact]
    public void Reports_GoToTheNextTestRun()
    {
        var store = new TestSetStore(StorageTestPaths.NewTempDir());
        string run0 = store.CreateNextTestRun();
        string run1 = store.CreateNextTestRun();
        Assert.Equal(Path.Combine(store.ReportsDirectory, "test-run-0"), run0);
        Assert.Equal(Path.Combine(store.ReportsDirectory, "test-run-1"), run1);
        Assert.Empty(Directory.EnumerateFileSystemEntries(run1));
        var report = new YamlMappingNode { { "version", KeployYaml.Str("api.keploy.io/v1beta1") }, { "name", KeployYaml.Str("test-set-0-report") }, { "success", KeployYaml.Int(3) }, { "tests", new YamlSequenceNode() } };
        string path = TestSetStore.WriteReport(run1, "test-set-0", report);
        Assert.Equal(KeployYaml.HeaderLine + "\nversion: api.keploy.io/v1beta1\nname: test-set-0-report\nsuccess: 3\ntests: []\n", File.ReadAllText(path));
        TestSetStore.WriteCoverage(run1, new YamlMappingNode { { "total_coverage", KeployYaml.Str("67.48%") } });
        Assert.Equal(["coverage.yaml", "test-set-0-report.yaml"], Directory.GetFiles(run1).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void FixtureSets_ReadThroughTheStore()
    {
        var store = new TestSetStore(Path.Combine(StorageTestPaths.Fixtures, "samples-go", "aerospike-tls"));
        Assert.Equal(["test-set-0"], store.ListTestSets());
        Assert.Equal(["get-health-1", "post-put-1"], store.ReadTestCases("test-set-0").Select(t => t.Name));
        Assert.Equal(114, store.ReadMocks("test-set-0").Count());
        var petclinic = new TestSetStore(Path.Combine(StorageTestPaths.Fixtures, "samples-java", "spring-petclinic", "spring-petclinic-rest"));
        Assert.Equal("spring-petclinic-rest", YamlNodes.GetString(YamlNodes.GetMapping(petclinic.ReadTestSetConfig("test-set-0"), "mockRegistry"), "app"));
    }
}
