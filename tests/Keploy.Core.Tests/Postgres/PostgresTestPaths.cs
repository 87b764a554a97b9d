namespace Keploy.Core.Tests.Postgres;

internal static class PostgresTestPaths
{
    public static string RepoRoot => TestPaths.RepoRoot;

    public static string Fixtures => TestPaths.Fixtures;

    /// <summary>The scripts/postgres.sh server (started by the test fixture when needed).</summary>
    public const string ConnectionString = "Host=127.0.0.1;Port=55432;Username=keploy;Password=keploy;Database=keploy;Pooling=false";

    private static readonly Lazy<bool> Started = new(StartServer, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Runs <c>scripts/postgres.sh start</c> once per test process (test classes run in parallel).</summary>
    public static void EnsureServer() => _ = Started.Value;

    private static bool StartServer()
    {
        System.Diagnostics.ProcessStartInfo psi = new("bash", Path.Combine(RepoRoot, "scripts", "postgres.sh") + " start") { RedirectStandardOutput = true, RedirectStandardError = true };
        using System.Diagnostics.Process p = System.Diagnostics.Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException("scripts/postgres.sh start failed: " + err);
        }

        return true;
    }
}
