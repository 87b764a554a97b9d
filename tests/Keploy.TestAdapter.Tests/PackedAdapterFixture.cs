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

    /// <summary>Writes a workspace nuget.config whose sources are the local feed (the freshly packed adapter) and nuget.org.</summary>
    public void WriteNuGetConfig(string directory) => File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="local" value="{Feed}" />
            <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
          </packageSources>
        </configuration>
        """);
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
