using System.Text;
using Keploy.Core.Storage;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Replay.Reporting;

/// <summary>
/// Writes <c>keploy/reports/test-run-N/test-set-M-report.yaml</c> while the set runs: each <see cref="Add"/> formats one
/// <c>tests</c> entry (<see cref="TestReportBuilder.BuildTest"/>) and appends it to a hidden temporary file of the run folder;
/// <see cref="Complete"/> writes the report (the same text as <see cref="TestReportBuilder.Build(TestSetResult, string, DateTimeOffset)"/>
/// formatted by <see cref="TestSetStore.WriteReport"/>, counts and <c>tests</c> in Keploy's key order) to another temporary file,
/// fsyncs it and renames it into place, so the report is complete or absent. Memory stays that of one entry whatever the set's size.
/// </summary>
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
    private int _count;
    private bool _done;

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
    }

    /// <summary>Number of entries written so far.</summary>
    public int Count => _count;

    /// <summary>Formats <paramref name="test"/> as the next entry of <c>tests</c> and appends it.</summary>
    public void Add(TestCaseResult test)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        YamlMappingNode entry = TestReportBuilder.BuildTest(test, _testSetPath);
        _html?.Add(entry, _testSetId);
        YamlSequenceNode one = new() { entry };
        _item.Clear();
        KeployYamlWriter.WriteDocument(_item, new YamlMappingNode { { "tests", one } }, KeployYaml.MockIndent);

        // "tests:\n" then the entry, indented as inside the whole report.
        int firstLine = IndexOfNewline(_item) + 1;
        _entries.Write(_item.ToString(firstLine, _item.Length - firstLine));
        _count++;
    }

    /// <summary>
    /// Writes the report of <paramref name="result"/> (its counts, status and duration, and the entries written with
    /// <see cref="Add"/>) and returns its path.
    /// </summary>
    /// <exception cref="IOException">The report cannot be written.</exception>
    public string Complete(TestSetResult result, DateTimeOffset createdAt)
    {
        ObjectDisposedException.ThrowIf(_done, this);
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
