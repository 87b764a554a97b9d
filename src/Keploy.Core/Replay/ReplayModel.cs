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

    /// <summary>The response the app gave (null when it gave none).</summary>
    public HttpResponseRecord? Actual { get; set; }

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

    /// <summary>Results in replay order.</summary>
    public List<TestCaseResult> Tests { get; } = new();

    /// <summary>Wall time of the set, app start included.</summary>
    public TimeSpan Duration { get; set; }

    /// <summary>Why the set did not run or stopped (one line), or null.</summary>
    public string? Error { get; set; }

    /// <summary>Number of tests that passed.</summary>
    public int Passed => Tests.Count(t => t.Status == TestStatus.Passed);

    /// <summary>Number of tests that failed (or became obsolete).</summary>
    public int Failed => Tests.Count(t => t.Status is TestStatus.Failed or TestStatus.Obsolete);
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
