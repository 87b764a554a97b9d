using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Keploy.Core.Models;
using Keploy.Core.Tests.Postgres;
using Xunit.Abstractions;

namespace Keploy.Core.Tests.MySql;

[Trait("Category", "MySql")]
public sealed partial class SysbenchRecordTests
{
    private readonly ITestOutputHelper _output;

    public SysbenchRecordTests(ITestOutputHelper output)
    {
        _output = output;
    }

    private static (int Code, string Output) Sysbench(int port, string args)
    {
        ProcessStartInfo psi = new("sysbench", $"oltp_read_write --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port={port} --mysql-user=keploy --mysql-password=keploy --mysql-db=keploy --mysql-ssl=off {args}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process p = Process.Start(psi)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output + err.Result);
    }

    private static long Figure(string output, string pattern)
    {
        Match m = Regex.Match(output, pattern);
        Assert.True(m.Success, $"'{pattern}' not in sysbench output:\n{output}");
        return long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static string Operation(Mock m) => YamlNodes.GetString(YamlNodes.GetMapping(m.Spec, "metadata"), "requestOperation") ?? "";

    [Fact]
    public async Task Sysbench_oltp_read_write_through_the_recording_proxy_records_one_mock_per_statement()
    {
        string tables = "--tables=2 --table-size=500";
        var prepare = Sysbench(MariaDbServer.Port, $"{tables} cleanup");
        prepare = Sysbench(MariaDbServer.Port, $"{tables} prepare");
        Assert.True(prepare.Code == 0, prepare.Output);

        const int threads = 4, events = 100;
        MemoryRecorder recorder = new();
        var (proxy, log) = MySqlHarness.StartRecord(recorder, MariaDbServer.Port);
        (int Code, string Output) run;
        await using (proxy)
        {
            // Server-side prepared statements (sysbench's default --db-ps-mode=auto): every statement is a COM_STMT_EXECUTE.
            run = Sysbench(proxy.Port, $"{tables} --threads={threads} --events={events} --time=0 --rand-seed=1 run");
            await proxy.StopAsync(TimeSpan.FromSeconds(5));
        }

        Assert.True(run.Code == 0, run.Output);
        long transactions = Figure(run.Output, @"transactions:\s+(\d+)");
        long queries = Figure(run.Output, @"\n\s+total:\s+(\d+)");
        long errors = Figure(run.Output, @"ignored errors:\s+(\d+)");
        long reconnects = Figure(run.Output, @"reconnects:\s+(\d+)");
        Assert.Equal(events, transactions);
        Assert.Equal(0, reconnects);
        Assert.DoesNotContain(log, l => l.Contains("malformed") || l.Contains("closing"));

        // oltp_read_write per transaction: BEGIN, 10 point selects, 4 range selects, 2 UPDATEs, DELETE + INSERT, COMMIT = 20
        // statements, each one COM_STMT_EXECUTE; sysbench counts them all in "total" (a deadlock retry adds its statements to
        // both sysbench's count and the mocks, and shows as an ignored error).
        List<Mock> mocks = recorder.Mocks.ToList();
        long executes = mocks.Count(m => Operation(m) == "COM_STMT_EXECUTE");
        Assert.True(errors > 0 || queries == 20 * transactions, run.Output);
        Assert.Equal(queries, executes);

        // Each thread's connection: a handshake, and its statements prepared and closed at the end: oltp_common.lua prepares 9 per
        // table (point, simple/sum/order/distinct range, index and non-index update, delete, insert) plus BEGIN and COMMIT.
        int prepared = threads * ((2 * 9) + 2);
        Assert.Equal(threads, mocks.Count(m => Operation(m) == "HandshakeV10"));
        Assert.Equal(prepared, mocks.Count(m => Operation(m) == "COM_STMT_PREPARE"));
        Assert.Equal(prepared, mocks.Count(m => Operation(m) == "COM_STMT_CLOSE"));
        _output.WriteLine($"sysbench: {transactions} transactions, {queries} queries (total), {errors} ignored errors; mocks: {executes} COM_STMT_EXECUTE, {prepared} COM_STMT_PREPARE, {prepared} COM_STMT_CLOSE, {threads} handshakes, {mocks.Count} in all");
        Assert.Equal(executes + (2 * prepared) + threads, mocks.Count);
    }
}
