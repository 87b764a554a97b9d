using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Replay;
using Keploy.Core.Replay.Comparison;
using Keploy.Core.Replay.Reporting;
using Keploy.Core.Storage;

namespace Keploy.Core.Tests.Reporting;

/// <summary>One test of a made-up run: the recorded response body and the body the app "gave" at replay.</summary>
internal sealed record FakeTest(string Name, string ExpectedBody, string ActualBody, int ActualStatus = 200)
{
    public Dictionary<string, List<string>> Noise { get; init; } = new() { ["header.Date"] = new(), ["body.createdAt"] = new() };

    public List<string> MocksUsed { get; init; } = new();

    public List<MockMiss> Misses { get; init; } = new();
}

/// <summary>
/// Writes saved runs the way <c>dotnet keploy test</c> does: real comparison (<see cref="HttpResponseComparer"/>), real report
/// YAML (<see cref="TestReportBuilder"/> + <see cref="TestSetStore.WriteReport"/>) under <c>&lt;root&gt;/keploy/reports/test-run-N</c>.
/// </summary>
internal static class SavedRunFactory
{
    public static string NewRoot()
    {
        string root = Path.Combine(Path.GetTempPath(), "keploy-reports-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        return root;
    }

    public static string OrderBody(decimal total, string createdAt = "2026-01-01T00:00:00Z") =>
        "{\"id\":1,\"total\":" + total.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",\"createdAt\":\"" + createdAt +
        "\",\"items\":[{\"sku\":\"KB-001\",\"qty\":2},{\"sku\":\"MS-002\",\"qty\":1}]}";

    /// <summary>Writes one run with the given sets; returns the run folder.</summary>
    public static string WriteRun(string root, params (string SetId, IReadOnlyList<FakeTest> Tests)[] sets)
    {
        TestSetStore store = new(root);
        string runDir = store.CreateNextTestRun();
        DateTimeOffset at = DateTimeOffset.FromUnixTimeSeconds(1764633600);
        foreach ((string setId, IReadOnlyList<FakeTest> tests) in sets)
        {
            TestSetResult result = new() { TestSetId = setId, Duration = TimeSpan.FromMilliseconds(10 * tests.Count + 1234) };
            foreach (FakeTest t in tests)
            {
                result.Tests.Add(Result(setId, t, at));
            }

            result.Status = result.Tests.Any(x => x.Status == TestStatus.Failed) ? TestSetStatus.Failed : TestSetStatus.Passed;
            TestSetStore.WriteReport(runDir, setId, TestReportBuilder.Build(result, store.TestSetDirectory(setId), at));
        }

        return runDir;
    }

    /// <summary>
    /// Writes the same run as <see cref="WriteRun"/> the way the replay does now: each result streamed as it completes
    /// (<see cref="TestReportWriter"/>, <see cref="HtmlReportStream"/>), results counted, not kept. Returns the run folder (report.html written).
    /// </summary>
    public static string WriteRunStreamed(string root, params (string SetId, IReadOnlyList<FakeTest> Tests)[] sets)
    {
        TestSetStore store = new(root);
        string runDir = store.CreateNextTestRun();
        DateTimeOffset at = DateTimeOffset.FromUnixTimeSeconds(1764633600);
        using HtmlReportStream html = new(runDir, null, true);
        foreach ((string setId, IReadOnlyList<FakeTest> tests) in sets)
        {
            TestSetResult result = new() { TestSetId = setId, Duration = TimeSpan.FromMilliseconds(10 * tests.Count + 1234), KeepTests = false };
            using TestReportWriter report = new(runDir, setId, store.TestSetDirectory(setId), html);
            foreach (FakeTest t in tests)
            {
                TestCaseResult r = Result(setId, t, at);
                result.Add(r);
                report.Add(r);
            }

            result.Status = result.Failed > 0 ? TestSetStatus.Failed : TestSetStatus.Passed;
            report.Complete(result, at);
        }

        html.Complete();
        return runDir;
    }

    private static TestCaseResult Result(string setId, FakeTest t, DateTimeOffset at)
    {
        HttpRequestRecord request = new()
        {
            Method = "GET",
            Url = "http://127.0.0.1:5100/orders/" + t.Name,
            Header = { ["Accept"] = "application/json", ["Host"] = "127.0.0.1:5100" },
            Timestamp = at,
        };
        HttpResponseRecord expected = new()
        {
            StatusCode = 200,
            StatusMessage = "OK",
            ProtoMajor = 1,
            ProtoMinor = 1,
            Header = { ["Content-Type"] = "application/json; charset=utf-8", ["Date"] = "Mon, 01 Dec 2025 00:00:00 GMT" },
            Body = HttpBody.FromText(t.ExpectedBody),
            Timestamp = at,
        };
        HttpResponseRecord actual = new()
        {
            StatusCode = t.ActualStatus,
            StatusMessage = t.ActualStatus == 200 ? "OK" : "Internal Server Error",
            ProtoMajor = 1,
            ProtoMinor = 1,
            Header = { ["Content-Type"] = "application/json; charset=utf-8", ["Date"] = "Tue, 02 Dec 2026 00:00:00 GMT" },
            Body = HttpBody.FromText(t.ActualBody),
        };
        TestCase testCase = HttpSpec.CreateTestCase(t.Name, request, expected, t.Noise, appPort: 5100);
        ComparisonResult comparison = HttpResponseComparer.Compare(expected, actual, NoiseRules.Create(t.Noise));
        TestCaseResult result = new()
        {
            TestCase = testCase,
            TestSetId = setId,
            Started = at,
            Completed = at.AddMilliseconds(12.5),
            Actual = actual,
            Comparison = comparison,
            Status = comparison.Passed && t.Misses.Count == 0 ? TestStatus.Passed : TestStatus.Failed,
        };
        result.MocksUsed.AddRange(t.MocksUsed);
        result.Misses.AddRange(t.Misses);
        return result;
    }
}
