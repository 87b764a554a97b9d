namespace Keploy.Core.Tests.Http;

/// <summary>Locates ../shared/keploy-fixtures from the test binaries (walks up to the directory holding Keploy.sln).</summary>
internal static class HttpTestPaths
{
    public static string Fixtures => TestPaths.Fixtures;
}
