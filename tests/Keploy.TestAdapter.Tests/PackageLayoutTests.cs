using System.IO.Compression;
using System.Xml.Linq;

namespace Keploy.TestAdapter.Tests;

[Collection(PackedAdapterCollection.Name)]
[Trait("Category", "Package")]
public sealed class PackageLayoutTests(PackedAdapterFixture packed)
{
    private List<string> Entries()
    {
        using ZipArchive zip = ZipFile.OpenRead(packed.Package);
        return zip.Entries.Select(e => e.FullName).ToList();
    }

    [Fact]
    public void ContainsPropsTargetsAdapterAndEmptyLib()
    {
        List<string> entries = Entries();

        Assert.Contains("build/Keploy.TestAdapter.props", entries);
        Assert.Contains("build/Keploy.TestAdapter.targets", entries);
        Assert.Contains("buildTransitive/Keploy.TestAdapter.props", entries);
        Assert.Contains("buildTransitive/Keploy.TestAdapter.targets", entries);
        Assert.Contains("build/net10.0/Keploy.TestAdapter.dll", entries);
        Assert.Contains("build/net10.0/Keploy.Core.dll", entries);
        Assert.Contains("lib/net10.0/_._", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) && e.EndsWith(".dll", StringComparison.Ordinal));
    }

    [Fact]
    public void DoesNotShipTheTestPlatformObjectModel()
    {
        Assert.DoesNotContain(Entries(), e => e.Contains("Microsoft.VisualStudio.TestPlatform.ObjectModel", StringComparison.OrdinalIgnoreCase)
            || e.Contains("Microsoft.TestPlatform.", StringComparison.OrdinalIgnoreCase));

        using ZipArchive zip = ZipFile.OpenRead(packed.Package);
        using Stream nuspec = zip.GetEntry("Keploy.TestAdapter.nuspec")!.Open();
        XDocument doc = XDocument.Load(nuspec);
        List<string> dependencies = doc.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).ToList();
        Assert.DoesNotContain("Microsoft.TestPlatform.ObjectModel", dependencies);
        Assert.Contains("Microsoft.Testing.Extensions.VSTestBridge", dependencies);
        Assert.Contains("YamlDotNet", dependencies);
        Assert.Contains("DiffPlex", dependencies);
        Assert.Contains("CommunityToolkit.HighPerformance", dependencies); // Keploy.Core's StringPool (mocks read for replay)
    }

    [Fact]
    public void PropsDeclareTheTestingPlatformHook()
    {
        using ZipArchive zip = ZipFile.OpenRead(packed.Package);
        using StreamReader reader = new(zip.GetEntry("build/Keploy.TestAdapter.props")!.Open());
        XDocument props = XDocument.Parse(reader.ReadToEnd());

        XElement hook = props.Descendants().Single(e => e.Name.LocalName == "TestingPlatformBuilderHook");
        Assert.Equal("Keploy.TestAdapter.TestingPlatformBuilderHook", hook.Elements().Single(e => e.Name.LocalName == "TypeFullName").Value);
        Assert.NotNull(typeof(KeployTestAdapter).Assembly.GetType("Keploy.TestAdapter.TestingPlatformBuilderHook")?.GetMethod("AddExtensions"));
    }
}
