// Mock lookup with 100 and 100,000 Http mocks loaded (issue 12: match p99 <= 100 us; 100,000 mocks load in <= 2 s and <= 500 MB).
//   dotnet run -c Release --project bench/MockLookup            # load figures, a p99 over 2000 lookups, then BenchmarkDotNet
//   dotnet run -c Release --project bench/MockLookup -- --quick # load figures and the p99 only
//   ... -- --quick --sizes 100000 --runs 3                      # one size, three fresh processes
//   ... -- --write DIR 100000, then -- --measure DIR 100000      # a set kept on disk, measured alone (to profile: perf, dotnet-trace)
// Each size is written once as keploy/test-set-0/mocks.yaml, then measured in a fresh child process (--measure), so its peak
// memory is that of loading only (not of writing the file): mocks are read as `dotnet keploy test` reads them
// (TestSetStore.ReadMocksForReplay, then a MockPool of them), and the figures are
//   load   s: ReadMocksForReplay(...).ToList() (and the CPU time it took, all threads: on a busy machine compare that too);  pool: new MockPool(...);  first: the first lookup (any index still to build);
//   ready  s: load + pool + first, what replay waits for before its first mock is served at full speed (checked against 2 s);
//   peak  MB: the child's peak resident set (VmHWM: runtime included) when ready (checked against 500 MB); held MB: GC heap kept;
//   p50/p99 us: over 2000 lookups after 500 untimed warm-up ones (p99 checked against 100 us).
// The mocks are session mocks (metadata type config: never consumed), so every lookup sees all of them; the request matches the
// last one written, the worst case for a scan in recorded order. BenchmarkDotNet runs in process (no generated project to build).
// Exit code 1 when a goal is missed.
using System.Diagnostics;
using System.Globalization;
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

const double LoadGoalSeconds = 2.0;
const double MemoryGoalMb = 500;
const double P99GoalMicroseconds = 100;

if (args.Length >= 3 && args[0] == "--write")
{
    MockSet.Write(int.Parse(args[2], CultureInfo.InvariantCulture), args[1]);
    return 0;
}

if (args.Length >= 3 && args[0] == "--measure")
{
    Console.WriteLine(MockSet.Measure(args[1], int.Parse(args[2], CultureInfo.InvariantCulture)).ToLine());
    return 0;
}

int[] sizes = Option("--sizes") is { } s ? s.Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray() : MockLookupBench.Sizes;
int runs = Option("--runs") is { } r ? int.Parse(r, CultureInfo.InvariantCulture) : 1;
bool allMet = true;
foreach (int n in sizes)
{
    using MockSet set = MockSet.Write(n);
    for (int run = 0; run < runs; run++)
    {
        Figures f = MockSet.MeasureInChild(set.Root, n);
        bool met = f.ReadySeconds <= LoadGoalSeconds && f.PeakMb <= MemoryGoalMb && f.P99Us <= P99GoalMicroseconds;
        allMet &= met;
        Console.WriteLine(
            $"{n,7} mocks: load {f.LoadSeconds,6:F2} s ({f.LoadCpuSeconds,5:F2} s CPU), pool {f.PoolMs,6:F0} ms, first lookup {f.FirstMs,6:F1} ms, ready {f.ReadySeconds,6:F2} s"
            + $" (goal {LoadGoalSeconds} s); peak {f.PeakMb,5:F0} MB (goal {MemoryGoalMb}), held {f.HeldMb,6:F1} MB;"
            + $" lookup p50 {f.P50Us,6:F1} us, p99 {f.P99Us,6:F1} us (goal {P99GoalMicroseconds}); {(met ? "goals met" : "GOAL MISSED")}");
    }
}

if (!args.Contains("--quick"))
{
    IConfig config = DefaultConfig.Instance
        .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
        .AddColumn(StatisticColumn.P95, StatisticColumn.Max);
    BenchmarkRunner.Run<MockLookupBench>(config, []);
}

return allMet ? 0 : 1;

string? Option(string name) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

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
        _pool = new MockPool(new TestSetStore(set.Root).ReadMocksForReplay(MockSet.TestSetId).ToList(), null);
        _request = MockSet.Request(Mocks - 1);
        HttpMatcher.Match(_request, _pool, "Http");
    }

    [Benchmark]
    public MockMatch? Lookup() => HttpMatcher.Match(_request, _pool, "Http");
}

/// <summary>What one child process measured (see the header of this file).</summary>
internal sealed record Figures(double LoadSeconds, double LoadCpuSeconds, double PoolMs, double FirstMs, double PeakMb, double HeldMb, double P50Us, double P99Us)
{
    public double ReadySeconds => LoadSeconds + ((PoolMs + FirstMs) / 1000);

    public string ToLine() => string.Join(' ', new[] { LoadSeconds, LoadCpuSeconds, PoolMs, FirstMs, PeakMb, HeldMb, P50Us, P99Us }.Select(x => x.ToString("R", CultureInfo.InvariantCulture)));

