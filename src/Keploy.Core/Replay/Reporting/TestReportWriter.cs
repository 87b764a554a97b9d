using System.Runtime.ExceptionServices;
using System.Text;
using Keploy.Core.Storage;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Replay.Reporting;

/// <summary>
/// Writes <c>keploy/reports/test-run-N/test-set-M-report.yaml</c> while the set runs: each <see cref="Add"/> formats one
/// <c>tests</c> entry (<see cref="TestReportBuilder.BuildTest"/>) and appends it to a hidden temporary file of the run folder;
/// <see cref="Complete"/> writes the report (the same text as <see cref="TestReportBuilder.Build(TestSetResult, string, DateTimeOffset)"/>
/// formatted by <see cref="TestSetStore.WriteReport"/>, counts and <c>tests</c> in Keploy's key order) to another temporary file,
/// fsyncs it and renames it into place, so the report is complete or absent. Memory stays that of a few entries whatever the set's size.
/// </summary>
/// <remarks>
/// The entries are formatted and written on a thread of the writer's own, in <see cref="Add"/> order, at most
/// <see cref="Backlog"/> behind (<see cref="Add"/> waits when that many are pending): formatting an entry (the report's YAML and the
/// HTML page's row and details) took about 110 us per test on the replay loop, between one request and the next, and now overlaps
/// the app's answer to the next request. A write error is thrown by the next <see cref="Add"/> or by <see cref="Complete"/>.
/// </remarks>
public sealed class TestReportWriter : IDisposable
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);
    private const string EmptyTestsLine = "\ntests: []\n";

    private readonly string _testRunDirectory;
    private readonly string _testSetId;
    private readonly string _testSetPath;
    private readonly string _entriesPath;
    private readonly StreamWriter _entries;
    private readonly StringBuilder _item = new();
    private readonly HtmlReportStream? _html;
    private readonly Queue<TestCaseResult> _pending = new();
    private bool _addingCompleted;
    private readonly Thread _thread;
    private volatile ExceptionDispatchInfo? _error;
    private volatile bool _discard;
    private int _count;
    private bool _done;

    /// <summary>Entries added and not yet written at most (<see cref="Add"/> waits beyond).</summary>
    private const int Backlog = 64;

    /// <summary>Starts the report of <paramref name="testSetId"/> in <paramref name="testRunDirectory"/> (created when missing).</summary>
    /// <param name="testRunDirectory">The run folder, <c>keploy/reports/test-run-N</c>.</param>
    /// <param name="testSetId">The set, <c>test-set-M</c>.</param>
    /// <param name="testSetPath">Absolute path of <c>keploy/test-set-M</c> (each entry's <c>test_case_path</c>).</param>
    /// <exception cref="IOException">The temporary file cannot be created.</exception>
    /// <param name="html">The run's page, fed each entry too, or null.</param>
    public TestReportWriter(string testRunDirectory, string testSetId, string testSetPath, HtmlReportStream? html = null)
    {
        _html = html;
        _testRunDirectory = testRunDirectory;
        _testSetId = testSetId;
        _testSetPath = testSetPath;
        KeployYaml.CreateDirectory(testRunDirectory);
        FileStream entries;
        (_entriesPath, entries) = ReportFiles.CreateScratch(testRunDirectory, testSetId + "-report.yaml", "tests");
        _entries = new StreamWriter(entries, Utf8NoBom);
        _thread = new Thread(WriteEntries) { IsBackground = true, Name = "keploy report " + testSetId };
        _thread.Start();
    }

    /// <summary>Number of entries added so far (all written once <see cref="Complete"/> returns).</summary>
    public int Count => _count;

    /// <summary>
    /// Queues <paramref name="test"/> as the next entry of <c>tests</c>: it is formatted and appended on the writer's thread, so
    /// <paramref name="test"/> must not change afterwards. Waits while <see cref="Backlog"/> entries are pending.
    /// </summary>
    /// <exception cref="IOException">An earlier entry could not be written (the report cannot be completed).</exception>
    public void Add(TestCaseResult test)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        _error?.Throw();
        lock (_pending)
        {
            while (_pending.Count >= Backlog)
            {
                Monitor.Wait(_pending);
            }

            _pending.Enqueue(test);
            Monitor.PulseAll(_pending);
        }

        _count++;
    }

    /// <summary>
    /// The next queued entry, waiting for one; null once <see cref="CompleteAdding"/> was called and the queue is empty. A lock and
    /// <see cref="Monitor.Wait(object)"/>, not a <c>BlockingCollection</c>: its semaphore spins (sched_yield) before it sleeps, and
    /// this thread waits once per test.
    /// </summary>
    private TestCaseResult? Take()
    {
        lock (_pending)
        {
            while (_pending.Count == 0)
            {
                if (_addingCompleted)
                {
                    return null;
                }

                Monitor.Wait(_pending);
            }

            TestCaseResult test = _pending.Dequeue();
            Monitor.PulseAll(_pending);
            return test;
        }
    }

    /// <summary>No more entries: the writer's thread ends once it has written (or dropped) the queued ones.</summary>
    private void CompleteAdding()
    {
        lock (_pending)
        {
            _addingCompleted = true;
            Monitor.PulseAll(_pending);
        }
    }

    /// <summary>The writer's thread: formats and appends each queued entry until <see cref="_pending"/> is completed.</summary>
    private void WriteEntries()
    {
        while (Take() is { } test)
        {
            if (_discard || _error is not null)
            {
                continue;
            }

            try
            {
                Write(test);
            }
            catch (Exception ex)
            {
                _error = ExceptionDispatchInfo.Capture(ex);
            }
        }
    }

    private void Write(TestCaseResult test)
    {
        YamlMappingNode entry = TestReportBuilder.BuildTest(test, _testSetPath);
        _html?.Add(entry, _testSetId);
        YamlSequenceNode one = new() { entry };
        _item.Clear();
        KeployYamlWriter.WriteDocument(_item, new YamlMappingNode { { "tests", one } }, KeployYaml.MockIndent);

        // "tests:\n" then the entry, indented as inside the whole report.
        int firstLine = IndexOfNewline(_item) + 1;
        _entries.Write(_item.ToString(firstLine, _item.Length - firstLine));
    }

    /// <summary>
    /// Writes the report of <paramref name="result"/> (its counts, status and duration, and the entries written with
    /// <see cref="Add"/>) and returns its path.
    /// </summary>
    /// <exception cref="IOException">The report cannot be written.</exception>
    public string Complete(TestSetResult result, DateTimeOffset createdAt)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        CompleteAdding();
        _thread.Join();
        _error?.Throw();
        YamlMappingNode root = TestReportBuilder.Build(result, _testSetPath, createdAt, Array.Empty<TestCaseResult>());
        string header = KeployYaml.FormatFile([root], KeployYaml.MockIndent);
        int at = header.IndexOf(EmptyTestsLine, StringComparison.Ordinal);
        if (at < 0)
        {
            throw new InvalidOperationException("report header without a top-level 'tests: []' line");
        }

        _entries.Flush();
        string path = Path.Combine(_testRunDirectory, _testSetId + "-report.yaml");
        ReportFiles.WriteAtomic(path, output =>
        {
            using StreamWriter writer = new(output, Utf8NoBom, 1 << 16, leaveOpen: true);
            if (_count == 0)
            {
                writer.Write(header);
            }
            else
            {
                writer.Write(header.AsSpan(0, at + 1));
                writer.Write("tests:\n");
                writer.Flush();
                ReportFiles.CopyFrom((FileStream)_entries.BaseStream, output);
                writer.Write(header.AsSpan(at + EmptyTestsLine.Length));
            }
        });
        _html?.EndSet(root, path, (result.Total, result.Passed, result.Failed, result.Ignored));
        Dispose();
        return path;
    }

    /// <summary>Removes the temporary entries file (a report not completed is not written).</summary>
    public void Dispose()
    {
        if (_done)
        {
            return;
        }

        _done = true;
        _discard = true;
        CompleteAdding();
        _thread.Join();
        _entries.Dispose();
        ReportFiles.TryDelete(_entriesPath);
    }

    private static int IndexOfNewline(StringBuilder sb)
    {
        for (int i = 0; i < sb.Length; i++)
        {
            if (sb[i] == '\n')
            {
                return i;
            }
        }

        return sb.Length - 1;
    }
}
