namespace Keploy.Core.Tests.Http;

/// <summary>Locates ../shared/keploy-fixtures from the test binaries (walks up to the directory holding Keploy.sln).</summary>
internal static class HttpTestPaths
{
    public static string Fixtures
    {
        get
        {
            DirectoryInfo? dir = new(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Keploy.sln")))
            {
                dir = dir.Parent;
            }

            if (dir is null)
            {
                throw new InvalidOperationException($"no Keploy.sln above {AppContext.BaseDirectory}");
            }

            return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "keploy-fixtures"));
        }
    }
}
