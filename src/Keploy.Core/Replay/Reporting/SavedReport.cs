using System.Globalization;
using Keploy.Core.Models;
using Keploy.Core.Replay.Comparison;
using Keploy.Core.Storage;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Replay.Reporting;

/// <summary>
/// A saved test run read back from <c>keploy/reports/test-run-N/test-set-M-report.yaml</c> (the shape <see cref="TestReportBuilder"/>
/// writes, which is Keploy's). What <c>report</c>, <c>diff</c>, the HTML report and JUnit XML are made from, so each of them can be
/// regenerated from the files alone.
/// </summary>
public sealed class SavedTestRun
{
    /// <summary>The folder name, <c>test-run-N</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Absolute path of the folder (or of the single report file's folder).</summary>
    public required string Directory { get; init; }

    /// <summary>The test-set reports, in test-set number order.</summary>
    public List<SavedTestSet> Sets { get; } = new();

    /// <summary>All tests of all sets.</summary>
    public IEnumerable<SavedTest> Tests => Sets.SelectMany(s => s.Tests);

    /// <summary>Sum of the sets' <c>time_taken</c>.</summary>
    public TimeSpan Duration => Sets.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.Duration);
}

/// <summary>One <c>test-set-M-report.yaml</c>.</summary>
public sealed class SavedTestSet
{
    /// <summary><c>test_set</c> (the file name without <c>-report.yaml</c> when absent).</summary>
    public required string TestSetId { get; init; }

    /// <summary>The report file.</summary>
    public required string FilePath { get; init; }

    /// <summary><c>status</c>: <c>PASSED</c>, <c>FAILED</c>, <c>APP_HALTED</c>, ...</summary>
    public string Status { get; init; } = "";

    /// <summary><c>failure_reason</c>, or null.</summary>
    public string? FailureReason { get; init; }

    /// <summary><c>created_at</c>, Unix seconds.</summary>
    public long CreatedAt { get; init; }

    /// <summary><c>time_taken</c> parsed from Go's duration text (zero when absent).</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The tests in replay order.</summary>
    public List<SavedTest> Tests { get; } = new();

    /// <summary>
    /// The counts when known without the entries (a report streamed while the run went, <see cref="HtmlReportStream"/>); null: counted
    /// from <see cref="Tests"/>.
    /// </summary>
    internal (int Total, int Passed, int Failed, int Ignored)? Counts { get; init; }

    /// <summary>Number of tests.</summary>
    public int Total => Counts?.Total ?? Tests.Count;

    /// <summary>Tests with status PASSED.</summary>
    public int Passed => Counts?.Passed ?? Tests.Count(t => t.Status == "PASSED");

    /// <summary>Tests with status FAILED or OBSOLETE.</summary>
    public int Failed => Counts?.Failed ?? Tests.Count(t => t.Status is "FAILED" or "OBSOLETE");

    /// <summary>Tests with status IGNORED.</summary>
    public int Ignored => Counts?.Ignored ?? Tests.Count(t => t.Status == "IGNORED");
}

/// <summary>One entry of a report's <c>tests</c>.</summary>
public sealed class SavedTest
{
    /// <summary>The set id (<c>name</c>, a Keploy quirk, or the report's <c>test_set</c>).</summary>
    public required string TestSetId { get; init; }

    /// <summary><c>test_case_id</c>.</summary>
    public required string TestCaseId { get; init; }

    /// <summary><c>kind</c> (<c>Http</c>).</summary>
    public string Kind { get; init; } = "Http";

    /// <summary><c>status</c>: <c>PASSED</c>, <c>FAILED</c>, <c>IGNORED</c>, <c>OBSOLETE</c>.</summary>
    public string Status { get; init; } = "";

    /// <summary><c>started</c>, Unix seconds.</summary>
    public long Started { get; init; }

    /// <summary><c>time_taken</c> parsed (zero when absent).</summary>
    public TimeSpan Duration { get; init; }

    /// <summary><c>test_case_path</c>.</summary>
    public string TestCasePath { get; init; } = "";

    /// <summary><c>req</c>: the recorded request (method, url, header, body, ...).</summary>
    public YamlMappingNode Request { get; init; } = new();

    /// <summary><c>resp</c>: the actual response (status_code 0 when the app gave none).</summary>
    public YamlMappingNode ActualResponse { get; init; } = new();

    /// <summary><c>noise</c>: the test's noise (<c>header.Date: []</c>, <c>body.id: []</c>).</summary>
    public Dictionary<string, List<string>> Noise { get; } = new(StringComparer.Ordinal);

