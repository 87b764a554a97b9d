using System.Diagnostics;

namespace Keploy.Core.Tests.MySql;

/// <summary>
/// One real MariaDB per test process (scripts/mariadb.sh on a free port, private data directory under /tmp), started on first
/// use and stopped (directory removed) when the process exits. User <c>keploy</c>/<c>keploy</c>, database <c>keploy</c>.
/// </summary>
internal static class MariaDbServer
{
    private static readonly Lazy<(int Port, string Dir)> Started = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The TCP port of this process's MariaDB (starts it on first use).</summary>
    public static int Port => Started.Value.Port;

    /// <summary>A MySqlConnector connection string to the <c>keploy</c> database, pooling off.</summary>
    public static string ConnectionString => ConnectionStringFor(Port);

    /// <summary>The same connection string aimed at another port (a recording proxy's).</summary>
    public static string ConnectionStringFor(int port) =>
        $"Server=127.0.0.1;Port={port};User ID=keploy;Password=keploy;Database=keploy;Pooling=false;SslMode=None;AllowPublicKeyRetrieval=true";

    private static (int, string) Start()
    {
        string dir = Path.Combine(Path.GetTempPath(), "keploy-mariadb-test-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
        (int code, string stdout, string stderr) = Run("start", dir);
        if (code != 0)
        {
            throw new InvalidOperationException("scripts/mariadb.sh start failed: " + stderr);
        }

        string line = stdout.Split('\n').Select(l => l.Trim()).Last(l => l.StartsWith("MARIADB_PORT=", StringComparison.Ordinal));
        int port = int.Parse(line["MARIADB_PORT=".Length..], System.Globalization.CultureInfo.InvariantCulture);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            Run("stop", dir);
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        };
        return (port, dir);
    }

    private static (int, string, string) Run(string verb, string dir)
    {
        ProcessStartInfo psi = new("bash", Path.Combine(TestPaths.RepoRoot, "scripts", "mariadb.sh") + " " + verb)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["MARIADB_DIR"] = dir;
        psi.Environment.Remove("MARIADB_PORT");
        using Process p = Process.Start(psi)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, err.Result);
    }
}
