// Mock lookup with 100 and 100,000 Http mocks loaded (issue 12: match p99 <= 100 us, 100,000 mocks load in <= 2 s and <= 500 MB).
//   dotnet run -c Release --project bench/MockLookup            # load figures, a p99 over 200 lookups, then BenchmarkDotNet
//   dotnet run -c Release --project bench/MockLookup -- --quick # load figures and the p99 only
// Mocks are read as replay reads them (TestSetStore.Load: Http mocks kept as typed views, MockCompaction.ForReplay).
// The first lookup builds the pool's Http index (each mock parsed once) and is reported apart; p50/p99 are over 2000 lookups after 500 untimed warm-up ones.
// The mocks are session mocks (metadata type config: never consumed), so every lookup sees all of them; the request matches the
// last one written, the worst case for a scan in recorded order. BenchmarkDotNet runs in process (no generated project to build).
using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Replay;
using Keploy.Core.Replay.Matching;
using Keploy.Core.Storage;
using YamlDotNet.RepresentationModel;

foreach (int n in MockLookupBench.Sizes)
{
    using MockSet set = MockSet.Write(n);
    long before = GC.GetTotalMemory(forceFullCollection: true);
    Stopwatch load = Stopwatch.StartNew();
    List<Mock> mocks = KeployYaml.ReadMocks(set.Path, MockCompaction.ForReplay).ToList(); // as TestSetStore.Load reads them for replay
    load.Stop();
    long held = GC.GetTotalMemory(forceFullCollection: true) - before;
    Stopwatch first = Stopwatch.StartNew();
    MockPool pool = new(mocks, null);
    HttpRequestRecord request = MockSet.Request(n - 1);
    if (HttpMatcher.Match(request, pool, "Http") is null)
    {
        throw new InvalidOperationException("the request matched no mock");
    }

    first.Stop();
    for (int i = 0; i < 500; i++)
    {
        HttpMatcher.Match(request, pool, "Http"); // warm-up (tiered JIT), untimed
    }

    int lookups = 2000;
    double[] us = new double[lookups];
    for (int i = 0; i < lookups; i++)
    {
        long t = Stopwatch.GetTimestamp();
        MockMatch? hit = HttpMatcher.Match(request, pool, "Http");
        us[i] = Stopwatch.GetElapsedTime(t).TotalMicroseconds;
        if (hit is null)
        {
            throw new InvalidOperationException("the request matched no mock");
        }
    }

    Array.Sort(us);
    Console.WriteLine(
        $"{n,7} mocks: load {load.Elapsed.TotalMilliseconds,8:F0} ms, {held / 1048576.0,7:F1} MB held, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0,7:F0} MB;"
        + $" pool and first lookup (builds the index) {first.Elapsed.TotalMilliseconds,7:F0} ms;"
        + $" lookup p50 {us[lookups / 2],10:F1} us, p99 {us[(int)Math.Ceiling(lookups * 0.99) - 1],10:F1} us ({lookups} lookups)");
    GC.KeepAlive(mocks);
}

if (!args.Contains("--quick"))
{
    IConfig config = DefaultConfig.Instance
        .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
        .AddColumn(StatisticColumn.P95, StatisticColumn.Max);
    BenchmarkRunner.Run<MockLookupBench>(config, args.Where(a => a != "--quick").ToArray());
}

/// <summary>One Http lookup against a pool of N session mocks (the match is the last mock).</summary>
[MemoryDiagnoser]
public class MockLookupBench
{
    public static readonly int[] Sizes = [100, 100_000];

    private MockPool _pool = null!;
    private HttpRequestRecord _request = null!;

    [Params(100, 100_000)]
    public int Mocks { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        using MockSet set = MockSet.Write(Mocks);
        _pool = new MockPool(KeployYaml.ReadMocks(set.Path, MockCompaction.ForReplay).ToList(), null);
        _request = MockSet.Request(Mocks - 1);
    }

    [Benchmark]
    public MockMatch? Lookup() => HttpMatcher.Match(_request, _pool, "Http");
}

/// <summary>A mocks.yaml of N Http session mocks (GET /items/KB-i, a JSON answer each) in a temporary folder.</summary>
internal sealed class MockSet : IDisposable
{
    private readonly string _dir;

    private MockSet(string dir, string path)
    {
        _dir = dir;
        Path = path;
    }

    public string Path { get; }

    public static HttpRequestRecord Request(int i)
    {
        HttpRequestRecord r = new() { Method = "GET", Url = $"http://catalog.local:5200/items/KB-{i:D6}", Timestamp = DateTimeOffset.UtcNow };
        r.Header["Host"] = "catalog.local:5200";
        r.Header["Accept"] = "application/json";
        return r;
    }

    public static MockSet Write(int n)
    {
        string dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "keploy-mocklookup-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        DateTimeOffset t0 = DateTimeOffset.UtcNow.AddMinutes(-5);
        IEnumerable<Mock> mocks = Enumerable.Range(0, n).Select(i =>
        {
            HttpResponseRecord resp = new() { StatusCode = 200, Body = HttpBody.FromText($"{{\"sku\":\"KB-{i:D6}\",\"stock\":{i % 50}}}"), Timestamp = t0 };
            resp.Header["Content-Type"] = "application/json; charset=utf-8";
            Mock m = HttpSpec.CreateMock(Request(i), resp, i, t0.AddMilliseconds(i), t0.AddMilliseconds(i + 1), $"mock-{i}");
            ((YamlMappingNode)((YamlMappingNode)m.Spec)["metadata"]).Children[new YamlScalarNode("type")] = new YamlScalarNode("config");
            return m;
        });
        string path = System.IO.Path.Combine(dir, "mocks.yaml");
        File.WriteAllText(path, KeployYaml.FormatMocks(mocks));
        return new MockSet(dir, path);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