    /// <summary><c>result.status_code</c>.</summary>
    public StatusCodeResult StatusCode { get; init; } = new(true, 0, 0);

    /// <summary><c>result.headers_result</c>.</summary>
    public List<HeaderResult> Headers { get; } = new();

    /// <summary><c>result.body_result</c>.</summary>
    public List<BodyResult> Bodies { get; } = new();

    /// <summary><c>failure_info.unmatched_calls</c>: outgoing calls that found no mock.</summary>
    public List<MockMiss> UnmatchedCalls { get; } = new();

    /// <summary><c>failure_info.matched_calls[].mock_name</c>: the mocks the test used.</summary>
    public List<string> MocksUsed { get; } = new();

    /// <summary>
    /// Notes about what matched with differences (a mock matched although fields differed, an accepted reordering...): the string
    /// items of <c>notes</c> on the test entry or in <c>failure_info</c>, and each matched call's <c>notes</c>/<c>diff</c>. Mapping
    /// items are written <c>key: value, ...</c>.
    /// </summary>
    public List<string> Notes { get; } = new();

    /// <summary>True when the status is PASSED.</summary>
    public bool Passed => Status == "PASSED";

    /// <summary>True when the status is FAILED or OBSOLETE.</summary>
    public bool Failed => Status is "FAILED" or "OBSOLETE";
}

/// <summary>Finds and reads saved runs under <c>keploy/reports</c>.</summary>
public static class SavedReportReader
{
    /// <summary>The <c>test-run-N</c> folders under <paramref name="reportsDirectory"/>, oldest (lowest N) first.</summary>
    public static List<string> ListRuns(string reportsDirectory)
    {
        if (!System.IO.Directory.Exists(reportsDirectory))
        {
            return new List<string>();
        }

        return System.IO.Directory.GetDirectories(reportsDirectory, "test-run-*")
            .Select(d => (Dir: d, Ok: TestSetStore.TryParseNumber(Path.GetFileName(d), "test-run-", out long n), N: n))
            .Where(x => x.Ok)
            .OrderBy(x => x.N)
            .Select(x => x.Dir)
            .ToList();
    }

    /// <summary>
    /// Resolves what <c>report</c>/<c>diff</c> were given to a run folder or a report file: an existing file or folder path as is,
    /// else a run id (<c>test-run-3</c>, or <c>3</c>) under <paramref name="reportsDirectory"/>; null or empty: the latest run.
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing of that name, or no runs at all (the message names the folder).</exception>
    public static string Resolve(string reportsDirectory, string? pathOrRunId)
    {
        if (string.IsNullOrWhiteSpace(pathOrRunId))
        {
            List<string> runs = ListRuns(reportsDirectory);
            if (runs.Count == 0)
            {
                throw new FileNotFoundException($"no test runs under {reportsDirectory}; run dotnet keploy test first");
            }

            return runs[^1];
        }

        string value = pathOrRunId.Trim();
        if (File.Exists(value) || System.IO.Directory.Exists(value))
        {
            return Path.GetFullPath(value);
        }

        string id = value.All(char.IsAsciiDigit) ? "test-run-" + value : value;
        string candidate = Path.Combine(reportsDirectory, id);
        if (System.IO.Directory.Exists(candidate))
        {
            return candidate;
        }

        throw new FileNotFoundException($"no test run or report named {value} (looked for {candidate})");
    }

    /// <summary>Reads a run folder (every <c>*-report.yaml</c> in it) or a single report file.</summary>
    /// <exception cref="KeployFormatException">A report is malformed (message <c>file:line:column: ...</c>).</exception>
    /// <exception cref="FileNotFoundException">The folder holds no report.</exception>
    public static SavedTestRun ReadRun(string runDirectoryOrFile)
    {
        string full = Path.GetFullPath(runDirectoryOrFile);
        bool isFile = File.Exists(full);
        string dir = isFile ? Path.GetDirectoryName(full)! : full;
        List<string> files = isFile
            ? [full]
            : System.IO.Directory.GetFiles(dir, "*-report.yaml").OrderBy(f => SetOrder(Path.GetFileName(f))).ThenBy(f => f, StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            throw new FileNotFoundException($"no *-report.yaml in {dir}");
        }

        SavedTestRun run = new() { Id = Path.GetFileName(dir), Directory = dir };
        foreach (string file in files)
        {
            run.Sets.Add(ReadTestSet(file));
        }

        return run;
    }

