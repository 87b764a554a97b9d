using Keploy.Core.Config;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;

namespace Keploy.Core.Replay;

/// <summary>Everything <see cref="ReplayRunner"/> needs to replay test-sets. Defaults are Keploy's (<c>config/default.go</c>).</summary>
public sealed class ReplayOptions
{
    /// <summary>The folder that holds <c>keploy/</c> (Keploy's <c>-p/--path</c>, default current directory).</summary>
    public string Path { get; set; } = ".";

    /// <summary>The app command, run through <c>/bin/sh -c</c> inside the run's cgroup. Null: the app is already running.</summary>
    public string? AppCommand { get; set; }

    /// <summary>Working directory of the app command (default: <see cref="Path"/>).</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>Extra environment for the app process.</summary>
    public Dictionary<string, string> AppEnvironment { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Upper bound on waiting for the app (<c>-d/--delay</c>, seconds in Keploy; 5 s). Readiness is probed before it runs out.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>URL polled until it answers 2xx before tests start (<c>--health-url</c>).</summary>
    public string? HealthUrl { get; set; }

    /// <summary>How long to poll <see cref="HealthUrl"/> (<c>--health-poll-timeout</c>, 60 s).</summary>
    public TimeSpan HealthPollTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Timeout of one replayed request (<c>--api-timeout</c>, 5 s).</summary>
    public TimeSpan ApiTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Port of the mock proxy the app's connections are redirected to (<c>--proxy-port</c>, 16789); 0 = a free port chosen when the
    /// proxy binds (the eBPF redirect is written with the bound port).</summary>
    public int ProxyPort { get; set; } = 16789;

    /// <summary>UDP port of the DNS server answering the app's DNS from mocks (<c>--dns-port</c>, 26789); a free port is used when
    /// it is taken; 0 = a free port.</summary>
    public int DnsPort { get; set; } = 26789;

    /// <summary>Destination ports never redirected (<c>--pass-through-ports</c>, at most 10).</summary>
    public List<int> PassThroughPorts { get; set; } = new();

    /// <summary>MySQL ports besides 3306 and 4000 (<c>--mysql-ports</c>, keploy.yml <c>mysqlPorts</c>).</summary>
    public List<int> MySqlPorts { get; set; } = new();

    /// <summary>Host requests are sent to instead of the recorded one (<c>--host</c>), or null to keep the recorded URL's host.</summary>
    public string? Host { get; set; }

    /// <summary>Port requests are sent to instead of the recorded one (<c>--port</c>), 0 to keep it.</summary>
    public int Port { get; set; }

    /// <summary><c>test.globalNoise</c>.</summary>
    public GlobalNoiseConfig GlobalNoise { get; set; } = new();

    /// <summary>Ignore array order in JSON bodies (<c>test.ignoreOrdering</c>, default true).</summary>
    public bool IgnoreOrdering { get; set; } = true;

    /// <summary>Compare non-JSON bodies too (<c>--compare-all</c>).</summary>
    public bool CompareAll { get; set; }

    /// <summary>Compare volatile headers too (<c>--disableAutoHeaderNoise</c>).</summary>
    public bool DisableAutoHeaderNoise { get; set; }

    /// <summary>
    /// <c>--strict-mocks</c> (keploy.yml <c>test.strictMocks</c>): serve only exact mock matches; a call that differs from its mock
    /// only in volatile values (uuids, times, noise) becomes a miss and fails its test.
    /// </summary>
    public bool StrictMocks { get; set; }

    /// <summary>
    /// Run the app with its wall clock at each test's recorded request time (<c>--freeze-time</c>, keploy.yml
    /// <c>test.freezeTime</c>; libfaketime, see <see cref="FrozenClock"/>). Only with <see cref="AppCommand"/>.
    /// </summary>
    public bool FreezeTime { get; set; }

    /// <summary>Redirect the app's outgoing connections with eBPF (default). False only for tests of the engine itself.</summary>
    public bool UseEbpf { get; set; } = true;

    /// <summary>
    /// Called once per test-set after its last test, while the app still runs, with the app's base URL (scheme, host and port of the
    /// first recorded request, after <see cref="Host"/>/<see cref="Port"/>); <c>dotnet keploy test</c> fetches the app's OpenAPI
    /// document there. Exceptions are reported as a warning, never fail the set.
    /// </summary>
    public Func<Uri, CancellationToken, Task>? BeforeAppStop { get; set; }

    /// <summary>
    /// Keep every <see cref="TestCaseResult"/> in <see cref="TestSetResult.Tests"/> (default true, for the <c>dotnet test</c> adapter
    /// and callers of <c>ReplayRunner.RunTestSetAsync</c>). False: results are only counted (the observer and the streamed
    /// report see each one as it completes), so memory does not grow with the set; <c>dotnet keploy test</c> uses false.
    /// </summary>
    public bool KeepTestResults { get; set; } = true;

    /// <summary>
    /// Write the run's <c>report.html</c> while the tests run (<see cref="Reporting.HtmlReportStream"/>, handed back in
    /// <see cref="TestRunResult.HtmlReport"/> to be completed after coverage); default false. <c>dotnet keploy test</c> uses true.
    /// </summary>
    public bool HtmlReport { get; set; }
}

/// <summary>Test statuses, as Keploy writes them (<c>pkg/models/testrun.go</c>).</summary>
public enum TestStatus
{
    /// <summary>PASSED.</summary>
    Passed,

