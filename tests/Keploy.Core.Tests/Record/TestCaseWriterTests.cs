using System.Buffers;
using System.Text;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Record;
using Keploy.Core.Replay.Comparison;
using Keploy.Core.Storage;
using Keploy.Core.Tests.Storage;

namespace Keploy.Core.Tests.Record;

/// <summary>
/// Record mode's test case writer and its journal (issue 12): what is on disk when recording stops is Keploy's layout only (one
/// file per test case, byte for byte what <see cref="KeployYaml.FormatTestCase"/> writes, no journal), and a journal left by a
/// killed recorder is materialised by the next reader of the test-set with its torn tail dropped.
/// </summary>
public class TestCaseWriterTests
{
    private static readonly string[] Bodies =
    [
        "{\"sku\":\"KB-001\",\"name\":\"Mechanical keyboard\",\"priceCents\":8999}",
        "",
        "line one\nline two\n\n  indented: yes\n",
        "  leading space and a trailing newline\n",
        "quotes ' and \" and \\ and: colon # hash",
        "29",
        "true",
        "tab\there \u00e9\u4e2d\ud83d\ude00 \u0085 \u2028",
        "- not a list\n- really",
        "ends without newline\r\nwindows",
    ];

    private static (HttpRequestRecord, HttpResponseRecord) Exchange(int i)
    {
        var req = new HttpRequestRecord
        {
            Method = i % 3 == 0 ? "POST" : "GET",
            Url = $"http://127.0.0.1:5200/items/{i}?q={i % 7}&x=a%20b",
            Timestamp = new DateTimeOffset(2026, 12, 2, 6, 0, 0, TimeSpan.Zero).AddTicks(i * 1234567L),
            Body = i % 3 == 0 ? HttpBody.FromText(Bodies[(i + 3) % Bodies.Length]) : HttpBody.Empty,
        };
        req.Header["Host"] = "127.0.0.1:5200";
        req.Header["Accept"] = i % 2 == 0 ? "*/*" : "application/json";
        if (i % 5 == 0)
        {
            req.UrlParams = new() { ["q"] = (i % 7).ToString(), ["x"] = "a b" };
        }

        var resp = new HttpResponseRecord
        {
            StatusCode = i % 11 == 0 ? 404 : 200,
            StatusMessage = i % 11 == 0 ? "Not Found" : "OK",
            Body = i % 13 == 0 ? new HttpBody([0, 1, 2, 255, 254, (byte)i], isBinary: true) : HttpBody.FromText(Bodies[i % Bodies.Length]),
            Timestamp = req.Timestamp.AddMilliseconds(3),
            ProtoMajor = 1,
            ProtoMinor = 1,
        };
        resp.Header["Content-Type"] = "application/json; charset=utf-8";
        resp.Header["Date"] = req.Timestamp.ToString("r");
        resp.Header["X-Request-Id"] = Guid.NewGuid().ToString();
        return (req, resp);
    }