    public static Figures Parse(string line)
    {
        double[] v = line.Trim().Split(' ').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        return new Figures(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
    }
}

/// <summary>A Keploy folder with one test-set whose mocks.yaml holds N Http session mocks (GET /items/KB-i, a JSON answer each).</summary>
internal sealed class MockSet : IDisposable
{
    public const string TestSetId = "test-set-0";

    private MockSet(string root) => Root = root;

    /// <summary>The folder holding <c>keploy/</c>.</summary>
    public string Root { get; }

    public static HttpRequestRecord Request(int i)
    {
        HttpRequestRecord r = new() { Method = "GET", Url = $"http://catalog.local:5200/items/KB-{i:D6}", Timestamp = DateTimeOffset.UtcNow };
        r.Header["Host"] = "catalog.local:5200";
        r.Header["Accept"] = "application/json";
        return r;
    }

    public static MockSet Write(int n, string? at = null)
    {
        string root = at ?? System.IO.Path.Combine(System.IO.Path.GetTempPath(), "keploy-mocklookup-" + Guid.NewGuid().ToString("N"));
        TestSetStore store = new(root);
        Directory.CreateDirectory(store.TestsDirectory(TestSetId));
        DateTimeOffset t0 = DateTimeOffset.UtcNow.AddMinutes(-5);
        IEnumerable<Mock> mocks = Enumerable.Range(0, n).Select(i =>
        {
            HttpResponseRecord resp = new() { StatusCode = 200, Body = HttpBody.FromText($"{{\"sku\":\"KB-{i:D6}\",\"stock\":{i % 50}}}"), Timestamp = t0 };
            resp.Header["Content-Type"] = "application/json; charset=utf-8";
            Mock m = HttpSpec.CreateMock(Request(i), resp, i, t0.AddMilliseconds(i), t0.AddMilliseconds(i + 1), $"mock-{i}");
            ((YamlMappingNode)((YamlMappingNode)m.Spec)["metadata"]).Children[new YamlScalarNode("type")] = new YamlScalarNode("config");
            return m;
        });
        File.WriteAllText(store.MocksPath(TestSetId), KeployYaml.FormatMocks(mocks));
        return new MockSet(root);
    }

    /// <summary>Runs <see cref="Measure"/> in a fresh process of this program.</summary>
    public static Figures MeasureInChild(string root, int n)
    {
        string self = Environment.ProcessPath!;
        ProcessStartInfo psi = new(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (System.IO.Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            psi.ArgumentList.Add(typeof(MockSet).Assembly.Location);
        }

        foreach (string a in new[] { "--measure", root, n.ToString(CultureInfo.InvariantCulture) })
        {
            psi.ArgumentList.Add(a);
        }

        using Process child = Process.Start(psi)!;
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"the measuring process failed (exit {child.ExitCode})");
        }

        return Figures.Parse(output.Trim().Split('\n')[^1]);
    }

    /// <summary>Loads the set as replay does and times it, then times lookups (this process should do nothing else).</summary>
    public static Figures Measure(string root, int n)
    {
        long before = GC.GetTotalMemory(forceFullCollection: true);
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
        Stopwatch load = Stopwatch.StartNew();
        List<Mock> mocks = new TestSetStore(root).ReadMocksForReplay(TestSetId).ToList(); // as ReplayRunner reads them
        load.Stop();
        double loadCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        if (mocks.Count != n)
        {
            throw new InvalidOperationException($"read {mocks.Count} mocks, wrote {n}");
        }

        Stopwatch poolTime = Stopwatch.StartNew();
        MockPool pool = new(mocks, null);
        poolTime.Stop();
        HttpRequestRecord request = Request(n - 1);
        Stopwatch first = Stopwatch.StartNew();
        if (HttpMatcher.Match(request, pool, "Http") is null)
        {
            throw new InvalidOperationException("the request matched no mock");
        }

        first.Stop();
        double peak = PeakResidentMb();
        long held = GC.GetTotalMemory(forceFullCollection: true) - before;
        for (int i = 0; i < 500; i++)
        {
            HttpMatcher.Match(request, pool, "Http"); // warm-up (tiered JIT), untimed
        }

        const int lookups = 2000;
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
        GC.KeepAlive(pool);
        return new Figures(load.Elapsed.TotalSeconds, loadCpu, poolTime.Elapsed.TotalMilliseconds, first.Elapsed.TotalMilliseconds, peak, held / 1048576.0,
            us[lookups / 2], us[(int)Math.Ceiling(lookups * 0.99) - 1]);
    }

    /// <summary>VmHWM of /proc/self/status in MB (Linux), else the peak working set.</summary>
    private static double PeakResidentMb()
    {
        if (File.Exists("/proc/self/status"))
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return double.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
                }
            }
        }

        return Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
