using System.Globalization;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Replay.Comparison;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Replay.Reporting;

/// <summary>
/// Builds <c>keploy/reports/test-run-N/test-set-M-report.yaml</c> in Keploy's shape and key order (<c>pkg/models/testrun.go</c>
/// <c>TestReport</c>, <c>TestResult</c>; reference §3.4):
/// <c>version, name (test-set-M-report), status, [failure_reason], success, failure, [obsolete], ignored, total, tests[], test_set,
/// created_at, time_taken</c>; each test <c>kind, name (quirk: the set id), status, started, completed, test_case_path, mock_path,
/// test_case_id, req (recorded), resp (actual, timestamp zero), noise, result{status_code, headers_result, body_result, dep_result},
/// time_taken, [failure_info{[matched_calls[{mock_name}]], [unmatched_calls]}]</c> (matched_calls: the mocks the test used). Times: <c>started</c>/<c>completed</c>/<c>created_at</c> in Unix seconds,
/// <c>time_taken</c> as Go's <c>Duration.String()</c> (<c>12.5ms</c>, <c>1.234s</c>).
/// </summary>
public static class TestReportBuilder
{
    /// <summary>Builds the report of one test-set.</summary>
    /// <param name="result">The test-set's outcome; each <see cref="TestCaseResult.Comparison"/> should hold a <see cref="ComparisonResult"/>.</param>
    /// <param name="testSetPath">Absolute path of <c>keploy/test-set-M</c> (written as <c>test_case_path</c>; <c>mock_path</c> adds <c>/mocks.yaml</c>).</param>
    /// <param name="createdAt">When the report is written (<c>created_at</c>).</param>
    public static YamlMappingNode Build(TestSetResult result, string testSetPath, DateTimeOffset createdAt) =>
        Build(result, testSetPath, createdAt, result.Tests);

    /// <summary>
    /// The report of one test-set with <paramref name="tests"/> as its <c>tests</c> entries (the counts are the set's, every test
    /// counted); <see cref="TestReportWriter"/> passes none and streams the entries.
    /// </summary>
    internal static YamlMappingNode Build(TestSetResult result, string testSetPath, DateTimeOffset createdAt, IReadOnlyCollection<TestCaseResult> tests)
    {
        int passed = result.Passed;
        int failed = result.FailedOnly;
        int obsolete = result.Obsolete;
        int ignored = result.Ignored;

        YamlMappingNode root = new();
        root.Add("version", KeployDocumentDefaults.Version);
        root.Add("name", result.TestSetId + "-report");
        root.Add("status", result.Status.ToKeployName());
        if (!string.IsNullOrEmpty(result.Error))
        {
            root.Add("failure_reason", ReportYaml.Str(result.Error));
        }

        root.Add("success", ReportYaml.Int(passed));
        root.Add("failure", ReportYaml.Int(failed));
        if (obsolete > 0)
        {
            root.Add("obsolete", ReportYaml.Int(obsolete));
        }

        root.Add("ignored", ReportYaml.Int(ignored));
        root.Add("total", ReportYaml.Int(result.Total));
        YamlSequenceNode entries = tests.Count == 0 ? ReportYaml.EmptySequence() : new YamlSequenceNode();
        foreach (TestCaseResult test in tests)
        {
            entries.Add(BuildTest(test, testSetPath));
        }

        root.Add("tests", entries);
        root.Add("test_set", result.TestSetId);
        root.Add("created_at", ReportYaml.Int(createdAt.ToUnixTimeSeconds()));
        root.Add("time_taken", GoDuration(result.Duration));
        return root;
    }

