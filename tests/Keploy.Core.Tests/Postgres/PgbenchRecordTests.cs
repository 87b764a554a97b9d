using System.Diagnostics;
using System.Net;
using Keploy.Core.Models;

namespace Keploy.Core.Tests.Postgres;

[Trait("Category", "Postgres")]
public sealed class PgbenchRecordTests
{
    private static (int Code, string Output) Pgbench(int port, string args)
    {
        ProcessStartInfo psi = new("pgbench", args) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["PGHOST"] = "127.0.0.1";
        psi.Environment["PGPORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["PGUSER"] = "keploy";
        psi.Environment["PGPASSWORD"] = "keploy";
        psi.Environment["PGDATABASE"] = "keploy";
        psi.Environment["PGSSLMODE"] = "prefer";
        using Process p = Process.Start(psi)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output + err.Result);
    }

    [Theory]
    [InlineData("-S", 1)] // select-only: one SELECT per transaction
    [InlineData("", 7)] // TPC-B-like: BEGIN, 3 UPDATEs, SELECT, INSERT, END
    public async Task Pgbench_through_the_recording_proxy(string script, int statementsPerTransaction)
    {
        PostgresTestPaths.EnsureServer();
        var init = Pgbench(55432, "-i -s 1 -q");
        Assert.True(init.Code == 0, init.Output);

        MemoryRecorder recorder = new();
        var (proxy, log) = await PgHarness.StartRecordAsync(recorder, new IPEndPoint(IPAddress.Loopback, 55432));
        (int Code, string Output) run;
        await using (proxy)
        {
            // -n: no vacuum before the run; -M simple: one Query message per statement.
            run = Pgbench(proxy.Port, $"{script} -n -M simple -c 4 -j 2 -t 50");
            await proxy.StopAsync(TimeSpan.FromSeconds(5));
        }

        Assert.True(run.Code == 0, run.Output);
        Assert.Contains("number of failed transactions: 0", run.Output);
        Assert.Contains("number of transactions actually processed: 200/200", run.Output);
        List<Mock> mocks = recorder.Mocks.ToList();
        List<Mock> data = mocks.Where(m => PgHarness.Type(m) == "mocks").ToList();

        // pgbench opens 1 + 4 connections: the main one asks `select count(*) from pgbench_branches` (scale detection, 1 data
        // mock) and the catalog query about partitions (pg_catalog → config); each of the 4 clients runs 50 transactions.
        Assert.Equal(4 * 50 * statementsPerTransaction + 1, data.Count);
        Assert.DoesNotContain(log, l => l.Contains("malformed"));

        // Every connection's startup: SSLRequest refused (1), StartupMessage → SASL (1), SASLInitialResponse (1), SASLResponse → Ok..Z (1).
        int connections = 5;
        List<Mock> config = mocks.Where(m => PgHarness.Type(m) == "config").ToList();
        Assert.Equal((connections * 4) + 1, config.Count);
    }
}