    /// <summary>Reads one <c>test-set-M-report.yaml</c>.</summary>
    /// <exception cref="KeployFormatException">The YAML is malformed or is not a mapping.</exception>
    public static SavedTestSet ReadTestSet(string path)
    {
        YamlNode? root = KeployYaml.ReadSingle(path);
        if (root is not YamlMappingNode map)
        {
            throw new KeployFormatException(new SourceLocation(path, 1, 1), "a test report must be a YAML mapping");
        }

        SavedTestSet set = ReadHeader(map, path, null);
        string setId = set.TestSetId;

        if (YamlNodes.GetSequence(map, "tests") is YamlSequenceNode tests)
        {
            foreach (YamlNode node in tests)
            {
                if (node is YamlMappingNode t)
                {
                    set.Tests.Add(ReadTest(t, setId));
                }
            }
        }

        return set;
    }

    /// <summary>The set's fields of a report's root mapping (no entries); <paramref name="counts"/> stand for the entries when given.</summary>
    internal static SavedTestSet ReadHeader(YamlMappingNode map, string path, (int Total, int Passed, int Failed, int Ignored)? counts)
    {
        string fileSet = Path.GetFileName(path);
        fileSet = fileSet.EndsWith("-report.yaml", StringComparison.Ordinal) ? fileSet[..^"-report.yaml".Length] : fileSet;
        return new SavedTestSet
        {
            TestSetId = YamlNodes.GetString(map, "test_set") is { Length: > 0 } s ? s : fileSet,
            FilePath = Path.GetFullPath(path),
            Status = YamlNodes.GetString(map, "status") ?? "",
            FailureReason = YamlNodes.GetString(map, "failure_reason"),
            CreatedAt = YamlNodes.GetInt64(map, "created_at"),
            Duration = ParseGoDuration(YamlNodes.GetString(map, "time_taken")),
            Counts = counts,
        };
    }

    /// <summary>
    /// Parses Go's <c>time.Duration.String()</c> (<c>1h2m3.5s</c>, <c>12.5ms</c>, <c>800ns</c>, <c>1.5µs</c>/<c>us</c>); zero for null,
    /// empty or unparsable text (a report's time is informative only).
    /// </summary>
    public static TimeSpan ParseGoDuration(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return TimeSpan.Zero;
        }

        string s = text.Trim();
        bool negative = s.StartsWith('-');
        if (negative || s.StartsWith('+'))
        {
            s = s[1..];
        }

        decimal ticks = 0;
        int i = 0;
        while (i < s.Length)
        {
            int start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            if (start == i || !decimal.TryParse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal value))
            {
                return TimeSpan.Zero;
            }

            int unitStart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.')
            {
                i++;
            }

            decimal perUnit = s[unitStart..i] switch
            {
                "h" => TimeSpan.TicksPerHour,
                "m" => TimeSpan.TicksPerMinute,
                "s" => TimeSpan.TicksPerSecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "µs" or "μs" or "us" => 10m,
                "ns" => 0.01m,
                _ => -1m,
            };
            if (perUnit < 0)
            {
                return TimeSpan.Zero;
            }

