using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Replay;
using Keploy.Core.Replay.Comparison;
using Keploy.Core.Replay.Reporting;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Tests.Reporting;

public class TestReportBuilderTests
{
    private const string FixtureReport = "samples-python/flask_mysql/keploy/reports/test-run-0/test-set-1-report.yaml";
    private const string FixtureTest = "samples-python/flask_mysql/keploy/test-set-1/tests/test-1.yaml";

    private static HttpResponseRecord FromNode(YamlNode resp)
    {
        YamlMappingNode m = (YamlMappingNode)resp;
        HttpResponseRecord r = new()
        {
            StatusCode = int.Parse(((YamlScalarNode)ReportingTestPaths.Get(m, "status_code")).Value!, System.Globalization.CultureInfo.InvariantCulture),
            Body = HttpBody.FromText(((YamlScalarNode)ReportingTestPaths.Get(m, "body")).Value ?? ""),
            StatusMessage = "",
        };
        foreach (KeyValuePair<YamlNode, YamlNode> h in (YamlMappingNode)ReportingTestPaths.Get(m, "header"))
        {
            r.Header[((YamlScalarNode)h.Key).Value!] = ((YamlScalarNode)h.Value).Value!;
        }

        return r;
    }

    private static (TestSetResult Set, YamlMappingNode FixtureTestEntry) FailingFlaskSet()
    {
        YamlMappingNode testDoc = ReportingTestPaths.Load(FixtureTest);
        TestCase testCase = new() { Kind = "Http", Name = "test-1", Spec = (YamlMappingNode)ReportingTestPaths.Get(testDoc, "spec") };
        YamlMappingNode fixture = ReportingTestPaths.Load(FixtureReport);
        YamlMappingNode entry = (YamlMappingNode)ReportingTestPaths.Get(fixture, "tests", 0);

        HttpResponseRecord expected = FromNode(ReportingTestPaths.Get(testCase.Spec, "resp"));
        HttpResponseRecord actual = FromNode(ReportingTestPaths.Get(entry, "resp"));
        NoiseRules noise = NoiseRules.Create(new Dictionary<string, List<string>> { ["header.Date"] = new() });
        ComparisonResult comparison = HttpResponseComparer.Compare(expected, actual, noise);

        TestSetResult set = new() { TestSetId = "test-set-1", Status = TestSetStatus.Failed, Duration = TimeSpan.FromMilliseconds(1234.5) };
        DateTimeOffset at = DateTimeOffset.FromUnixTimeSeconds(1754995917);
        set.Tests.Add(new TestCaseResult
        {
            TestCase = testCase,
            TestSetId = "test-set-1",
            Status = comparison.Passed ? TestStatus.Passed : TestStatus.Failed,
            Started = at,
            Completed = at.AddMilliseconds(12.5),
            Actual = actual,
            Comparison = comparison,
        });
        return (set, entry);
    }