    /// <summary>Builds one entry of <c>tests</c>.</summary>
    public static YamlMappingNode BuildTest(TestCaseResult test, string testSetPath)
    {
        YamlMappingNode node = new();
        node.Add("kind", string.IsNullOrEmpty(test.TestCase.Kind) ? "Http" : test.TestCase.Kind);
        node.Add("name", test.TestSetId);
        node.Add("status", test.Status.ToKeployName());
        node.Add("started", ReportYaml.Int(test.Started.ToUnixTimeSeconds()));
        node.Add("completed", ReportYaml.Int(test.Completed.ToUnixTimeSeconds()));
        node.Add("test_case_path", ReportYaml.Str(testSetPath));
        node.Add("mock_path", ReportYaml.Str(Path.Combine(testSetPath, "mocks.yaml")));
        node.Add("test_case_id", test.TestCase.Name);

        (string requestKey, string responseKey) = test.ReportKeys;
        YamlNode? recordedReq = YamlNodes.Get(test.TestCase.Spec, requestKey);
        if (requestKey == "req")
        {
            node.Add("req", recordedReq is null ? new YamlMappingNode() : ReportYaml.Clone(recordedReq));
            node.Add("resp", BuildResponse(test.Actual ?? new HttpResponseRecord { StatusCode = 0 }, zeroTimestamp: true));
        }
        else
        {
            // Another protocol (gRPC: grpcReq/grpcRes): Keploy keeps the Http keys empty and adds the protocol's own pair.
            node.Add("req", new YamlMappingNode { Style = YamlDotNet.Core.Events.MappingStyle.Flow });
            node.Add("resp", new YamlMappingNode { Style = YamlDotNet.Core.Events.MappingStyle.Flow });
            node.Add(requestKey, recordedReq is null ? new YamlMappingNode() : ReportYaml.Clone(recordedReq));
            node.Add(responseKey, test.ActualResponse is null ? new YamlMappingNode { Style = YamlDotNet.Core.Events.MappingStyle.Flow } : ZeroTimestamp(test.ActualResponse));
        }

        YamlNode? noise = YamlNodes.Get(YamlNodes.GetMapping(test.TestCase.Spec, "assertions"), "noise");
        node.Add("noise", noise is YamlMappingNode ? ReportYaml.Clone(noise) : new YamlMappingNode { Style = YamlDotNet.Core.Events.MappingStyle.Flow });

        node.Add("result", BuildResult(test));
        node.Add("time_taken", GoDuration(test.Duration));
        if (test.Misses.Count > 0 || test.MocksUsed.Count > 0)
        {
            node.Add("failure_info", BuildFailureInfo(test.Misses, test.MocksUsed));
        }

        if (test.MockNotes.Count > 0)
        {
            // Not in Keploy's report: mocks served although the call differed in volatile values, and driver-upgrade fallbacks.
            YamlSequenceNode notes = new();
            foreach (string note in test.MockNotes)
            {
                notes.Add(ReportYaml.Str(note));
            }

            node.Add("mock_notes", notes);
        }

        return node;
    }

    /// <summary>A copy of <paramref name="response"/> with its <c>timestamp</c> zero, as Keploy's reports write the actual response.</summary>
    private static YamlMappingNode ZeroTimestamp(YamlMappingNode response)
    {
        YamlMappingNode copy = (YamlMappingNode)ReportYaml.Clone(response);
        YamlScalarNode key = new("timestamp");
        if (copy.Children.ContainsKey(key))
        {
            copy.Children[key] = ReportYaml.Time(KeployTime.Zero);
        }

        return copy;
    }

    /// <summary>An HTTP request in Keploy's test-case shape: method, proto_major, proto_minor, url, header (sorted), body, timestamp.</summary>
    public static YamlMappingNode BuildRequest(HttpRequestRecord request)
    {
        YamlMappingNode node = new();
        node.Add("method", request.Method);
        node.Add("proto_major", ReportYaml.Int(request.ProtoMajor));
        node.Add("proto_minor", ReportYaml.Int(request.ProtoMinor));
        node.Add("url", ReportYaml.Str(request.Url));
        node.Add("header", Headers(request.Header));
        node.Add("body", Body(request.Body));
        node.Add("timestamp", ReportYaml.Time(request.Timestamp));
        return node;
    }