    /// <summary>FAILED.</summary>
    Failed,

    /// <summary>IGNORED (keploy.yml <c>test.ignoredTests</c>).</summary>
    Ignored,

    /// <summary>OBSOLETE.</summary>
    Obsolete,
}

/// <summary>Test-set statuses (<c>pkg/models/testrun.go</c>); everything but <see cref="Passed"/> makes <c>test</c> exit 1.</summary>
public enum TestSetStatus
{
    /// <summary>PASSED.</summary>
    Passed,

    /// <summary>FAILED.</summary>
    Failed,

    /// <summary>APP_HALTED: the app exited before or during the run.</summary>
    AppHalted,

    /// <summary>APP_FAULT: the app never became ready.</summary>
    AppFault,

    /// <summary>INTERNAL_ERR.</summary>
    InternalError,

    /// <summary>NO_TESTS_TO_RUN.</summary>
    NoTestsToRun,

    /// <summary>USER_ABORT: cancelled.</summary>
    UserAbort,
}

/// <summary>The outcome of one replayed test case.</summary>
public sealed class TestCaseResult
{
    /// <summary>The recorded test case.</summary>
    public required TestCase TestCase { get; init; }

    /// <summary>The test-set id (<c>test-set-0</c>).</summary>
    public required string TestSetId { get; init; }

    /// <summary>Passed, failed, ...</summary>
    public TestStatus Status { get; set; }

    /// <summary>When the request was sent.</summary>
    public DateTimeOffset Started { get; set; }

    /// <summary>When the response was compared.</summary>
    public DateTimeOffset Completed { get; set; }

    /// <summary>Wall time of the request and comparison.</summary>
    public TimeSpan Duration => Completed - Started;

    /// <summary>The response the app gave to an Http test case, typed (null for other kinds and when the app gave none).</summary>
    public HttpResponseRecord? Actual { get; set; }

    /// <summary>
    /// The response the app gave, in the shape of the recorded one (<c>spec.resp</c> for Http, <c>spec.grpcResp</c> for gRPC), secrets
    /// masked; null when it gave none. Written by the test case's player; reports and the <c>dotnet test</c> adapter show it as is.
    /// </summary>
    public YamlDotNet.RepresentationModel.YamlMappingNode? ActualResponse { get; set; }

    /// <summary>
    /// The key of <c>spec</c> that holds the recorded request and the key Keploy's report gives the actual response: <c>(req, resp)</c>
    /// for Http, <c>(grpcReq, grpcRes)</c> for gRPC.
    /// </summary>
    public (string Request, string Response) ReportKeys { get; set; } = ("req", "resp");

    /// <summary>The diff in Keploy's layout (plain text, no ANSI), or null when passed.</summary>
    public string? FailureMessage { get; set; }

    /// <summary>Outgoing calls that found no mock while this test ran; any entry fails the test.</summary>
    public List<MockMiss> Misses { get; } = new();

    /// <summary>
    /// Mocks served although the call was not exactly what was recorded, one line each (<c>mock-8 matched with differences: $2 uuid
    /// 482a… ≠ 2e3d…</c>, a driver-upgrade fallback). They do not fail the test.
    /// </summary>
    public List<string> MockNotes { get; } = new();

    /// <summary>Names of the mocks this test consumed or used.</summary>
    public List<string> MocksUsed { get; } = new();

    /// <summary>Per-field comparison in the report's shape (status, headers, body), or null when no response.</summary>
    public object? Comparison { get; set; }
}

/// <summary>The outcome of one test-set.</summary>
public sealed class TestSetResult
{
    /// <summary>The test-set id.</summary>
    public required string TestSetId { get; init; }

    /// <summary>The set's status.</summary>
    public TestSetStatus Status { get; set; }

    private readonly List<string> _failedNames = new();
    private readonly List<(string Method, string Url)> _httpRequests = new();
    private int _added;
    private int _keptByAdd;
    private int _passed;
    private int _failed;
    private int _obsolete;
    private int _ignored;

