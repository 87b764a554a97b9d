using System.Net;
using System.Text;
using System.Text.Json;
using Keploy.Core.Config;
using Keploy.Core.Storage;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Replay.Reporting;

/// <summary>
/// Writes a run's <c>report.html</c> (<see cref="HtmlReportWriter"/>'s page, the same bytes as <see cref="HtmlReportWriter.WriteFile"/>
/// on the saved reports) while the run goes: each report entry (<see cref="TestReportWriter.Add"/>) becomes its row and its details
/// in two hidden temporary files of the run folder; <see cref="Complete"/> writes the page around them (temporary file, fsync,
/// rename). Memory stays that of one entry whatever the run's size, and the saved reports are not read back.
/// </summary>
public sealed class HtmlReportStream : IDisposable
{
    private readonly string _runDirectory;
    private readonly GlobalNoiseConfig? _globalNoise;
    private readonly bool _ignoreOrdering;
    private readonly string _rowsPath;
    private readonly string _detailsPath;
    private readonly FileStream _rows;
    private readonly FileStream _details;
    private readonly MemoryStream _element = new();
    private readonly Utf8JsonWriter _writer;
    private readonly List<SavedTestSet> _sets = new();
    private bool _done;

    /// <summary>Starts the page of the run in <paramref name="runDirectory"/> (<c>keploy/reports/test-run-N</c>).</summary>
    /// <param name="runDirectory">The run folder.</param>
    /// <param name="globalNoise">keploy.yml <c>test.globalNoise</c> (shown as ignored in the side-by-side view).</param>
    /// <param name="ignoreOrdering">keploy.yml <c>test.ignoreOrdering</c>.</param>
    /// <exception cref="IOException">The temporary files cannot be created.</exception>
    public HtmlReportStream(string runDirectory, GlobalNoiseConfig? globalNoise, bool ignoreOrdering)
    {
        _runDirectory = Path.GetFullPath(runDirectory);
        _globalNoise = globalNoise;
        _ignoreOrdering = ignoreOrdering;
        KeployYaml.CreateDirectory(_runDirectory);
        (_rowsPath, _rows) = ReportFiles.CreateScratch(_runDirectory, HtmlReportWriter.FileName, "rows");
        (_detailsPath, _details) = ReportFiles.CreateScratch(_runDirectory, HtmlReportWriter.FileName, "details");
        _writer = new Utf8JsonWriter(_element, HtmlReportWriter.JsonOptions);
    }

    /// <summary>Adds one test: <paramref name="entry"/> is its <c>tests</c> entry of the set's report (<see cref="TestReportBuilder.BuildTest"/>).</summary>
    public void Add(YamlMappingNode entry, string testSetId)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        SavedTest test = SavedReportReader.ReadTest(entry, testSetId);
        HtmlReportWriter.WriteRow(_writer, _sets.Count, test);
        Append(_rows);
        HtmlReportWriter.WriteDetails(_writer, test, _globalNoise, _ignoreOrdering);
        Append(_details);
    }

    /// <summary>Ends the current test-set with its header as its report holds it (the next <see cref="Add"/> starts the next set).</summary>
    /// <param name="report">The set's report, without entries (<see cref="TestReportBuilder.Build(TestSetResult, string, DateTimeOffset)"/> of the counts).</param>
    /// <param name="path">Where the set's report was written.</param>
    /// <param name="counts">The set's counts: total, passed, failed (and obsolete), ignored.</param>
    internal void EndSet(YamlMappingNode report, string path, (int Total, int Passed, int Failed, int Ignored) counts)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        _sets.Add(SavedReportReader.ReadHeader(report, path, counts));
    }

    /// <summary>Writes <c>report.html</c> into the run folder and returns its path (call after coverage files are written: the page links them).</summary>
    /// <exception cref="IOException">The page cannot be written.</exception>
    public string Complete()
    {
        ObjectDisposedException.ThrowIf(_done, this);
        SavedTestRun run = new() { Id = Path.GetFileName(_runDirectory), Directory = _runDirectory };
        run.Sets.AddRange(_sets);
        _writer.Reset(_element);
        _element.SetLength(0);
        HtmlReportWriter.WriteDataStart(_writer, run);
        _writer.WriteStartArray("tests");
        _writer.Flush();

        // The data is the tests rows' and the details' files between the run's header and the closing brackets.
        string page = HtmlReportTemplate.Page.Replace("{{TITLE}}", WebUtility.HtmlEncode("Keploy report " + run.Id), StringComparison.Ordinal);
        int data = page.IndexOf("{{DATA}}", StringComparison.Ordinal);
        string path = Path.Combine(_runDirectory, HtmlReportWriter.FileName);
        ReportFiles.WriteAtomic(path, output =>
        {
            output.Write(Encoding.UTF8.GetBytes(page[..data]));
            WriteEscaped(output, _element.GetBuffer().AsSpan(0, (int)_element.Length));
            ReportFiles.CopyFrom(_rows, output);
            output.Write("],\"details\":["u8);
            ReportFiles.CopyFrom(_details, output);
            output.Write("]}"u8);
            output.Write(Encoding.UTF8.GetBytes(page[(data + "{{DATA}}".Length)..]));
        });
        Dispose();
        return path;
    }

    /// <summary>Removes the temporary files (a page not completed is not written).</summary>
    public void Dispose()
    {
        if (_done)
        {
            return;
        }

        _done = true;
        _writer.Dispose();
        _rows.Dispose();
        _details.Dispose();
        ReportFiles.TryDelete(_rowsPath);
        ReportFiles.TryDelete(_detailsPath);
    }

    /// <summary>Appends the element written to <see cref="_writer"/> (comma first unless it is the file's first) and resets the writer.</summary>
    private void Append(FileStream file)
    {
        _writer.Flush();
        if (file.Position > 0)
        {
            file.WriteByte((byte)',');
        }

        WriteEscaped(file, _element.GetBuffer().AsSpan(0, (int)_element.Length));
        _element.SetLength(0);
        _writer.Reset(_element);
    }

    /// <summary>Writes UTF-8 JSON with every '&lt;' as <c>\u003c</c> (<see cref="HtmlReportWriter.EscapeForScript"/>).</summary>
    private static void WriteEscaped(Stream output, ReadOnlySpan<byte> json)
    {
        while (json.Length > 0)
        {
            int lt = json.IndexOf((byte)'<');
            if (lt < 0)
            {
                output.Write(json);
                return;
            }

            output.Write(json[..lt]);
            output.Write("\\u003c"u8);
            json = json[(lt + 1)..];
        }
    }

}