    /// <summary>
    /// An HTTP response in Keploy's shape: status_code, header (sorted), body, status_message, proto_major, proto_minor, timestamp.
    /// Reports write the actual response with a zero timestamp (<paramref name="zeroTimestamp"/>), a Keploy quirk kept on purpose.
    /// </summary>
    public static YamlMappingNode BuildResponse(HttpResponseRecord response, bool zeroTimestamp)
    {
        YamlMappingNode node = new();
        node.Add("status_code", ReportYaml.Int(response.StatusCode));
        node.Add("header", Headers(response.Header));
        node.Add("body", Body(response.Body));
        node.Add("status_message", ReportYaml.Str(response.StatusMessage));
        node.Add("proto_major", ReportYaml.Int(response.ProtoMajor));
        node.Add("proto_minor", ReportYaml.Int(response.ProtoMinor));
        node.Add("timestamp", ReportYaml.Time(zeroTimestamp ? KeployTime.Zero : response.Timestamp));
        return node;
    }

    /// <summary>
    /// <c>result</c>: status_code, headers_result, body_result, dep_result. Without a <see cref="ComparisonResult"/> (the app gave no
    /// response) the status is abnormal with the recorded code as expected and 0 as actual, and the lists are empty.
    /// </summary>
    public static YamlMappingNode BuildResult(TestCaseResult test)
    {
        YamlMappingNode node = new();
        if (test.Comparison is not ComparisonResult c)
        {
            long expected = YamlNodes.GetInt64(YamlNodes.GetMapping(test.TestCase.Spec, "resp"), "status_code");
            node.Add("status_code", StatusCode(new StatusCodeResult(false, (int)expected, test.Actual?.StatusCode ?? 0)));
            node.Add("headers_result", ReportYaml.EmptySequence());
            node.Add("body_result", ReportYaml.EmptySequence());
            node.Add("dep_result", ReportYaml.EmptySequence());
            return node;
        }

        node.Add("status_code", StatusCode(c.StatusCode));
        YamlSequenceNode headers = c.HeadersResult.Count == 0 ? ReportYaml.EmptySequence() : new YamlSequenceNode();
        foreach (HeaderResult h in c.HeadersResult)
        {
            YamlMappingNode entry = new();
            entry.Add("normal", ReportYaml.Bool(h.Normal));
            entry.Add("expected", HeaderValues(h.Expected));
            entry.Add("actual", HeaderValues(h.Actual));
            headers.Add(entry);
        }

        node.Add("headers_result", headers);
        YamlSequenceNode bodies = c.BodyResult.Count == 0 ? ReportYaml.EmptySequence() : new YamlSequenceNode();
        foreach (BodyResult b in c.BodyResult)
        {
            YamlMappingNode entry = new();
            entry.Add("normal", ReportYaml.Bool(b.Normal));
            entry.Add("type", b.Type);
            entry.Add("expected", ReportYaml.Str(b.Expected));
            entry.Add("actual", ReportYaml.Str(b.Actual));
            bodies.Add(entry);
        }

        node.Add("body_result", bodies);
        node.Add("dep_result", ReportYaml.EmptySequence());
        return node;
    }

    /// <summary>Go's <c>time.Duration.String()</c> for a TimeSpan (100 ns resolution): <c>0s</c>, <c>800ns</c>, <c>1.5µs</c>, <c>12.5ms</c>, <c>1.234s</c>, <c>2m3.5s</c>, <c>1h0m0s</c>.</summary>
    public static string GoDuration(TimeSpan duration)
    {
        long ticks = duration.Ticks;
        if (ticks == 0)
        {
            return "0s";
        }

        string sign = ticks < 0 ? "-" : "";
        decimal t = Math.Abs((decimal)ticks);
        if (t < 10)
        {
            return sign + (t * 100).ToString(CultureInfo.InvariantCulture) + "ns";
        }

        if (t < TimeSpan.TicksPerMillisecond)
        {
            return sign + Trim(t / 10m) + "µs";
        }

        if (t < TimeSpan.TicksPerSecond)
        {
            return sign + Trim(t / TimeSpan.TicksPerMillisecond) + "ms";
        }

        decimal totalSeconds = t / TimeSpan.TicksPerSecond;
        long hours = (long)(totalSeconds / 3600);
        long minutes = (long)((totalSeconds - (hours * 3600)) / 60);
        decimal seconds = totalSeconds - (hours * 3600) - (minutes * 60);
        string s = Trim(seconds) + "s";
        if (hours > 0)
        {
            return $"{sign}{hours}h{minutes}m{s}";
        }

        return minutes > 0 ? $"{sign}{minutes}m{s}" : sign + s;
    }