    /// <summary>
    /// Whether <see cref="Add"/> keeps each result in <see cref="Tests"/> (default true). <c>dotnet keploy test</c> sets false: the
    /// results are then reported as they come (console, streamed report) and only counted, so a 30,000-case set replays in bounded
    /// memory.
    /// </summary>
    public bool KeepTests { get; init; } = true;

    /// <summary>
    /// Results in replay order: every result when <see cref="KeepTests"/>, none of those passed to <see cref="Add"/> otherwise
    /// (results added here directly are counted too).
    /// </summary>
    public List<TestCaseResult> Tests { get; } = new();

    /// <summary>Wall time of the set, app start included.</summary>
    public TimeSpan Duration { get; set; }

    /// <summary>Why the set did not run or stopped (one line), or null.</summary>
    public string? Error { get; set; }

    /// <summary>Number of tests run (or listed as not run).</summary>
    public int Total => _added + Direct.Count();

    /// <summary>Number of tests that passed.</summary>
    public int Passed => _passed + Direct.Count(t => t.Status == TestStatus.Passed);

    /// <summary>Number of tests that failed (or became obsolete).</summary>
    public int Failed => _failed + _obsolete + Direct.Count(t => t.Status is TestStatus.Failed or TestStatus.Obsolete);

    /// <summary>Number of tests with status FAILED only.</summary>
    public int FailedOnly => _failed + Direct.Count(t => t.Status == TestStatus.Failed);

    /// <summary>Number of tests with status OBSOLETE.</summary>
    public int Obsolete => _obsolete + Direct.Count(t => t.Status == TestStatus.Obsolete);

    /// <summary>Number of tests with status IGNORED.</summary>
    public int Ignored => _ignored + Direct.Count(t => t.Status == TestStatus.Ignored);

    /// <summary>Whether every test passed or was ignored.</summary>
    public bool AllPassedOrIgnored => Total == Passed + Ignored;

    /// <summary>Names of the failed and obsolete tests, in replay order.</summary>
    public IEnumerable<string> FailedNames => _failedNames.Concat(
        Direct.Where(t => t.Status is TestStatus.Failed or TestStatus.Obsolete).Select(t => t.TestCase.Name));

    /// <summary>Method and URL of every replayed Http test case, in replay order (API schema coverage), kept or not.</summary>
    public IEnumerable<(string Method, string Url)> HttpRequests => _httpRequests.Concat(Direct.Where(t => t.TestCase.Kind == "Http")
        .Select(t => Keploy.Core.Protocols.Http.HttpSpec.FromTestCase(t.TestCase).Request).Select(r => (r.Method, r.Url)));

    /// <summary>Results added to <see cref="Tests"/> directly rather than through <see cref="Add"/>.</summary>
    private IEnumerable<TestCaseResult> Direct => Tests.Skip(_keptByAdd);

    /// <summary>
    /// Counts <paramref name="result"/> (status, failed name, its Http request when <paramref name="httpRequest"/> is given) and
    /// keeps it in <see cref="Tests"/> when <see cref="KeepTests"/>.
    /// </summary>
    public void Add(TestCaseResult result, (string Method, string Url)? httpRequest = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (_keptByAdd != Tests.Count)
        {
            throw new InvalidOperationException("results were added to Tests directly before Add; use one or the other");
        }

        _added++;
        switch (result.Status)
        {
            case TestStatus.Passed: _passed++; break;
            case TestStatus.Failed: _failed++; _failedNames.Add(result.TestCase.Name); break;
            case TestStatus.Obsolete: _obsolete++; _failedNames.Add(result.TestCase.Name); break;
            case TestStatus.Ignored: _ignored++; break;
        }

        if (httpRequest is { } request)
        {
            _httpRequests.Add(request);
        }

        if (KeepTests)
        {
            Tests.Add(result);
            _keptByAdd++;
        }
    }
}

/// <summary>Progress callbacks from <see cref="ReplayRunner"/>; called on the runner's thread, one test at a time.</summary>
public interface IReplayObserver
{
    /// <summary>A test is about to be sent.</summary>
    void TestStarted(string testSetId, TestCase testCase) { }

    /// <summary>A test finished.</summary>
    void TestCompleted(TestCaseResult result) { }

    /// <summary>A log line (app start, readiness, warnings).</summary>
    void Message(string line) { }

    /// <summary>A warning (a driver-upgrade fallback, kinds this version cannot serve); by default a <see cref="Message"/>.</summary>
    void Warning(string line) => Message(line);

    /// <summary>A debug line (protocol chosen per connection, mock matched); ignored by default (<c>--debug</c> prints them).</summary>
    void Debug(string line) { }
}
