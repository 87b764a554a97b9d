using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Keploy.Core.Capture;
using Keploy.Core.Models;
using Keploy.Core.Proxy;
using Keploy.Core.Replay.Players;
using Keploy.Core.Replay.Reporting;
using Keploy.Core.Sanitize;
using Keploy.Core.Storage;

namespace Keploy.Core.Replay;

/// <summary>The outcome of a whole <c>test</c> run: every selected test-set, and where the reports went.</summary>
/// <param name="TestRunId">The report folder name (<c>test-run-N</c>).</param>
/// <param name="ReportDirectory">Absolute path of <c>keploy/reports/test-run-N</c>.</param>
/// <param name="Sets">One result per test-set, in run order.</param>
public sealed record TestRunResult(string TestRunId, string ReportDirectory, IReadOnlyList<TestSetResult> Sets)
{
    /// <summary>
    /// The run's <c>report.html</c>, written as the tests ran, to be completed (<see cref="HtmlReportStream.Complete"/>) or disposed
    /// by the caller; null unless <see cref="ReplayOptions.HtmlReport"/>.
    /// </summary>
    public HtmlReportStream? HtmlReport { get; init; }

    /// <summary>True when every set passed (Keploy: <c>test</c> exits 0 only then).</summary>
    public bool Passed => Sets.Count > 0 && Sets.All(s => s.Status == TestSetStatus.Passed);
}

/// <summary>
/// Replays recorded test-sets against the app: starts the app in its own cgroup with outgoing connections redirected to the mock
/// proxy, waits for readiness (health URL or TCP probe, <see cref="ReplayOptions.Delay"/> as the cap), sends each recorded request,
/// compares the response with noise rules, and fails any test whose app got an unmatched outgoing call. Used by
/// <c>dotnet keploy test</c> and by the VSTest adapter.
/// </summary>
public sealed class ReplayRunner
{
    private readonly ReplayOptions _options;
    private readonly IReadOnlyList<IProtocolIntegration> _integrations;
    private readonly IReadOnlyList<ITestCasePlayer> _players;
    private bool _unservedListed;

    /// <summary>Creates a runner with the built-in protocols.</summary>
    public ReplayRunner(ReplayOptions options)
        : this(options, ProtocolRegistry.All(options.MySqlPorts))
    {
    }

    /// <summary>Creates a runner with the given protocols (mocks served) and the built-in test case players.</summary>
    public ReplayRunner(ReplayOptions options, IReadOnlyList<IProtocolIntegration> integrations)
        : this(options, integrations, TestCasePlayers.All())
    {
    }

    /// <summary>Creates a runner with the given protocols (mocks served) and test case players (test cases sent, by kind).</summary>
    public ReplayRunner(ReplayOptions options, IReadOnlyList<IProtocolIntegration> integrations, IReadOnlyList<ITestCasePlayer> players)
    {
        _options = options;
        _integrations = integrations;
        _players = players;
    }

    /// <summary>The options in use.</summary>
    public ReplayOptions Options => _options;

    /// <summary>
    /// Replays the selected test-sets (all when <paramref name="testSets"/> is null or empty) and writes Keploy's report for each
    /// into a new <c>keploy/reports/test-run-N</c>.
    /// </summary>
    public async Task<TestRunResult> RunAsync(IReadOnlyCollection<string>? testSets, IReplayObserver? observer, CancellationToken cancellationToken)
    {
        TestSetStore store = new(_options.Path);
        List<string> sets = store.ListTestSets().ToList();
        if (testSets is { Count: > 0 })
        {
            List<string> missing = testSets.Where(s => !sets.Contains(s, StringComparer.Ordinal)).ToList();
            if (missing.Count > 0)
            {
                throw new ArgumentException($"no test-set named {string.Join(", ", missing)} under {store.KeployDirectory}");
            }

            sets = sets.Where(testSets.Contains).ToList();
        }

        if (sets.Count == 0)
        {
            throw new InvalidOperationException($"no test-sets to replay under {store.KeployDirectory}; record some first: dotnet keploy record -c \"<app command>\"");
        }

        // Every recorded kind this version cannot serve, once for the run (the sets' mocks are read again when each set runs).
        string? unservedKinds = UnservedKinds(sets.Select(s => (s, (IReadOnlyList<Mock>)store.ReadMocksForReplay(s).ToList())));
        if (unservedKinds is not null)
        {
            observer?.Warning(unservedKinds);
        }

        _unservedListed = true;
        string runDirectory = store.CreateNextTestRun();
        List<TestSetResult> results = new();
        HtmlReportStream? html = _options.HtmlReport ? new HtmlReportStream(runDirectory, _options.GlobalNoise, _options.IgnoreOrdering) : null;
        try
        {
            foreach (string set in sets)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                // The report is written as the tests run (one entry at a time), then completed with the counts.
                using TestReportWriter report = new(runDirectory, set, store.TestSetDirectory(set), html);
                TestSetResult result = await RunTestSetAsync(set, null, observer, report, cancellationToken).ConfigureAwait(false);
                results.Add(result);
                report.Complete(result, DateTimeOffset.Now);
            }
        }
        catch
        {
            html?.Dispose();
            throw;
        }

