namespace Keploy.TestAdapter.Tests;

/// <summary>Packs Keploy.TestAdapter once per test run into a temp feed, with an isolated NuGet package folder so no stale copy is reused.</summary>
public sealed class PackedAdapterFixture
{
    public PackedAdapterFixture()
    {
        Feed = AdapterTestPaths.NewTempDirectory("keploy-feed");
        PackagesFolder = Path.Combine(Feed, "packages");
        string project = Path.Combine(AdapterTestPaths.RepoRoot, "src", "Keploy.TestAdapter", "Keploy.TestAdapter.csproj");
        (int exit, string output) = DotnetCli.Run(AdapterTestPaths.RepoRoot, null, "pack", project, "-c", "Release", "-o", Feed);
        if (exit != 0)
        {
            throw new InvalidOperationException("dotnet pack failed:\n" + output);
        }

        Package = Directory.GetFiles(Feed, "Keploy.TestAdapter.*.nupkg").Single();
        Version = Path.GetFileNameWithoutExtension(Package)["Keploy.TestAdapter.".Length..];
    }

    public string Feed { get; }
    public string PackagesFolder { get; }
    public string Package { get; }
    public string Version { get; }

    public Dictionary<string, string> Environment => new() { ["NUGET_PACKAGES"] = PackagesFolder };
}

[CollectionDefinition(Name)]
public sealed class PackedAdapterCollection : ICollectionFixture<PackedAdapterFixture>
{
    public const string Name = "packed adapter";
}
