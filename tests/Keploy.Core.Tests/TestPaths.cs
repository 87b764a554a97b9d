namespace Keploy.Core.Tests;

/// <summary>Where the repository and ../shared/keploy-fixtures are, seen from the test binaries (walks up to Keploy.sln).</summary>
internal static class TestPaths
{
    private static readonly Lazy<string> Root = new(() =>
    {
        DirectoryInfo? dir = new(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Keploy.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException($"Keploy.sln not found above {AppContext.BaseDirectory}");
    });

    /// <summary>The repository root (the folder holding Keploy.sln).</summary>
    public static string RepoRoot => Root.Value;

    /// <summary>../shared/keploy-fixtures beside the repository: real files recorded by Keploy.</summary>
    public static string Fixtures => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "keploy-fixtures"));
}