            ticks += value * perUnit;
        }

        long whole = (long)Math.Round(ticks);
        return TimeSpan.FromTicks(negative ? -whole : whole);
    }

    private static long SetOrder(string fileName)
    {
        string name = fileName.EndsWith("-report.yaml", StringComparison.Ordinal) ? fileName[..^"-report.yaml".Length] : fileName;
        return TestSetStore.TryParseNumber(name, "test-set-", out long n) ? n : long.MaxValue;
    }

    internal static SavedTest ReadTest(YamlMappingNode t, string setId)
    {
        YamlMappingNode? result = YamlNodes.GetMapping(t, "result");
        YamlMappingNode? status = YamlNodes.GetMapping(result, "status_code");
        SavedTest test = new()
        {
            TestSetId = setId,
            TestCaseId = YamlNodes.GetString(t, "test_case_id") ?? "",
            Kind = YamlNodes.GetString(t, "kind") ?? "Http",
            Status = YamlNodes.GetString(t, "status") ?? "",
            Started = YamlNodes.GetInt64(t, "started"),
            Duration = ParseGoDuration(YamlNodes.GetString(t, "time_taken")),
            TestCasePath = YamlNodes.GetString(t, "test_case_path") ?? "",
            Request = YamlNodes.GetMapping(t, "req") ?? new YamlMappingNode(),
            ActualResponse = YamlNodes.GetMapping(t, "resp") ?? new YamlMappingNode(),
            StatusCode = status is null
                ? new StatusCodeResult(true, 0, 0)
                : new StatusCodeResult(Bool(status, "normal"), (int)YamlNodes.GetInt64(status, "expected"), (int)YamlNodes.GetInt64(status, "actual")),
        };

        if (YamlNodes.GetMapping(t, "noise") is YamlMappingNode noise)
        {
            foreach (KeyValuePair<YamlNode, YamlNode> pair in noise.Children)
            {
                string key = ((YamlScalarNode)pair.Key).Value ?? "";
                test.Noise[key] = pair.Value is YamlSequenceNode seq ? seq.OfType<YamlScalarNode>().Select(x => x.Value ?? "").ToList() : new List<string>();
            }
        }

        foreach (YamlMappingNode h in (YamlNodes.GetSequence(result, "headers_result") ?? new YamlSequenceNode()).OfType<YamlMappingNode>())
        {
            test.Headers.Add(new HeaderResult(Bool(h, "normal"), Header(YamlNodes.GetMapping(h, "expected")), Header(YamlNodes.GetMapping(h, "actual"))));
        }

        foreach (YamlMappingNode b in (YamlNodes.GetSequence(result, "body_result") ?? new YamlSequenceNode()).OfType<YamlMappingNode>())
        {
            test.Bodies.Add(new BodyResult(Bool(b, "normal"), YamlNodes.GetString(b, "type") ?? "PLAIN", YamlNodes.GetString(b, "expected") ?? "", YamlNodes.GetString(b, "actual") ?? ""));
        }

        AddNotes(test.Notes, YamlNodes.Get(t, "notes"));
        YamlMappingNode? failure = YamlNodes.GetMapping(t, "failure_info");
        AddNotes(test.Notes, YamlNodes.Get(failure, "notes"));
        foreach (YamlMappingNode m in (YamlNodes.GetSequence(failure, "unmatched_calls") ?? new YamlSequenceNode()).OfType<YamlMappingNode>())
        {
            test.UnmatchedCalls.Add(new MockMiss(
                YamlNodes.GetString(m, "protocol") ?? "",
                YamlNodes.GetString(m, "actual_summary") ?? "",
                YamlNodes.GetString(m, "closest_mock"),
                YamlNodes.GetString(m, "diff"),
                YamlNodes.GetString(m, "destination") ?? ""));
        }

        foreach (YamlMappingNode m in (YamlNodes.GetSequence(failure, "matched_calls") ?? new YamlSequenceNode()).OfType<YamlMappingNode>())
        {
            string name = YamlNodes.GetString(m, "mock_name") ?? "";
            if (name.Length > 0)
            {
                test.MocksUsed.Add(name);
            }

            int before = test.Notes.Count;
            AddNotes(test.Notes, YamlNodes.Get(m, "notes"));
            if (YamlNodes.GetString(m, "diff") is { Length: > 0 } diff)
            {
                test.Notes.Add(diff);
            }

            for (int i = before; i < test.Notes.Count; i++)
            {
                test.Notes[i] = $"{name}: {test.Notes[i]}";
            }
        }

        return test;
    }

    private static void AddNotes(List<string> notes, YamlNode? node)
    {
        switch (node)
        {
            case YamlScalarNode s when !string.IsNullOrEmpty(s.Value):
                notes.Add(s.Value);
                break;
            case YamlSequenceNode seq:
                foreach (YamlNode item in seq)
                {
                    if (item is YamlMappingNode m)
                    {
                        notes.Add(string.Join(", ", m.Children.Select(p => $"{((YamlScalarNode)p.Key).Value}: {Flat(p.Value)}")));
                    }
                    else
                    {
                        AddNotes(notes, item);
                    }
                }

                break;
        }
    }

    private static string Flat(YamlNode node) => node switch
    {
        YamlScalarNode s => s.Value ?? "",
        YamlSequenceNode q => "[" + string.Join(", ", q.Select(Flat)) + "]",
        YamlMappingNode m => "{" + string.Join(", ", m.Children.Select(p => $"{Flat(p.Key)}: {Flat(p.Value)}")) + "}",
        _ => "",
    };

    private static bool Bool(YamlMappingNode map, string key) => string.Equals(YamlNodes.GetString(map, key), "true", StringComparison.OrdinalIgnoreCase);

    private static HeaderValues Header(YamlMappingNode? node)
    {
        List<string> values = (YamlNodes.GetSequence(node, "value") ?? new YamlSequenceNode()).OfType<YamlScalarNode>().Select(v => v.Value ?? "").ToList();
        return new HeaderValues(YamlNodes.GetString(node, "key") ?? "", values);
    }
}
