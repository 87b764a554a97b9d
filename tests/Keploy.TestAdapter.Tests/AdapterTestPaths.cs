namespace Keploy.TestAdapter.Tests;

/// <summary>Paths for adapter tests: the repo root (folder holding Keploy.sln) and throw-away workspaces.</summary>
internal static class AdapterTestPaths
{
    public static string RepoRoot
    {
        get
        {
            DirectoryInfo? dir = new(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Keploy.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException($"Keploy.sln not found above {AppContext.BaseDirectory}");
        }
    }

    public static string NewTempDirectory(string prefix)
    {
        string path = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Writes a minimal Keploy Http test case.</summary>
    public static string WriteTestCase(string root, string set, string file, string? name = null, string url = "http://localhost:8080/", string body = "ok")
    {
        string dir = Path.Combine(root, "keploy", set, "tests");
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, file + ".yaml");
        File.WriteAllText(path, $"""
            version: api.keploy.io/v1beta1
            kind: Http
            name: {name ?? file}
            spec:
              req:
                method: GET
                url: {url}
              resp:
                status_code: 200
                body: "{body}"
              created: 1760612158
            """ + "\n");
        return path;
    }
}
