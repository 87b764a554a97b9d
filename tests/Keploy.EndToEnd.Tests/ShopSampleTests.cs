using System.Diagnostics;

namespace Keploy.EndToEnd.Tests;

/// <summary>
/// The Shop sample on its own, before any recording: samples/Shop/check.sh starts MariaDB and Redis (Debian's servers on free
/// loopback ports), the user, product and order services and the gateway, runs samples/shop-traffic.sh through the gateway (the
/// seed's Postman flow: login, address, orders with an Idempotency-Key, details, pay, cancel, errors), and stops everything.
/// </summary>
public sealed class ShopSampleTests
{
    [Fact]
    public async Task Traffic_gets_the_expected_answers_from_the_shop_on_real_MariaDB_and_Redis()
    {
        ProcessStartInfo start = new("bash", "samples/Shop/check.sh")
        {
            WorkingDirectory = ToolPaths.Repo("."),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using CancellationTokenSource timeout = new(TimeSpan.FromMinutes(8));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("samples/Shop/check.sh did not finish within 8 minutes");
        }

        string output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"check.sh exited {process.ExitCode}:\n{output}");
        Assert.Contains("shop-traffic.sh: all requests got the expected status", output, StringComparison.Ordinal);
        Assert.Matches(@"POST +/api/v1/orders/[0-9a-f-]+/cancel +409", output);   // a paid order cannot be cancelled
    }
}