        return new TestRunResult(Path.GetFileName(runDirectory), runDirectory, results) { HtmlReport = html };
    }

    /// <summary>
    /// Replays one test-set: one app start, every selected test in file order.
    /// </summary>
    /// <param name="testSetId">Folder name under <c>keploy/</c>, for example <c>test-set-0</c>.</param>
    /// <param name="include">Selects test cases by name; null runs all.</param>
    /// <param name="observer">Progress callbacks, or null.</param>
    /// <param name="cancellationToken">Stops sending requests, stops the app and returns <see cref="TestSetStatus.UserAbort"/>.</param>
    /// <exception cref="KeployFormatException">A test case or mocks.yaml is malformed (file:line:column); raised before the app starts.</exception>
    public Task<TestSetResult> RunTestSetAsync(string testSetId, Func<TestCase, bool>? include, IReplayObserver? observer, CancellationToken cancellationToken) =>
        RunTestSetAsync(testSetId, include, observer, null, cancellationToken);

    /// <summary>
    /// <see cref="RunTestSetAsync(string, Func{TestCase, bool}?, IReplayObserver?, CancellationToken)"/>, each result also appended to
    /// <paramref name="report"/> as it completes. The test cases are read twice, one at a time: a first pass checks every file
    /// and takes what the start needs (count, first and earliest request time, readiness probe, secrets), the second reads ahead
    /// of the test being sent (<see cref="ReadAhead"/> at most), so memory does not grow with the set.
    /// </summary>
    private async Task<TestSetResult> RunTestSetAsync(string testSetId, Func<TestCase, bool>? include, IReplayObserver? observer, TestReportWriter? report, CancellationToken cancellationToken)
    {
        Stopwatch stopwatch = Stopwatch.StartNew();
        TestSetResult result = new() { TestSetId = testSetId, KeepTests = _options.KeepTestResults };
        TestSetStore store = new(_options.Path);
        IEnumerable<TestCase> Selected() => store.ReadTestCases(testSetId).Where(t => include is null || include(t));
        List<Mock> mocks = store.ReadMocksForReplay(testSetId).ToList();

        // First pass: every selected file parsed and prepared (a malformed one fails here, before the app starts), nothing kept.
        TestSetOutline outline = new();
        ReplaySecrets secrets = ReplaySecrets.Load(store, testSetId);
        IReadOnlyList<string> missingSecrets = secrets.Missing(Selected().Select(t => outline.Observe(t, Prepare(t), Target)), mocks);
        if (outline.Count == 0)
        {
            result.Status = TestSetStatus.NoTestsToRun;
            result.Error = $"no test cases to run in {testSetId}";
            return result;
        }

        // Secrets: placeholders get their values from secret.yaml or KEPLOY_SECRET_* before anything is matched or sent.
        if (missingSecrets.Count > 0)
        {
            result.Status = TestSetStatus.InternalError;
            result.Error = secrets.MissingMessage(testSetId, missingSecrets);
            NotRun(result, report, Selected(), "not run: " + result.Error);
            return result;
        }

        secrets.RenderMocks(mocks);
        MockPool pool = new(mocks, outline.EarliestRequest)
        {
            StrictMocks = _options.StrictMocks,
            NoiseNames = NoiseNames(_options.GlobalNoise, testSetId),
        };
        if (!_unservedListed)
        {
            // Kept in mocks.yaml and in reports, never dropped; a call that needs one fails its test as an unmatched call.
            string? unserved = UnservedKinds(new[] { (testSetId, (IReadOnlyList<Mock>)mocks) });
            if (unserved is not null)
            {
                observer?.Warning(unserved);
            }
        }

        EbpfCapture? capture = null;
        ProxyServer? proxy = null;
        Keploy.Core.Protocols.Dns.DnsServer? dns = null;
        AppProcess? app = null;
        FrozenClock? clock = null;
        AppLog appLog = new(observer);
        Keploy.Core.Tls.TlsSetup? tls = null;
        try
        {
            if (_options.UseEbpf)
            {
                tls = Keploy.Core.Tls.TlsSetup.Create(_options.AppEnvironment, line => observer?.Message(line));

                // The proxy binds first so that ProxyPort 0 (a free port) works: the redirect is then written with the bound port.
                // No app runs before the capture exists, so the late resolver never sees a connection without it.
                LateResolver resolver = new();
                proxy = new ProxyServer(
                    new ProxyServerOptions
                    {
                        Mode = ProxyMode.Test,
                        Port = _options.ProxyPort,
                        Mocks = pool,
                        Debug = observer is null ? null : observer.Debug,
                        Warn = observer is null ? null : observer.Warning,
                        Tls = tls.Interception,
                    },
                    _integrations,
                    resolver,
                    line => observer?.Message(line));
                proxy.Start();
                dns = Keploy.Core.Protocols.Dns.DnsServer.StartPreferred(
                    new Keploy.Core.Protocols.Dns.DnsServerOptions { Mode = ProxyMode.Test, Port = _options.DnsPort, Mocks = pool, Debug = observer is null ? null : observer.Debug },
                    line => observer?.Message(line));
                capture = EbpfCapture.Start(new CaptureOptions
                {
                    Mode = CaptureMode.Test,
                    ProxyPort = proxy.Port,
                    DnsPort = dns.Port,
                    PassThroughPorts = _options.PassThroughPorts,
                });
                resolver.Inner = new EbpfDestinationResolver(capture);
            }

            if (_options.AppCommand is not null)
            {
                if (capture is null)
                {
                    throw new InvalidOperationException("an app command needs eBPF capture (UseEbpf)");
                }

                string workingDirectory = _options.WorkingDirectory ?? Path.GetFullPath(_options.Path);
                clock = StartFrozenClock(outline.FirstRequest, observer);
                app = capture.StartApp(_options.AppCommand, workingDirectory, AppEnvironment(tls?.AppEnvironment ?? _options.AppEnvironment, clock), appLog.Add);
                clock?.TrackProcess(app.Pid);
                observer?.Message($"app started (pid {app.Pid}): {_options.AppCommand}");
            }

            Uri? probe = outline.Probe;
            string? notReady = await WaitUntilReadyAsync(app, probe, observer, cancellationToken).ConfigureAwait(false);
            if (notReady is not null)
            {
                result.Status = app is { HasExited: true } ? TestSetStatus.AppHalted : TestSetStatus.AppFault;
                result.Error = notReady + appLog.Tail();
                // Not run is not passed: every selected test counts as failed, with the reason.
                NotRun(result, report, Selected(), "not run: " + notReady);
                return result;
            }

            // Second pass: read ahead on another thread while the app answers; results are counted, reported and let go.
            using CancellationTokenSource readAheadStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Channel<(TestCase Test, IPreparedTestCase? View)> queue = Channel.CreateBounded<(TestCase, IPreparedTestCase?)>(
                new BoundedChannelOptions(ReadAhead) { SingleReader = true, SingleWriter = true });
            Task reading = StartReadAhead(Selected(), queue.Writer, readAheadStop.Token);
            try
            {
                await foreach ((TestCase test, IPreparedTestCase? view) in queue.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        result.Status = TestSetStatus.UserAbort;
                        break;
                    }

                    observer?.TestStarted(testSetId, test);
                    TestCaseResult testResult = view is null
                        ? Unsupported(testSetId, test)
                        : await ReplayOneAsync(testSetId, test, view, pool, app, secrets, clock, cancellationToken).ConfigureAwait(false);
                    Record(result, report, testResult);
                    observer?.TestCompleted(testResult);
                }
            }
            finally
            {
                readAheadStop.Cancel();
                await reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }


            if (_options.BeforeAppStop is not null && probe is not null && app is { HasExited: false } && !cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await _options.BeforeAppStop(new Uri(probe.GetLeftPart(UriPartial.Authority)), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    observer?.Warning(ex.Message);
                }
            }

            if (result.Status != TestSetStatus.UserAbort)
            {
                result.Status = result.AllPassedOrIgnored ? TestSetStatus.Passed : TestSetStatus.Failed;
                if (app is { HasExited: true } && result.Status == TestSetStatus.Failed)
                {
                    result.Status = TestSetStatus.AppHalted;
                    result.Error = "the app exited during the run" + appLog.Tail();
                }
            }
        }
        catch (CaptureException ex)
        {
            result.Status = TestSetStatus.InternalError;
            result.Error = ex.Message;
        }
        catch (SocketException ex)
        {
            result.Status = TestSetStatus.InternalError;
            result.Error = _options.ProxyPort == 0
                ? $"cannot listen on a free mock proxy port: {ex.Message}"
                : $"cannot listen on the mock proxy port {_options.ProxyPort}: {ex.Message}";
        }
        finally
        {
            if (app is not null)
            {
                if (!app.HasExited)
                {
                    app.Stop(TimeSpan.FromSeconds(10));
                }

                app.Dispose();
            }

            if (proxy is not null)
            {
                await proxy.DisposeAsync().ConfigureAwait(false);
            }

            if (dns is not null)
            {
                await dns.DisposeAsync().ConfigureAwait(false);
            }

            capture?.Dispose();
            clock?.Dispose();
            result.Duration = stopwatch.Elapsed;
        }

        return result;
    }

    /// <summary>
    /// One line naming every recorded mock kind no integration serves (<c>MySQL: 20 in test-set-0</c>), or null when all are served.
    /// </summary>
    private string? UnservedKinds(IEnumerable<(string Set, IReadOnlyList<Mock> Mocks)> sets)
    {
        HashSet<string> served = _integrations.SelectMany(i => i.ServedKinds).ToHashSet(StringComparer.Ordinal);
        List<string> parts = sets
            .SelectMany(s => s.Mocks.Where(m => !served.Contains(m.Kind)).Select(m => (s.Set, m.Kind)))
            .GroupBy(x => x.Kind, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} ({string.Join(", ", g.GroupBy(x => x.Set).Select(s => $"{s.Count()} in {s.Key}"))})")
            .ToList();
        return parts.Count == 0
            ? null
            : $"recorded mock kinds this version cannot serve: {string.Join("; ", parts)}; it serves {string.Join(", ", served.Order(StringComparer.Ordinal))}; calls that need them will fail their tests";
    }

    /// <summary>The keys of keploy.yml <c>test.globalNoise</c> (global and this set's), every section: field names treated as noise in mocks.</summary>
    private static HashSet<string> NoiseNames(Keploy.Core.Config.GlobalNoiseConfig noise, string testSetId)
    {
        HashSet<string> names = new(StringComparer.OrdinalIgnoreCase);
        IEnumerable<Keploy.Core.Config.NoiseMap> maps = new[] { noise.Global }.Concat(noise.TestSets.TryGetValue(testSetId, out Keploy.Core.Config.NoiseMap? m) ? new[] { m } : Array.Empty<Keploy.Core.Config.NoiseMap>());
        foreach (Keploy.Core.Config.NoiseMap map in maps)
        {
            foreach (Dictionary<string, List<string>> section in map.Values)
            {
                foreach (string key in section.Keys.Where(k => k != "*"))
                {
                    names.Add(key);
                }
            }
        }

        return names;
    }

    /// <summary>
    /// <c>--freeze-time</c>: creates the app's libfaketime clock and sets it to the first recorded request's time before the app
    /// starts (the app may read the time at start-up); null without the option. Throws <see cref="InvalidOperationException"/>
    /// naming the package when libfaketime is missing.
    /// </summary>
    private FrozenClock? StartFrozenClock(DateTimeOffset? first, IReplayObserver? observer)
    {
        if (!_options.FreezeTime)
        {
            return null;
        }

        FrozenClock clock = FrozenClock.Create();
        if (first is { } time)
        {
            clock.MoveTo(time);
            observer?.Message($"freeze-time: the app's clock starts at {time.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ} (libfaketime {clock.Library}) and is moved to each test's recorded request time");
        }

        return clock;
    }

    /// <summary>The app's environment: <paramref name="baseEnvironment"/> plus the frozen clock's variables (its LD_PRELOAD first).</summary>
    private static IReadOnlyDictionary<string, string> AppEnvironment(IReadOnlyDictionary<string, string> baseEnvironment, FrozenClock? clock)
    {
        if (clock is null)
        {
            return baseEnvironment;
        }

        Dictionary<string, string> environment = new(baseEnvironment, StringComparer.Ordinal);
        foreach ((string key, string value) in clock.Environment)
        {
            environment[key] = key == "LD_PRELOAD" && environment.TryGetValue(key, out string? own) && own.Length > 0 ? value + ":" + own : value;
        }

        return environment;
    }

    /// <summary>Test cases read ahead of the one being sent (parsed and prepared while the app answers).</summary>
    private const int ReadAhead = 64;

    private IPreparedTestCase? Prepare(TestCase test) => TestCasePlayers.Find(_players, test.Kind)?.Prepare(test);

    /// <summary>
    /// Reads and prepares <paramref name="tests"/> into <paramref name="queue"/> on a thread of its own; a read error, or
    /// <paramref name="cancellationToken"/> canceled, completes the queue with that exception. The returned task ends with the
    /// thread (faulted with the same exception). Not a thread-pool work item: parsing a test case holds its thread for a few hundred
    /// microseconds at a time, and on the pool that delayed the replay loop's own continuations (socket reads of the app's answer) and
    /// the reader's continuation after each wait on a full queue. On 2 cores, 20,000 Catalog cases (3 alternated runs): the loop's
    /// wait for the next test case was 77-83 us per test on the pool against 19-28 us on this thread, the loop 563-694 us per test
    /// against 455-560 us (issue 12).
    /// </summary>
    private Task StartReadAhead(IEnumerable<TestCase> tests, ChannelWriter<(TestCase, IPreparedTestCase?)> queue, CancellationToken cancellationToken)
    {
        TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Thread thread = new(() =>
        {
            try
            {
                foreach (TestCase test in tests)
                {
                    (TestCase, IPreparedTestCase?) item = (test, Prepare(test));
                    cancellationToken.ThrowIfCancellationRequested();
                    if (!queue.TryWrite(item))
                    {
                        // Full: this thread waits (it has nothing else to do) until the loop takes one, or the run stops.
                        queue.WriteAsync(item, cancellationToken).AsTask().GetAwaiter().GetResult();
                    }
                }

                queue.Complete();
                done.SetResult();
            }
            catch (Exception ex)
            {
                queue.TryComplete(ex);
                done.SetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "keploy read-ahead",
        };
        thread.Start();
        return done.Task;
    }

    /// <summary>Counts a result, appends it to the streamed report and lets it go (unless the set keeps its results).</summary>
    private static void Record(TestSetResult result, TestReportWriter? report, TestCaseResult testResult)
    {
        (string, string)? request = null;
        if (testResult.TestCase.Kind == "Http" && YamlNodes.GetMapping(testResult.TestCase.Spec, "req") is { } req)
        {
            request = (YamlNodes.GetString(req, "method") ?? "GET", YamlNodes.GetString(req, "url") ?? "/"); // HttpSpec.ReadRequest's defaults
        }

        result.Add(testResult, request);
        report?.Add(testResult);
    }

    /// <summary>Every test of <paramref name="tests"/> as failed and not run, with <paramref name="reason"/>.</summary>
    private static void NotRun(TestSetResult result, TestReportWriter? report, IEnumerable<TestCase> tests, string reason)
    {
        DateTimeOffset now = DateTimeOffset.Now;
        foreach (TestCase test in tests)
        {
            Record(result, report, new TestCaseResult { TestCase = test, TestSetId = result.TestSetId, Status = TestStatus.Failed, Started = now, Completed = now, FailureMessage = reason });
        }
    }

    private static TestCaseResult Unsupported(string testSetId, TestCase test)
    {
        DateTimeOffset now = DateTimeOffset.Now;
        return new TestCaseResult
        {
            TestCase = test,
            TestSetId = testSetId,
            Status = TestStatus.Ignored,
            Started = now,
            Completed = now,
            FailureMessage = $"kind {test.Kind} test cases cannot be replayed by this version yet; the test is kept and reported as IGNORED",
        };
    }

    private async Task<TestCaseResult> ReplayOneAsync(string testSetId, TestCase test, IPreparedTestCase view, MockPool pool, AppProcess? app, ReplaySecrets secrets, FrozenClock? clock, CancellationToken cancellationToken)
    {
        TestCaseResult result = new() { TestCase = test, TestSetId = testSetId, Started = DateTimeOffset.Now, ReportKeys = view.ReportKeys };
        pool.BeginTest(test.Name, view.RequestTime, view.ResponseTime);
        clock?.MoveTo(view.RequestTime);
        string? sendError = null;
        TestCasePlayResult? played = null;
        try
        {
            played = await view.PlayAsync(new TestCasePlayContext(testSetId, _options, secrets, Target), cancellationToken).ConfigureAwait(false);
            result.Actual = played.HttpActual;
            result.ActualResponse = played.ActualResponse;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            sendError = app is { HasExited: true }
                ? $"the app exited before answering ({ex.Message})"
                : $"no response from the app within {_options.ApiTimeout.TotalSeconds:0.#} s: {ex.Message}";
        }

        foreach (MockEvent e in pool.TakeEvents())
        {
            if (e.Miss is not null)
            {
                result.Misses.Add(e.Miss with { Summary = secrets.Masker.MaskText(e.Miss.Summary), Diff = e.Miss.Diff is null ? null : secrets.Masker.MaskText(e.Miss.Diff) });
            }
            else if (e.Mock is not null)
            {
                result.MocksUsed.Add(e.Mock.Name);
                if (e.Note is not null)
                {
                    result.MockNotes.Add(e.Note);
                }
            }
        }

        List<string> messages = new();
        bool passed = sendError is null;
        if (sendError is not null)
        {
            messages.Add(sendError);
        }

        if (played is not null)
        {
            Keploy.Core.Replay.Comparison.ComparisonResult comparison = played.Comparison;
            result.Comparison = comparison;
            if (!comparison.Passed)
            {
                passed = false;
                messages.Add(DiffRenderer.RenderFailure(test.Name, comparison, ansi: false));
            }
        }

        if (result.Misses.Count > 0)
        {
            passed = false;
            messages.Add(DiffRenderer.RenderMockMisses(result.Misses));
        }

        result.Status = passed ? TestStatus.Passed : TestStatus.Failed;
        result.FailureMessage = passed ? null : string.Join(Environment.NewLine, messages);
        result.Completed = DateTimeOffset.Now;
        return result;
    }

    private Uri Target(Uri recordedUrl)
    {
        UriBuilder builder = new(recordedUrl);
        if (!string.IsNullOrEmpty(_options.Host))
        {
            builder.Host = _options.Host;
        }

        if (_options.Port > 0)
        {
            builder.Port = _options.Port;
        }

        return builder.Uri;
    }

    private async Task<string?> WaitUntilReadyAsync(AppProcess? app, Uri? probe, IReplayObserver? observer, CancellationToken cancellationToken)
    {
        Stopwatch waited = Stopwatch.StartNew();
        if (_options.HealthUrl is not null)
        {
            using HttpClient http = new() { Timeout = TimeSpan.FromSeconds(2) };
            while (waited.Elapsed < _options.HealthPollTimeout)
            {
                if (app is { HasExited: true })
                {
                    return $"the app exited (code {app.Exited.Result}) before {_options.HealthUrl} answered";
                }

                try
                {
                    using HttpResponseMessage response = await http.GetAsync(_options.HealthUrl, cancellationToken).ConfigureAwait(false);
                    if (response.IsSuccessStatusCode)
                    {
                        observer?.Message($"app ready: {_options.HealthUrl} answered {(int)response.StatusCode} after {waited.Elapsed.TotalSeconds:0.0} s");
                        return null;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                }

                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }

            return $"the app did not answer {_options.HealthUrl} with 2xx within {_options.HealthPollTimeout.TotalSeconds:0} s (--health-poll-timeout)";
        }

        if (probe is null || app is null)
        {
            return null;
        }

        while (waited.Elapsed < _options.Delay)
        {
            if (app.HasExited)
            {
                return $"the app exited (code {app.Exited.Result}) before it listened on {probe.Host}:{probe.Port}";
            }

            try
            {
                using TcpClient client = new();
                await client.ConnectAsync(probe.Host, probe.Port, cancellationToken).ConfigureAwait(false);
                observer?.Message($"app ready: {probe.Host}:{probe.Port} accepts connections after {waited.Elapsed.TotalSeconds:0.0} s");
                return null;
            }
            catch (SocketException)
            {
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        return $"the app did not accept connections on {probe.Host}:{probe.Port} within {_options.Delay.TotalSeconds:0} s (--delay)";
    }

    /// <summary>What the first pass over a set's test cases keeps: the count, request times and the readiness probe.</summary>
    private sealed class TestSetOutline
    {
        /// <summary>Selected test cases.</summary>
        public int Count { get; private set; }

        /// <summary>Request time of the first replayable test case in file order (the frozen clock starts there).</summary>
        public DateTimeOffset? FirstRequest { get; private set; }

        /// <summary>The earliest request time (mock windows: per-test mocks before it are startup mocks).</summary>
        public DateTimeOffset? EarliestRequest { get; private set; }

        /// <summary>The target of the first replayable test case (after --host/--port): the readiness probe.</summary>
        public Uri? Probe { get; private set; }

        /// <summary>Takes what is needed from one test case and returns it (for a pass that goes on to check its secrets).</summary>
        public TestCase Observe(TestCase test, IPreparedTestCase? view, Func<Uri, Uri> target)
        {
            Count++;
            if (view is not null)
            {
                DateTimeOffset time = view.RequestTime;
                if (FirstRequest is null)
                {
                    FirstRequest = time;
                    Probe = target(view.Url);
                }

                if (EarliestRequest is null || time < EarliestRequest)
                {
                    EarliestRequest = time;
                }
            }

            return test;
        }
    }

    /// <summary>Resolves through the eBPF capture once it exists (the proxy is bound before the capture starts).</summary>
    private sealed class LateResolver : IDestinationResolver
    {
        public volatile IDestinationResolver? Inner;

        public bool TryResolve(IPEndPoint clientEndPoint, out IPEndPoint destination)
        {
            if (Inner is { } inner)
            {
                return inner.TryResolve(clientEndPoint, out destination);
            }

            destination = clientEndPoint;
            return false;
        }
    }

    /// <summary>Keeps the last lines the app printed, for error messages.</summary>
    private sealed class AppLog
    {
        private readonly Queue<string> _lines = new();
        private readonly IReplayObserver? _observer;

        public AppLog(IReplayObserver? observer)
        {
            _observer = observer;
        }

        public void Add(string line)
        {
            lock (_lines)
            {
                _lines.Enqueue(line);
                while (_lines.Count > 20)
                {
                    _lines.Dequeue();
                }
            }

            _observer?.Message($"app: {line}");
        }

        public string Tail()
        {
            lock (_lines)
            {
                return _lines.Count == 0 ? "" : Environment.NewLine + "last app output:" + Environment.NewLine + string.Join(Environment.NewLine, _lines);
            }
        }
    }
}