    [Fact]
    public async Task Writer_LeavesOneFilePerTestCase_ByteIdenticalToFormatTestCase_AndNoJournal()
    {
        var store = new TestSetStore(StorageTestPaths.NewTempDir());
        string set = store.CreateNextTestSet();
        const int count = 400;
        var exchanges = Enumerable.Range(1, count).Select(Exchange).ToArray();
        var recorded = new System.Collections.Concurrent.ConcurrentBag<string>();
        var handed = new System.Collections.Concurrent.ConcurrentDictionary<string, TestCase>();
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        TestCaseWriter writer = new(store, set, mocks: null, (tc, _) => { recorded.Add(tc.FilePath!); handed[tc.Name] = tc; }, log.Enqueue);
        Assert.True(File.Exists(store.JournalPath(set)));
        for (int i = 0; i < count; i++)
        {
            // Half through the non-blocking path: under the bound it always queues.
            if (i % 2 == 0)
            {
                Assert.True(writer.TryEnqueue($"test-{i + 1}", 5200, exchanges[i].Item1, exchanges[i].Item2));
            }
            else
            {
                await writer.EnqueueAsync($"test-{i + 1}", 5200, exchanges[i].Item1, exchanges[i].Item2);
            }
        }

        await writer.DisposeAsync();
        Assert.Empty(log);
        Assert.Equal(count, writer.Written);
        Assert.Equal(count, writer.Materialised);
        Assert.Equal(0, writer.Waits);
        Assert.Equal(0, writer.PendingBytes);
        Assert.False(File.Exists(store.JournalPath(set)));
        Assert.Equal(Enumerable.Range(1, count).Select(i => $"test-{i}.yaml").Order(StringComparer.Ordinal),
            Directory.GetFiles(store.TestsDirectory(set)).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(count, recorded.Distinct().Count(File.Exists));
        for (int i = 0; i < count; i++)
        {
            string path = Path.Combine(store.TestsDirectory(set), $"test-{i + 1}.yaml");
            byte[] actual = File.ReadAllBytes(path);
            long created = HttpSpec.FromTestCase(KeployYaml.ReadTestCases(path).Single()).Created;
            (HttpRequestRecord req, HttpResponseRecord resp) = exchanges[i];
            TestCase expected = HttpSpec.CreateTestCase($"test-{i + 1}", req, resp, new(AutoNoise.Detect(resp), StringComparer.Ordinal), 5200, created);
            Assert.Equal(Encoding.UTF8.GetBytes(KeployYaml.FormatTestCase(expected)), actual);
            // The test case handed to listeners (its spec built on first read) is the one in the file.
            Assert.Equal(Encoding.UTF8.GetBytes(KeployYaml.FormatTestCase(handed[$"test-{i + 1}"])), actual);
        }
    }

    [Fact]
    public async Task Writer_PastTheByteBound_TryEnqueueRefuses_EnqueueAsyncWaits_NothingIsDropped()
    {
        var store = new TestSetStore(StorageTestPaths.NewTempDir());
        string set = store.CreateNextTestSet();
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        TestCaseWriter writer = new(store, set, mocks: null, recorded: null, log.Enqueue, queueByteCapacity: 1);
        (HttpRequestRecord req, HttpResponseRecord resp) = Exchange(1);
        Assert.True(writer.TryEnqueue("test-1", 5200, req, resp)); // nothing pending yet: accepted
        Assert.False(writer.TryEnqueue("test-2", 5200, req, resp)); // refused, not queued
        Task waited = writer.EnqueueAsync("test-2", 5200, req, resp).AsTask(); // queued, waits for room
        Assert.False(waited.IsCompleted);
        await waited.WaitAsync(TimeSpan.FromSeconds(30));
        await writer.DisposeAsync();
        Assert.Equal(2, writer.Waits);
        Assert.Equal(2, writer.Written);
        Assert.Contains(log, l => l.Contains("behind", StringComparison.Ordinal) && l.Contains("wait", StringComparison.Ordinal));
        Assert.Equal(["test-1.yaml", "test-2.yaml"], Directory.GetFiles(store.TestsDirectory(set)).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Recover_KilledRecordersJournal_MaterialisesWholeRecords_DropsTornTailWithOneLine()
    {
        var store = new TestSetStore(StorageTestPaths.NewTempDir());
        string set = store.CreateNextTestSet();
        string[] texts = Enumerable.Range(1, 5).Select(i => $"# test {i}\nversion: api.keploy.io/v1beta1\nname: test-{i}\nbody: \"{Bodies[i]}\"\n").ToArray();
        TestCaseJournal journal = store.OpenTestCaseJournal(set);
        var batch = new ArrayBufferWriter<byte>();
        for (int i = 0; i < 5; i++)
        {
            TestCaseJournal.Frame(batch, $"test-{i + 1}", texts[i]);
        }

        journal.Append(batch.WrittenSpan);
        batch.ResetWrittenCount();
        TestCaseJournal.Frame(batch, "test-6", "a record the kill cut short\n");
        journal.Append(batch.WrittenSpan[..(batch.WrittenCount - 7)]);

        // A live recorder holds the journal: a reader leaves it alone.
        var lines = new List<string>();
        var reader = new TestSetStore(store.RootPath) { Log = lines.Add };
        Assert.Empty(reader.ListTestCaseFiles(set));
        Assert.True(File.Exists(store.JournalPath(set)));

        // The recorder dies (its lock goes with it); a half-written file of a record is repaired from the journal.
        journal.Dispose();
        File.WriteAllText(Path.Combine(store.TestsDirectory(set), "test-2.yaml"), "# tes");
        IReadOnlyList<string> files = reader.ListTestCaseFiles(set);
        Assert.Equal(Enumerable.Range(1, 5).Select(i => $"test-{i}.yaml"), files.Select(Path.GetFileName));
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(texts[i], File.ReadAllText(files[i]));
        }

        Assert.True(lines.Count == 1, string.Join("\n", lines));
        string line = lines[0];
        Assert.Contains("torn", line, StringComparison.Ordinal);
        Assert.Contains(TestCaseJournal.FileName, line, StringComparison.Ordinal);
        Assert.False(File.Exists(store.JournalPath(set)));
        Assert.Equal(0, reader.RecoverTestCaseJournal(set));
    }

    [Fact]
    public void Recover_StopsAtARecordWhoseChecksumFails()
    {
        var store = new TestSetStore(StorageTestPaths.NewTempDir());
        string set = store.CreateNextTestSet();
        TestCaseJournal journal = store.OpenTestCaseJournal(set);
        var batch = new ArrayBufferWriter<byte>();
        TestCaseJournal.Frame(batch, "test-1", "one: 1\n");
        (int offset, _) = TestCaseJournal.Frame(batch, "test-2", "two: 2\n");
        TestCaseJournal.Frame(batch, "test-3", "three: 3\n");
        byte[] bytes = batch.WrittenSpan.ToArray();
        bytes[offset + 1] ^= 0x20; // "two" -> "tWo": same length, wrong checksum
        journal.Append(bytes);
        journal.Dispose();
        var lines = new List<string>();
        Assert.Equal(1, new TestSetStore(store.RootPath) { Log = lines.Add }.RecoverTestCaseJournal(set));
        Assert.Equal(["test-1.yaml"], Directory.GetFiles(store.TestsDirectory(set)).Select(Path.GetFileName));
        Assert.Contains("checksum", Assert.Single(lines), StringComparison.Ordinal);
    }
}