    [Fact]
    public void MatchesKeployReportForTheFlaskFixture()
    {
        (TestSetResult set, YamlMappingNode fixtureEntry) = FailingFlaskSet();
        YamlMappingNode report = TestReportBuilder.Build(set, "/home/ashish/asish_workspace/samples-python/flask_mysql/keploy/test-set-1", DateTimeOffset.FromUnixTimeSeconds(1754995917));

        Assert.Equal(
            ["version", "name", "status", "success", "failure", "ignored", "total", "tests", "test_set", "created_at", "time_taken"],
            report.Children.Keys.Select(k => ((YamlScalarNode)k).Value));
        Assert.Equal("test-set-1-report", ((YamlScalarNode)ReportingTestPaths.Get(report, "name")).Value);
        Assert.Equal("FAILED", ((YamlScalarNode)ReportingTestPaths.Get(report, "status")).Value);
        Assert.Equal("1.2345s", ((YamlScalarNode)ReportingTestPaths.Get(report, "time_taken")).Value);

        YamlMappingNode test = (YamlMappingNode)ReportingTestPaths.Get(report, "tests", 0);
        List<string?> fixtureKeys = fixtureEntry.Children.Keys.Select(k => ((YamlScalarNode)k).Value).ToList();
        fixtureKeys.Add("time_taken");
        Assert.Equal(fixtureKeys, test.Children.Keys.Select(k => ((YamlScalarNode)k).Value));

        // Everything Keploy wrote for this test, value for value (the whole entry, save our added time_taken).
        foreach (string key in new[] { "kind", "name", "status", "started", "completed", "test_case_path", "mock_path", "test_case_id", "req", "resp", "noise" })
        {
            ReportingTestPaths.AssertSameTree(ReportingTestPaths.Get(fixtureEntry, key), ReportingTestPaths.Get(test, key), key);
        }

        foreach (string key in new[] { "status_code", "headers_result", "dep_result" })
        {
            ReportingTestPaths.AssertSameTree(ReportingTestPaths.Get(fixtureEntry, "result", key), ReportingTestPaths.Get(test, "result", key), key);
        }

        // body_result: Keploy re-spaced the actual JSON (": ") in this entry; normal, type and expected are as written.
        foreach (string key in new[] { "normal", "type", "expected" })
        {
            ReportingTestPaths.AssertSameTree(ReportingTestPaths.Get(fixtureEntry, "result", "body_result", 0, key), ReportingTestPaths.Get(test, "result", "body_result", 0, key), key);
        }

        Assert.Equal("12.5ms", ((YamlScalarNode)ReportingTestPaths.Get(test, "time_taken")).Value);
    }

    [Fact]
    public void RoundTripsThroughYamlDotNet()
    {
        (TestSetResult set, _) = FailingFlaskSet();
        set.Tests[0].Misses.Add(new MockMiss("Http", "GET http://catalog:5200/items/7", "mock-3", "url: expected /items/8 actual /items/7\n", "catalog:5200"));
        YamlMappingNode report = TestReportBuilder.Build(set, "/tmp/keploy/test-set-1", DateTimeOffset.FromUnixTimeSeconds(1754995917));
        string text = ReportYaml.ToYaml(report);

        Assert.StartsWith("version: api.keploy.io/v1beta1\nname: test-set-1-report\nstatus: FAILED\n", text, StringComparison.Ordinal);
        Assert.Contains("- \"351\"\n", text, StringComparison.Ordinal);
        Assert.Contains("dep_result: []\n", text, StringComparison.Ordinal);
        Assert.Contains("timestamp: 0001-01-01T00:00:00Z\n", text, StringComparison.Ordinal);

        YamlStream stream = new();
        stream.Load(new StringReader(text));
        YamlMappingNode back = (YamlMappingNode)stream.Documents[0].RootNode;
        ReportingTestPaths.AssertSameTree(report, back);
        YamlMappingNode call = (YamlMappingNode)ReportingTestPaths.Get(back, "tests", 0, "failure_info", "unmatched_calls", 0);
        Assert.Equal(["protocol", "actual_summary", "destination", "closest_mock", "diff"], call.Children.Keys.Select(k => ((YamlScalarNode)k).Value));
        Assert.Equal("url: expected /items/8 actual /items/7\n", ((YamlScalarNode)call.Children[new YamlScalarNode("diff")]).Value);
    }

    [Fact]
    public void BuildsRequestInHttpSpecShape()
    {
        HttpRequestRecord req = new() { Method = "POST", Url = "http://localhost:8080/items?q=1", Body = HttpBody.FromText("{\"a\":1}") };
        req.Header["Host"] = "localhost:8080";
        req.Header["Content-Length"] = "7";
        req.Timestamp = new DateTimeOffset(2025, 10, 16, 10, 55, 58, TimeSpan.Zero).AddTicks(5334612);
        string text = ReportYaml.ToYaml(TestReportBuilder.BuildRequest(req));
        Assert.Equal(
            "method: POST\nproto_major: 1\nproto_minor: 1\nurl: http://localhost:8080/items?q=1\nheader:\n    Content-Length: \"7\"\n    Host: localhost:8080\nbody: '{\"a\":1}'\ntimestamp: 2025-10-16T10:55:58.5334612Z\n",
            text);
    }

