// Per-stage cost of turning one recorded exchange into a test case (bench only; not a test), in us per test case: wall time
// and process CPU time (CPU is steadier on a shared machine: waiting for a core is not counted).
//   dotnet run -c Release --project bench/RecordCost [iterations]
// Stages (argument 2: all, capture, stages or writer): ingress capture parse and Sanitizer; noise -> TestCase -> YAML ->
// mock build/format (HTTP, Redis, Postgres) -> journal append (batched) -> file materialised from the journal; then the old per-file
// write for comparison, and the whole TestCaseWriter (enqueue -> journal -> files) end to end.
using System.Buffers;
using System.Diagnostics;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Record;
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

string only = args.Length > 1 ? args[1] : "all"; // "capture", "stages", "format" or "writer" for one part only (e.g. under perf)
Console.WriteLine($"RecordCost: {n} test cases per stage, {Environment.ProcessorCount} cores");

// Ingress capture (what the ring-buffer thread does per exchange): the app's read and write bytes through
// HttpCapturedConnection (head parse, body, record conversion), then the Sanitizer on the request and response.
byte[] wireRequest = System.Text.Encoding.ASCII.GetBytes(
    "GET /items/KB-001 HTTP/1.1\r\nHost: 127.0.0.1:5200\r\nUser-Agent: wrk\r\nAccept: */*\r\n\r\n");
const string catalogItem = "{\"sku\":\"KB-001\",\"name\":\"Mechanical keyboard\",\"priceCents\":8999,\"stock\":12}";
byte[] wireResponse = System.Text.Encoding.ASCII.GetBytes(
    "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nDate: Wed, 02 Dec 2026 14:00:00 GMT\r\nServer: Kestrel\r\n" +
    $"Content-Length: {catalogItem.Length}\r\n\r\n{catalogItem}");
if (only is "all" or "capture")
{
    HttpRequestRecord? capturedReq = null;
    HttpResponseRecord? capturedResp = null;
    HttpCapturedConnection connection = new((rq, rs) => (capturedReq, capturedResp) = (rq, rs), why => throw new InvalidOperationException(why));
    DateTimeOffset now = DateTimeOffset.UtcNow;
    Time("HttpCapturedConnection exch.", i =>
    {
        connection.OnRead(wireRequest, now);
        connection.OnWrite(wireResponse, now);
    });
    var sanitizer = new Keploy.Core.Sanitize.Sanitizer(new Keploy.Core.Sanitize.SecretStore(Path.Combine(Path.GetTempPath(), "recordcost-secret-" + Guid.NewGuid().ToString("N") + ".yaml")));
    Time("Sanitizer request+response", i => { sanitizer.Request(capturedReq!); sanitizer.Response(capturedResp!); });
}

if (only is "format" or "direct")
{
    // Formatting only, for a profiler: the test case (from CreateTestCase) formatted n times.
    var fnoise = new Dictionary<string, List<string>>(AutoNoise.Detect(resp), StringComparer.Ordinal);
    TestCase ftc = HttpSpec.CreateTestCase("t", req, resp, fnoise, 5200);
    if (only is "format")
    {
        Time("KeployYaml.FormatTestCase", i => KeployYaml.FormatTestCase(ftc));
    }

    var detected = AutoNoise.Detect(resp);
    System.Text.StringBuilder fsb = new();
    Time("HttpTestCaseText.Write", i => { fsb.Clear(); HttpTestCaseText.Write(fsb, "t", req, resp, detected, 5200, 1_795_000_000); _ = fsb.ToString(); });
}

