using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Keploy.EndToEnd.Tests;

/// <summary>
/// The product's main job on the real samples, with the real kernel: scripts/demo.sh records Orders (eBPF ingress + egress) while
/// curl sends traffic, stops the downstream Catalog service, and replays with <c>dotnet keploy test</c>; likewise Inventory,
/// Payments and the Shop's order service (MariaDB, Redis and two HTTP services stopped). Needs root.
/// </summary>
public sealed class SampleRecordReplayTests
{
    [Fact]
    [Trait("Category", "Ebpf")]
    public void Demo_records_the_sample_and_replays_it_with_the_downstream_stopped()
    {
        string work = Directory.CreateTempSubdirectory("keploy-e2e-").FullName;
        try
        {
            (int exit, string output) = Run("bash", $"scripts/demo.sh {work}", TimeSpan.FromMinutes(20));
            Assert.True(exit == 0, $"demo.sh exited {exit}:\n{Tail(output)}");

            string set = Path.Combine(work, "Orders", "keploy", "test-set-0");
            string[] tests = Directory.GetFiles(Path.Combine(set, "tests"), "*.yaml");
            Assert.True(tests.Length >= 6, $"expected at least 6 recorded test cases, found {tests.Length}");
            string mocks = File.ReadAllText(Path.Combine(set, "mocks.yaml"));
            Assert.True(Regex.Matches(mocks, @"^kind: Http$", RegexOptions.Multiline).Count >= 5, "expected the Catalog calls recorded as Http mocks");
            // Orders' calls to Quotes with Grpc.Net.Client over h2c (two unary, one server-streaming, one NOT_FOUND): gRPC mocks,
            // served at replay by the proxy's HTTP/2 server with Quotes stopped.
            Assert.True(Regex.Matches(mocks, @"^kind: gRPC$", RegexOptions.Multiline).Count >= 4, "expected the Quotes calls recorded as gRPC mocks");

            // The EF Core / PostgreSQL sample, replayed with the server stopped.
            string pgSet = Path.Combine(work, "Inventory", "keploy", "test-set-0");
            string[] pgTests = Directory.GetFiles(Path.Combine(pgSet, "tests"), "*.yaml");
            Assert.True(pgTests.Length >= 6, $"expected at least 6 recorded Inventory test cases, found {pgTests.Length}");
            string pgMocks = File.ReadAllText(Path.Combine(pgSet, "mocks.yaml"));
            Assert.True(Regex.Matches(pgMocks, @"^kind: Postgres$", RegexOptions.Multiline).Count >= 6, "expected EF Core's statements recorded as Postgres mocks");

            // Payments: HTTPS to FxRates (private CA), PostgreSQL over TLS, JWT expiry; replayed with --freeze-time.
            string paySet = Path.Combine(work, "Payments", "keploy", "test-set-0");
            string[] payTests = Directory.GetFiles(Path.Combine(paySet, "tests"), "*.yaml");
            Assert.True(payTests.Length >= 12, $"expected at least 12 recorded Payments test cases, found {payTests.Length}");
            string payMocks = File.ReadAllText(Path.Combine(paySet, "mocks.yaml"));
            Assert.Contains("https://127.0.0.1:", payMocks, StringComparison.Ordinal);
            Assert.Matches(new Regex(@"^kind: Postgres$", RegexOptions.Multiline), payMocks);

            // The Postman collection imported with -c: a second test-set whose test cases and mocks were recorded from the app.
            string importSet = Path.Combine(work, "Payments", "keploy", "test-set-1");
            string[] importTests = Directory.GetFiles(Path.Combine(importSet, "tests"), "*.yaml");
            Assert.True(importTests.Length >= 7, $"expected the 7 requests of the Payments collection as test cases, found {importTests.Length}");
            Assert.Contains(importTests, t => File.ReadAllText(t).Contains("/payments/", StringComparison.Ordinal)); // the id the script kept
            Assert.Matches(new Regex(@"^kind: Postgres$", RegexOptions.Multiline), File.ReadAllText(Path.Combine(importSet, "mocks.yaml")));

            // Quotes: gRPC over h2c, each call (unary, server-streaming, NOT_FOUND) a kind: gRPC test case.
            string grpcSet = Path.Combine(work, "Quotes", "keploy", "test-set-0");
            string[] grpcTests = Directory.GetFiles(Path.Combine(grpcSet, "tests"), "*.yaml");
            Assert.Equal(4, grpcTests.Length);
            Assert.All(grpcTests, t => Assert.Matches(new Regex(@"^kind: gRPC$", RegexOptions.Multiline), File.ReadAllText(t)));
            Assert.Contains(grpcTests, t => Regex.Matches(File.ReadAllText(t), @"Acme Corporation").Count == 4);   // body + 3 streamed

            // The Shop: its order service (MariaDB through MySqlConnector, HTTP to the user and product services), replayed with
            // MariaDB, Redis, both services and the gateway stopped. shop-traffic.sh sends 18 requests that reach the order service.
            string shopSet = Path.Combine(work, "Shop", "keploy", "test-set-0");
            string[] shopTests = Directory.GetFiles(Path.Combine(shopSet, "tests"), "*.yaml");
            Assert.True(shopTests.Length >= 18, $"expected at least 18 recorded order-service test cases, found {shopTests.Length}");
            Assert.Contains(shopTests, t => File.ReadAllText(t).Contains("Idempotency-Key:", StringComparison.Ordinal));
            string shopMocks = File.ReadAllText(Path.Combine(shopSet, "mocks.yaml"));
            Assert.True(Regex.Matches(shopMocks, @"^kind: MySQL$", RegexOptions.Multiline).Count >= 18, "expected the order service's statements recorded as MySQL mocks");
            Assert.Contains("/reserve", shopMocks, StringComparison.Ordinal);
            Assert.Contains("/addresses", shopMocks, StringComparison.Ordinal);

            MatchCollection summaries = Regex.Matches(output, @"^(\d+) passed, (\d+) failed$", RegexOptions.Multiline);
            Assert.True(summaries.Count >= 6, $"expected a summary line per replay and a total:\n{Tail(output)}");
            Assert.Equal($"{tests.Length} passed, 0 failed", summaries[0].Value);
            Assert.Equal($"{pgTests.Length} passed, 0 failed", summaries[1].Value);
            Assert.Equal($"{payTests.Length + importTests.Length} passed, 0 failed", summaries[2].Value);
            Assert.Equal($"{grpcTests.Length} passed, 0 failed", summaries[3].Value);
            Assert.Equal($"{shopTests.Length} passed, 0 failed", summaries[4].Value);
            Assert.Equal($"{tests.Length + pgTests.Length + payTests.Length + importTests.Length + grpcTests.Length + shopTests.Length} passed, 0 failed", summaries[^1].Value);

            // The demo ends with each sample's HTML report and its coverage line: the .NET app's statements measured by coverlet during
            // the replay (> 0%), and for Orders, which serves /openapi/v1.json, the API schema coverage.
            foreach (string sample in new[] { "Orders", "Inventory", "Payments" })
            {
                Match coverage = Regex.Match(output, $@"^{sample} coverage: (\d+\.\d)% \(statement\)(, (\d+\.\d)% \(API schema\))?$", RegexOptions.Multiline);
                Assert.True(coverage.Success, $"no coverage line for {sample}:\n{Tail(output)}");
                Assert.True(double.Parse(coverage.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, coverage.Value);
                Assert.True(sample != "Orders" || coverage.Groups[3].Success, "Orders serves its OpenAPI document: " + coverage.Value);
                Match report = Regex.Match(output, $@"^{sample} HTML report: (\S+report\.html)$", RegexOptions.Multiline);
                Assert.True(report.Success && File.Exists(report.Groups[1].Value), $"no HTML report path for {sample}:\n{Tail(output)}");
                string runDir = Path.GetDirectoryName(report.Groups[1].Value)!;
                Assert.True(File.Exists(Path.Combine(runDir, "coverage.yaml")) && File.Exists(Path.Combine(runDir, "coverage.cobertura.xml")), $"coverage files missing in {runDir}");
            }

            // A changed expectation must fail exactly that test, with a diff, while the downstream service stays stopped.
            string victim = tests.OrderBy(t => t, StringComparer.Ordinal).First(t => File.ReadAllText(t).Contains("/orders/quote?sku=KB-001", StringComparison.Ordinal));
            string text = File.ReadAllText(victim);
            string edited = Regex.Replace(text, @"""total"":\s*[0-9.]+", "\"total\":12345.67", RegexOptions.None, TimeSpan.FromSeconds(1));
            Assert.NotEqual(text, edited);
            File.WriteAllText(victim, edited);

            // A missing mock must fail the test whose app needed it (Keploy's 502 to the app), naming the unmatched call.
            string mocksPath = Path.Combine(set, "mocks.yaml");
            List<string> documents = File.ReadAllText(mocksPath).Split("\n---\n").ToList();
            int reservation = documents.FindIndex(d => d.Contains("url: /reservations", StringComparison.Ordinal) && d.Contains("method: POST", StringComparison.Ordinal));
            Assert.True(reservation >= 0, "no POST /reservations mock recorded");
            documents.RemoveAt(reservation);
            File.WriteAllText(mocksPath, string.Join("\n---\n", documents));

            (int exit2, string output2) = Run(
                "bash",
                "-c \"cd " + Path.Combine(work, "Orders") + " && " + KeployCommand() + " test -c 'dotnet " + Repo("samples/Orders/bin/Release/net10.0/Orders.dll") + " --urls http://127.0.0.1:" + OrdersPort + "' --health-url http://127.0.0.1:" + OrdersPort + "/health --disable-ansi\"",
                TimeSpan.FromMinutes(3));
            Assert.Equal(1, exit2);
            Assert.Matches(new Regex($@"^{tests.Length - 2} passed, 2 failed$", RegexOptions.Multiline), output2);
            Assert.Contains("12345.67", output2, StringComparison.Ordinal);
            Assert.Matches(new Regex(@"POST http://[^ ]+/reservations"), output2);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static readonly int OrdersPort = FreePort();
    private static readonly int CatalogPort = FreePort();

    private static string KeployCommand() => $"dotnet {ToolPaths.ToolDll()}";

    private static int FreePort() => TestPorts.Free();

    private static (int Exit, string Output) Run(string file, string arguments, TimeSpan timeout)
    {
        ProcessStartInfo start = new(file, arguments)
        {
            WorkingDirectory = Repo("."),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["KEPLOY_DEMO_SKIP_SETUP"] = "1";
        start.Environment["KEPLOY"] = KeployCommand();

        // Chosen here, not by demo.sh, so the second replay below runs Orders on the port it was recorded on.
        start.Environment["ORDERS_PORT"] = OrdersPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["CATALOG_URL"] = $"http://127.0.0.1:{CatalogPort}";
        start.Environment["CATALOG_PORT"] = CatalogPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using Process process = Process.Start(start)!;
        System.Text.StringBuilder output = new();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {arguments} did not finish within {timeout}:\n{Tail(output.ToString())}");
        }

        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    private static string Tail(string text) => text.Length <= 6000 ? text : text[^6000..];

    private static string Repo(string relative) => ToolPaths.Repo(relative);
}