    [Fact]
    public void NoResponseGivesAbnormalStatusAndEmptyLists()
    {
        YamlMappingNode testDoc = ReportingTestPaths.Load(FixtureTest);
        TestCase testCase = new() { Kind = "Http", Name = "test-1", Spec = (YamlMappingNode)ReportingTestPaths.Get(testDoc, "spec") };
        TestCaseResult r = new() { TestCase = testCase, TestSetId = "test-set-1", Status = TestStatus.Failed };
        YamlMappingNode result = TestReportBuilder.BuildResult(r);
        Assert.Equal("false", ((YamlScalarNode)ReportingTestPaths.Get(result, "status_code", "normal")).Value);
        Assert.Equal("200", ((YamlScalarNode)ReportingTestPaths.Get(result, "status_code", "expected")).Value);
        Assert.Equal("0", ((YamlScalarNode)ReportingTestPaths.Get(result, "status_code", "actual")).Value);
    }

    [Fact]
    public void MockNotesAreListedUnderTheirTestAndAbsentOtherwise()
    {
        YamlMappingNode testDoc = ReportingTestPaths.Load(FixtureTest);
        TestCase testCase = new() { Kind = "Http", Name = "test-1", Spec = (YamlMappingNode)ReportingTestPaths.Get(testDoc, "spec") };
        TestCaseResult plain = new() { TestCase = testCase, TestSetId = "test-set-1", Status = TestStatus.Passed };
        Assert.False(TestReportBuilder.BuildTest(plain, "/tmp/keploy/test-set-1").Children.ContainsKey("mock_notes"));

        TestCaseResult noted = new() { TestCase = testCase, TestSetId = "test-set-1", Status = TestStatus.Passed };
        noted.MockNotes.Add("mock-8 matched with differences: $2 uuid 482ac346… ≠ 2e3de340…");
        YamlMappingNode node = TestReportBuilder.BuildTest(noted, "/tmp/keploy/test-set-1");
        YamlSequenceNode notes = (YamlSequenceNode)node["mock_notes"];
        Assert.Equal("mock-8 matched with differences: $2 uuid 482ac346… ≠ 2e3de340…", ((YamlScalarNode)Assert.Single(notes.Children)).Value);
        Assert.Equal("PASSED", ((YamlScalarNode)node["status"]).Value);
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(5, "500ns")]
    [InlineData(15, "1.5µs")]
    [InlineData(125_000, "12.5ms")]
    [InlineData(12_345_000, "1.2345s")]
    [InlineData(1_235_000_000, "2m3.5s")]
    [InlineData(36_000_000_000, "1h0m0s")]
    public void GoDurationStrings(long ticks, string expected)
    {
        Assert.Equal(expected, TestReportBuilder.GoDuration(TimeSpan.FromTicks(ticks)));
    }

    [Fact]
    public void CoverageMatchesKeployShape()
    {
        YamlMappingNode node = CoverageReportBuilder.Build(
            new Dictionary<string, double> { ["/src/b.cs"] = 100, ["/src/a.cs"] = 87.1 }, 67.475, totalLines: 200, coveredLines: 135);
        Assert.Equal(
            "file_coverage:\n    /src/a.cs: 87.10%\n    /src/b.cs: 100.00%\ntotal_coverage: 67.48%\nloc:\n    total: 200\n    covered: 135\n",
            ReportYaml.ToYaml(node));

        YamlMappingNode fixture = ReportingTestPaths.Load("samples-typescript/node-jwt/keploy/reports/test-run-3/coverage.yaml");
        Assert.Equal(["file_coverage", "total_coverage"], fixture.Children.Keys.Select(k => ((YamlScalarNode)k).Value));
    }
}
