using System.Xml.Linq;

namespace Keploy.TestAdapter.Tests;

/// <summary>
/// Real <c>dotnet test</c> runs of a copy of samples/Orders.Tests (its unit tests + the committed recording of samples/Orders) with the
/// packed adapter and the real replay engine (eBPF: needs root). Catalog is never started: its answers come from mocks.yaml.
/// </summary>
[Collection(PackedAdapterCollection.Name)]
[Trait("Category", "Ebpf")]
public sealed class SampleAcceptanceTests(PackedAdapterFixture packed)
{
    private static readonly string[] s_unitTests =
    {
        "Orders.Tests.CatalogClientTests.GetItem_ReturnsTheItem",
        "Orders.Tests.CatalogClientTests.GetItem_UnknownSku_IsNull",
        "Orders.Tests.CatalogClientTests.Reserve_NotEnoughStock_IsNull",
        "Orders.Tests.CatalogClientTests.Release_UnknownReservation_IsFalse",
    };

    [Fact]
    public void ChangedRecordedResponse_FailsExactlyThatCase_WithTheDiffInTheTrx()
    {
        SampleWorkspace workspace = new(packed);
        string file = Path.Combine(workspace.TestsDirectory, "test-6.yaml");
        string yaml = File.ReadAllText(file);
        Assert.Contains("\"total\":73.50", yaml);
        File.WriteAllText(file, yaml.Replace("\"total\":73.50", "\"total\":99.99", StringComparison.Ordinal));

        (string output, _, Dictionary<string, TrxResult> results) = workspace.Test();

        string[] recorded = Enumerable.Range(1, 9).Select(i => $"test-{i}").ToArray();
        Assert.Equal(s_unitTests.Concat(recorded).Order(StringComparer.Ordinal), results.Keys.Order(StringComparer.Ordinal));
        Assert.True(results["test-6"].Outcome == "Failed", output);
        Assert.Contains("99.99", results["test-6"].Message);
        Assert.Contains("73.50", results["test-6"].Message);
        Assert.Contains("$.total", results["test-6"].Message);
        Assert.All(results.Where(r => r.Key != "test-6"), r => Assert.True(r.Value.Outcome == "Passed", $"{r.Key}: {r.Value.Outcome} {r.Value.Message}\n{output}"));
    }

    [Fact]
    public void Coverage_CoversAppLinesHitOnlyByReplayedRequests()
    {
        SampleWorkspace workspace = new(packed);
        string program = Path.Combine(workspace.Root, "samples", "Orders", "Program.cs");
        // The POST /orders handler's success path: no unit test calls it, only test-6 (a replayed request) does.
        int line = Array.FindIndex(File.ReadAllLines(program), l => l.Contains("total = item.Price * request.Qty", StringComparison.Ordinal)) + 1;
        Assert.True(line > 0, "the POST /orders handler moved; update this test");

        // Control: the unit tests alone never reach that line.
        (string unitOutput, string unitResults, Dictionary<string, TrxResult> unitOnly) =
            workspace.Test("--collect", "XPlat Code Coverage", "--filter", "FullyQualifiedName~CatalogClientTests");
        Assert.Equal(s_unitTests.Order(StringComparer.Ordinal), unitOnly.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0, Hits(unitResults, line, unitOutput));

        (string output, string resultsDirectory, Dictionary<string, TrxResult> results) = workspace.Test("--collect", "XPlat Code Coverage");
        Assert.All(results, r => Assert.True(r.Value.Outcome == "Passed", $"{r.Key}: {r.Value.Message}\n{output}"));
        Assert.Equal(13, results.Count);
        Assert.True(Hits(resultsDirectory, line, output) > 0, $"Program.cs:{line} not covered\n{output}");
    }

    [Fact]
    public void TestingPlatform_RunsTheRecordedCases_UnderMtp()
    {
        SampleWorkspace workspace = new(packed);
        string project = workspace.AddTestingPlatformProject(out string runSettings);
        string file = Path.Combine(project, "keploy", "test-set-0", "tests", "test-6.yaml");
        File.WriteAllText(file, File.ReadAllText(file).Replace("\"total\":73.50", "\"total\":99.99", StringComparison.Ordinal));

        (int listExit, string list) = DotnetCli.Run(project, packed.Environment, "test", "--list-tests");
        Assert.True(listExit == 0, list);
        Assert.Contains("Discovered 9 tests", list);
        Assert.Contains("  test-6\n", list.Replace("\r", ""));

        (int exit, string output) = DotnetCli.Run(project, packed.Environment, "test", "--no-build", "--settings", runSettings);

        Assert.True(exit != 0, output);
        Assert.Contains("failed: 1", output);
        Assert.Contains("succeeded: 8", output);
        Assert.Contains("test-6", output);
        Assert.Contains("$.total: 99.99", output);
    }

    /// <summary>Hits of <c>samples/Orders/Program.cs:line</c> in the run's coverage.cobertura.xml (max over classes; 0 when absent).</summary>
    private static int Hits(string resultsDirectory, int line, string output)
    {
        // The collector's attachment is <results>/<guid>/coverage.cobertura.xml (the TRX keeps a copy under <run>/In/<machine>/).
        string[] reports = Directory.GetDirectories(resultsDirectory)
            .Select(d => Path.Combine(d, "coverage.cobertura.xml"))
            .Where(File.Exists)
            .ToArray();
        Assert.True(reports.Length == 1, $"expected one coverage.cobertura.xml in a folder of {resultsDirectory}\n{output}");
        XDocument doc = XDocument.Load(reports[0]);
        // File names are relative to the sources' common root, so "Program.cs" alone when only Orders is instrumented.
        XElement[] classes = doc.Descendants("package")
            .Where(p => (string?)p.Attribute("name") == "Orders")
            .Descendants("class")
            .Where(c => Path.GetFileName(((string?)c.Attribute("filename") ?? "").Replace('\\', '/')) == "Program.cs")
            .ToArray();
        Assert.True(classes.Length > 0, "Orders' Program.cs is not in the coverage report (Orders.dll not instrumented?)\n" + output);
        return classes.SelectMany(c => c.Descendants("line"))
            .Where(l => (int)l.Attribute("number")! == line)
            .Select(l => (int)l.Attribute("hits")!)
            .DefaultIfEmpty(0)
            .Max();
    }
}