if (only is "all" or "stages" or "pgtext")
{
Time("AutoNoise.Detect", i => AutoNoise.Detect(resp));
var noise = new Dictionary<string, List<string>>(AutoNoise.Detect(resp), StringComparer.Ordinal);
Time("HttpSpec.CreateTestCase", i => HttpSpec.CreateTestCase($"t-{i}", req, resp, noise, 5200));
TestCase tc = HttpSpec.CreateTestCase("t", req, resp, noise, 5200);
Time("KeployYaml.FormatTestCase", i => KeployYaml.FormatTestCase(tc));
System.Text.StringBuilder directSb = new();
Time("HttpTestCaseText (noise+text)", i => { directSb.Clear(); HttpTestCaseText.Write(directSb, $"t-{i}", req, resp, AutoNoise.Detect(resp), 5200, 1_795_000_000); _ = directSb.ToString(); });
string text = KeployYaml.FormatTestCase(tc);

// Mocks: build (where the protocol builds fresh nodes) and format one mock as MockFileWriter does (ToNode, WriteDocument into a
// reused StringBuilder, UTF-8 bytes): an HTTP mock, a Redis mock, and a Postgres mock with Parse/Bind/Execute/DataRow messages
// read from the recorded fixture samples-java/employee-manager (the largest such document).
System.Text.StringBuilder mockSb = new();
System.Text.UTF8Encoding utf8 = new(false);
void FormatMock(Mock m)
{
    mockSb.Clear();
    mockSb.Append("---\n");
    KeployYamlWriter.WriteDocument(mockSb, KeployYaml.ToNode(m), KeployYaml.MockIndent);
    _ = utf8.GetBytes(mockSb.ToString());
}

DateTimeOffset t0 = DateTimeOffset.UtcNow;
Time("HttpSpec.CreateMock", i => HttpSpec.CreateMock(req, resp, 7, t0, t0, "mock-1"));
Mock httpMock = HttpSpec.CreateMock(req, resp, 7, t0, t0, "mock-1");
Time("Format HTTP mock", i => FormatMock(httpMock));
var redis = new Keploy.Core.Protocols.Redis.RedisMock("Redis", "3", "mocks", "GET",
    [System.Text.Encoding.ASCII.GetBytes("*2\r\n$3\r\nGET\r\n$10\r\nuser:12345\r\n")],
    [System.Text.Encoding.ASCII.GetBytes("$52\r\n{\"id\":12345,\"name\":\"Ada Lovelace\",\"plan\":\"pro\"}\r\n")], t0, t0);
Time("RedisMock.ToMock", i => redis.ToMock());
Mock redisMock = redis.ToMock();
redisMock.Name = "mock-2";
Time("Format Redis mock", i => FormatMock(redisMock));
// A pgbench select-only exchange as the recorder sees it (simple Query; RowDescription, DataRow, CommandComplete, ReadyForQuery):
// the node form (Build, then format) against the direct text (PostgresMockText), as the mock writer runs them.
{
    byte[] q = Convert.FromBase64String("UQAAAD1TRUxFQ1QgYWJhbGFuY2UgRlJPTSBwZ2JlbmNoX2FjY291bnRzIFdIRVJFIGFpZCA9IDYwNzM5OwA=");
    byte[] answer = Convert.FromBase64String("VAAAACEAAWFiYWxhbmNlAAAAQAoAAwAAABcABP////8AAEQAAAALAAEAAAABMEMAAAANU0VMRUNUIDEAWgAAAAVJ");
    List<Keploy.Core.Protocols.Postgres.PgFrame> frames = new();
    System.Buffers.ReadOnlySequence<byte> rest = new(answer);
    while (Keploy.Core.Protocols.Postgres.PgFrameReader.TryRead(ref rest, untyped: false, frontend: false, out var f))
    {
        frames.Add(f);
    }

    var pgx = new Keploy.Core.Protocols.Postgres.PgExchange(2, [new Keploy.Core.Protocols.Postgres.PgFrame((byte)'Q', q)], frames, t0, t0, false, 0);
    if (only == "pgtext")
    {
        Time("Postgres (pgbench) text", i => { mockSb.Clear(); Keploy.Core.Protocols.Postgres.PostgresMockText.Write(mockSb, pgx, "mock-1"); }, n * 10);
        return;
    }

    Time("Postgres (pgbench) nodes", i => { Mock m = Keploy.Core.Protocols.Postgres.PostgresMockWriter.Build(pgx); m.Name = "mock-1"; FormatMock(m); });
    Time("Postgres (pgbench) text", i => { mockSb.Clear(); mockSb.Append("---\n"); Keploy.Core.Protocols.Postgres.PostgresMockText.Write(mockSb, pgx, "mock-1"); _ = utf8.GetBytes(mockSb.ToString()); });
}

string fixtures = Environment.GetEnvironmentVariable("KEPLOY_FIXTURES") ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/keploy-fixtures"));
string pgFile = Path.Combine(fixtures, "samples-java/employee-manager/keploy/test-set-2/mocks.yaml");
if (File.Exists(pgFile))
{
    Mock pgMock = KeployYaml.ReadMocks(pgFile).Where(m => m.Kind == "Postgres")
        .Select(m => (m, t: KeployYaml.FormatMocks([m]))).Where(p => p.t.Contains("- B") || p.t.Contains(", B")).Where(p => p.t.Contains("D"))
        .OrderByDescending(p => p.t.Length).First().m;
    Console.WriteLine($"(Postgres mock {pgMock.Name}: {KeployYaml.FormatMocks([pgMock]).Length} chars)");
    Time("Format Postgres mock", i => FormatMock(pgMock));
}
else
{
    Console.WriteLine($"(no fixture at {pgFile}: set KEPLOY_FIXTURES; Postgres mock stage skipped)");
}

// Journal: frame + one append per 256 test cases (the writer batches up to 1 MiB).
TestCaseJournal journal = store.OpenTestCaseJournal(set);
ArrayBufferWriter<byte> batch = new(1 << 20);
Time("Journal frame+append", i =>
{
    TestCaseJournal.Frame(batch, "j", text);
    if (batch.WrittenCount >= 256 * 600)
    {
        journal.Append(batch.WrittenSpan);
        batch.ResetWrittenCount();
    }
});
journal.Close(delete: true);
byte[] bytes = System.Text.Encoding.UTF8.GetBytes(text);
Time("File from bytes (linkat)", i => store.WriteTestCaseFile(set, $"m-{i}", bytes));
Time("File CreateNew (not atomic)", i => { using var f = new FileStream(Path.Combine(store.TestsDirectory(set), $"x-{i}.yaml"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 0); f.Write(bytes); });
Time("Old WriteTestCase(no fsync)", i => { tc.Name = $"b-{i}"; store.WriteTestCase(set, tc, flushToDisk: false); });
Time("Old WriteTestCase(fsync)", i => { tc.Name = $"a-{i}"; store.WriteTestCase(set, tc); }, Math.Min(n, 300));
}

// End to end: n exchanges queued at once on a fresh test-set; "journaled" = until Written == n (what the traffic waits on),
// "files" = DisposeAsync, which materialises every test case file, syncs and removes the journal.
for (int round = 0; round < 2 && only is "all" or "writer"; round++)
{
    string set2 = store.CreateNextTestSet();
    TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    TestCaseWriter writer = new(store, set2, mocks: null, recorded: null, log: Console.WriteLine);
    for (int i = 0; i < n; i++)
    {
        writer.TryEnqueue($"test-{i + 1}", 5200, req, resp);
    }

    double enqueueUs = sw.Elapsed.TotalMicroseconds;
    while (writer.Written < n)
    {
        Thread.Sleep(1);
    }

    TimeSpan cpu1 = Process.GetCurrentProcess().TotalProcessorTime;
    int early = writer.Materialised;
    double journaledWall = sw.Elapsed.TotalMicroseconds - TestCaseWriter.SettleTime.TotalMicroseconds;
    writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
    TimeSpan cpu2 = Process.GetCurrentProcess().TotalProcessorTime;
    int files = store.ListTestCaseFiles(set2).Count;
    Console.WriteLine($"{"TestCaseWriter enqueue",-30} {enqueueUs / n,8:F2} us wall");
    Console.WriteLine($"{"TestCaseWriter journaled",-30} {journaledWall / n,8:F1} us wall {(cpu1 - cpu0).TotalMicroseconds / n,8:F1} us CPU (less the {TestCaseWriter.SettleTime.TotalMilliseconds} ms settle; {early} files made meanwhile)");
    Console.WriteLine($"{"TestCaseWriter + files",-30} {(sw.Elapsed.TotalMicroseconds - TestCaseWriter.SettleTime.TotalMicroseconds) / n,8:F1} us wall {(cpu2 - cpu0).TotalMicroseconds / n,8:F1} us CPU ({files} files)");
}

Directory.Delete(dir, true);

void Time(string what, Action<int> action, int count = 0)
{
    count = count == 0 ? n : count;
    for (int i = 0; i < Math.Min(count, 1000); i++) action(-i - 1);
    TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    for (int i = 0; i < count; i++) action(i);
    double cpuUs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / count;
    Console.WriteLine($"{what,-30} {sw.Elapsed.TotalMicroseconds / count,8:F1} us wall {cpuUs,8:F1} us CPU");
}
