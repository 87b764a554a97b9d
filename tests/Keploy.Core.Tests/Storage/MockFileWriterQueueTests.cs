using Keploy.Core.Models;
using Keploy.Core.Proxy;
using Keploy.Core.Storage;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Tests.Storage;

/// <summary>
/// The mocks.yaml writer's bounded queue (issue 12): when the writer falls behind, callers wait (counted, reported once per
/// episode), nothing is dropped, and the file keeps every mock in the order it was recorded.
/// </summary>
public class MockFileWriterQueueTests
{
    private static Mock NewMock(int i)
    {
        var mock = new Mock { Kind = "Generic" };
        mock.Spec.Add("index", KeployYaml.Int(i));
        return mock;
    }

    private static void WaitFor(Func<bool> condition, string what)
    {
        DateTime until = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "timed out waiting until " + what);
            Thread.Sleep(10);
        }
    }

    [Fact]
    public async Task Full_queue_by_count_makes_callers_wait_reports_once_and_loses_nothing()
    {
        var store = new TestSetStore(StorageTestPaths.NewTempDir());
        string set = store.CreateNextTestSet();
        // The writer holds mock 0, the queue fills with the next QueueCapacity, and the last caller waits: one episode. Once the
        // writer takes the queue, one mock is left to queue, so a second episode cannot happen whatever the scheduling.
        const int n = MockFileWriter.QueueCapacity + 2;
        List<string> log = new();
        using ManualResetEventSlim gate = new(false);
        using ManualResetEventSlim writing = new(false);
        using (MockFileWriter writer = store.OpenMockWriter(set))
        {
            writer.Log = l => { lock (log) { log.Add(l); } };
            writer.Prepare = _ =>
            {
                writing.Set();
                gate.Wait(); // the writer is stuck on its first batch
            };
            Task producer = Task.Run(() =>
            {
                writer.Record(NewMock(0));
                Assert.True(writing.Wait(TimeSpan.FromSeconds(60)), "the writer took mock 0");
                for (int i = 1; i < n; i++)
                {
                    writer.Record(NewMock(i));
                }
            });
            WaitFor(() => writer.FullWaits > 0, "a caller waits for room");
            Assert.False(producer.IsCompleted);
            gate.Set();
            await producer.WaitAsync(TimeSpan.FromSeconds(120)); // finishes once the writer caught up
            Assert.Equal(n, writer.Count);
        }

        List<Mock> mocks = store.ReadMocks(set).ToList();
        Assert.Equal(Enumerable.Range(0, n).Select(i => "mock-" + i), mocks.Select(m => m.Name));
        Assert.Equal(Enumerable.Range(0, n).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), mocks.Select(m => YamlNodes.GetString(m.Spec, "index")));
        Assert.Single(log, l => l.Contains("mock writer is", StringComparison.Ordinal) && l.Contains("nothing is dropped", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Full_queue_by_bytes_makes_the_next_deferred_mock_wait_until_the_writer_makes_room()
    {
        var store = new TestSetStore(StorageTestPaths.NewTempDir());
        string set = store.CreateNextTestSet();
        long big = MockFileWriter.QueueBytes / 2 + 1; // two of them do not fit
        using ManualResetEventSlim gate = new(false);
        using (MockFileWriter writer = store.OpenMockWriter(set))
        {
            IDeferredMockRecorder deferred = writer;
            writer.Prepare = _ => gate.Wait();
            Task producer = Task.Run(() =>
            {
                for (int i = 0; i < 3; i++)
                {
                    int k = i;
                    deferred.Record(() => NewMock(k), big);
                }
            });
            WaitFor(() => writer.FullWaits > 0, "the third mock waits for room");
            Assert.False(producer.IsCompleted);
            gate.Set();
            await producer.WaitAsync(TimeSpan.FromSeconds(60));
        }

        Assert.Equal(["mock-0", "mock-1", "mock-2"], store.ReadMocks(set).Select(m => m.Name));
    }
}
