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
        _toolPath = new Lazy<string>(InstallTool, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    private readonly Lazy<string> _toolPath;

    /// <summary>
    /// A folder holding the <c>dotnet-keploy</c> command, installed from the freshly packed <c>keploy</c> tool package (packed into the same
    /// feed on first use) with <c>dotnet tool install --tool-path</c>; with it first on PATH, <c>dotnet keploy</c> is what a user runs.
    /// </summary>
    public string ToolPath => _toolPath.Value;

    private string InstallTool()
    {
        string project = Path.Combine(AdapterTestPaths.RepoRoot, "src", "Keploy.Tool", "Keploy.Tool.csproj");
        (int exit, string output) = DotnetCli.Run(AdapterTestPaths.RepoRoot, null, "pack", project, "-c", "Release", "-o", Feed);
        if (exit != 0)
        {
            throw new InvalidOperationException("dotnet pack of the tool failed:\n" + output);
        }

        string tools = Path.Combine(Feed, "tools");
        (exit, output) = DotnetCli.Run(Feed, Environment, "tool", "install", "keploy", "--tool-path", tools, "--add-source", Feed, "--version", Version);
        if (exit != 0)
        {
            throw new InvalidOperationException("dotnet tool install keploy failed:\n" + output);
        }

        return tools;
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
