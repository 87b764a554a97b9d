namespace Keploy.EndToEnd.Tests;

/// <summary>Where the repository and the built tool are, seen from the test's output folder (tests/X/bin/&lt;Configuration&gt;/net10.0/).</summary>
internal static class ToolPaths
{
    public static string Repo(string relative)
    {
        DirectoryInfo? dir = new(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Keploy.sln")))
        {
            dir = dir.Parent;
        }

        return Path.GetFullPath(Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Keploy.sln not found above the test folder"), relative));
    }

    public static string Configuration => new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    public static string ToolDll() => Repo($"src/Keploy.Tool/bin/{Configuration}/net10.0/dotnet-keploy.dll");
}
