// Per-stage cost of turning one recorded exchange into a test case (bench only; not a test).
//   dotnet run -c Release --project bench/RecordCost [iterations]
using System.Diagnostics;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Replay.Comparison;
using Keploy.Core.Storage;

int n = args.Length > 0 ? int.Parse(args[0]) : 20000;
HttpRequestRecord req = new() { Method = "GET", Url = "http://127.0.0.1:5200/items/KB-001", Timestamp = DateTimeOffset.UtcNow };
req.Header["Host"] = "127.0.0.1:5200";
HttpResponseRecord resp = new()
{
    StatusCode = 200,
    Body = HttpBody.FromText("{\"sku\":\"KB-001\",\"name\":\"Mechanical keyboard\",\"priceCents\":8999,\"stock\":12}"),
    Timestamp = DateTimeOffset.UtcNow,
};
resp.Header["Content-Type"] = "application/json; charset=utf-8";
resp.Header["Date"] = DateTimeOffset.UtcNow.ToString("r");
resp.Header["Server"] = "Kestrel";
resp.Header["Content-Length"] = "75";
string dir = Path.Combine(Path.GetTempPath(), "recordcost-" + Guid.NewGuid().ToString("N"));
TestSetStore store = new(dir);
string set = store.CreateNextTestSet();

Time("AutoNoise.Detect", i => AutoNoise.Detect(resp));
var noise = new Dictionary<string, List<string>>(AutoNoise.Detect(resp), StringComparer.Ordinal);
Time("HttpSpec.CreateTestCase", i => HttpSpec.CreateTestCase($"t-{i}", req, resp, noise, 5200));
TestCase tc = HttpSpec.CreateTestCase("t", req, resp, noise, 5200);
Time("KeployYaml.FormatTestCase", i => KeployYaml.FormatTestCase(tc));
Time("WriteTestCase(fsync)", i => { tc.Name = $"a-{i}"; store.WriteTestCase(set, tc); }, Math.Min(n, 500));
var noSync = typeof(TestSetStore).GetMethod("WriteTestCase", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
Time("WriteTestCase(no fsync)", i => { tc.Name = $"b-{i}"; noSync.Invoke(store, [set, tc, false]); });
Directory.Delete(dir, true);

void Time(string what, Action<int> action, int count = 0)
{
    count = count == 0 ? n : count;
    for (int i = 0; i < Math.Min(count, 1000); i++) action(-i - 1);
    TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    for (int i = 0; i < count; i++) action(i);
    double cpuUs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / count;
    // CPU time is steadier than wall time on a shared machine (waiting for a core is not counted).
    Console.WriteLine($"{what,-28} {sw.Elapsed.TotalMicroseconds / count,8:F1} us wall {cpuUs,8:F1} us CPU");
}