    private static string Trim(decimal value)
    {
        string text = value.ToString("0.#########", CultureInfo.InvariantCulture);
        return text;
    }

    private static YamlMappingNode StatusCode(StatusCodeResult s)
    {
        YamlMappingNode node = new();
        node.Add("normal", ReportYaml.Bool(s.Normal));
        node.Add("expected", ReportYaml.Int(s.Expected));
        node.Add("actual", ReportYaml.Int(s.Actual));
        return node;
    }

    private static YamlMappingNode HeaderValues(HeaderValues h)
    {
        YamlMappingNode node = new();
        node.Add("key", ReportYaml.Str(h.Key));
        YamlSequenceNode values = h.Value.Count == 0 ? ReportYaml.EmptySequence() : new YamlSequenceNode();
        foreach (string v in h.Value)
        {
            values.Add(ReportYaml.Str(v));
        }

        node.Add("value", values);
        return node;
    }

    // Keploy v3's failure_info: matched_calls [{mock_name}] (the mocks the test used; written for passing tests too so the HTML
    // report can list them) and unmatched_calls.
    private static YamlMappingNode BuildFailureInfo(IReadOnlyList<MockMiss> misses, IReadOnlyList<string> mocksUsed)
    {
        YamlMappingNode node = new();
        if (mocksUsed.Count > 0)
        {
            YamlSequenceNode matched = new();
            foreach (string name in mocksUsed)
            {
                YamlMappingNode call = new();
                call.Add("mock_name", ReportYaml.Str(name));
                matched.Add(call);
            }

            node.Add("matched_calls", matched);
        }

        if (misses.Count == 0)
        {
            return node;
        }

        YamlSequenceNode calls = new();
        foreach (MockMiss m in misses)
        {
            YamlMappingNode call = new();
            call.Add("protocol", ReportYaml.Str(m.Kind));
            call.Add("actual_summary", ReportYaml.Str(m.Summary));
            call.Add("destination", ReportYaml.Str(m.Destination));
            if (m.ClosestMock is not null)
            {
                call.Add("closest_mock", ReportYaml.Str(m.ClosestMock));
            }

            if (m.Diff is not null)
            {
                call.Add("diff", ReportYaml.Str(m.Diff));
            }

            calls.Add(call);
        }

        node.Add("unmatched_calls", calls);
        return node;
    }

    private static YamlMappingNode Headers(Dictionary<string, string> headers)
    {
        YamlMappingNode node = new();
        foreach (KeyValuePair<string, string> h in headers.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            node.Add(ReportYaml.Str(h.Key), ReportYaml.Str(h.Value));
        }

        if (headers.Count == 0)
        {
            node.Style = YamlDotNet.Core.Events.MappingStyle.Flow;
        }

        return node;
    }

    private static YamlScalarNode Body(HttpBody body)
    {
        if (body.IsBinary)
        {
            return new YamlScalarNode(Convert.ToBase64String(body.Bytes, Base64FormattingOptions.InsertLineBreaks).Replace("\r\n", "\n", StringComparison.Ordinal))
            {
                Tag = "tag:yaml.org,2002:binary",
                Style = YamlDotNet.Core.ScalarStyle.Literal,
            };
        }

        return ReportYaml.Str(body.Text);
    }
}
