using System.Collections.Concurrent;
using System.Net.Sockets;
using Keploy.Core.Capture;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Proxy;
using Keploy.Core.Replay.Comparison;
using Keploy.Core.Storage;

namespace Keploy.Core.Record;

/// <summary>What a record run produced.</summary>
/// <param name="TestSetId">The new test-set (<c>test-set-N</c>).</param>
/// <param name="TestCases">Test cases written.</param>
/// <param name="Mocks">Mocks written.</param>
/// <param name="AppExitCode">The app's exit code, or null when the tool stopped it.</param>
public sealed record RecordSummary(string TestSetId, int TestCases, int Mocks, int? AppExitCode);

/// <summary>
/// One <c>dotnet keploy record</c> run: a new test-set, the app started in its own cgroup with eBPF hooks, outgoing connections
/// recorded as mocks by the proxy, incoming HTTP exchanges recorded as test cases by the ingress forwarder. Test cases and mocks are
/// queued as their exchanges complete and written by background writers (<see cref="TestCaseWriter"/>, <see cref="MockFileWriter"/>);
/// stopping writes everything queued and syncs it to disk, so a stop loses nothing already answered.
/// </summary>
public sealed class RecordSession
{
    private readonly RecordOptions _options;
    private readonly Action<string> _log;
    private readonly IReadOnlyList<IProtocolIntegration> _integrations;
    private int _testCounter;
    private int _mockCounter;

    /// <summary>Creates a session.</summary>
    /// <param name="options">What to run and where to write.</param>
    /// <param name="integrations">Protocols of the outgoing proxy (see <see cref="ProtocolRegistry.All"/>).</param>
    /// <param name="log">One line per event (app output, recorded tests, warnings).</param>
    public RecordSession(RecordOptions options, IReadOnlyList<IProtocolIntegration> integrations, Action<string> log)
    {
        _options = options;
        _integrations = integrations;
        _log = log;
    }

    /// <summary>Raised after each test case is written (name, method, URL, status).</summary>
    public event Action<TestCase, HttpRequestRecord, HttpResponseRecord>? TestCaseRecorded;

    /// <summary>
    /// Runs until the app exits, the record timer fires, or <paramref name="cancellationToken"/> is cancelled (Ctrl+C); then stops
    /// the app gracefully and removes every hook. Throws <see cref="CaptureException"/> with a one-line reason when eBPF cannot start.
    /// </summary>
    public async Task<RecordSummary> RunAsync(CancellationToken cancellationToken)
    {
        TestSetStore store = new(_options.Path);
        string testSetId = store.CreateNextTestSet();
        _log($"recording into {Path.Combine(store.KeployDirectory, testSetId)}");

        using MockFileWriter mockWriter = store.OpenMockWriter(testSetId);
        mockWriter.Log = _log;
        await using TestCaseWriter testCaseWriter = new(store, testSetId, (tc, req, resp) => TestCaseRecorded?.Invoke(tc, req, resp), _log);
        CountingRecorder recorder = new(mockWriter, () => Interlocked.Increment(ref _mockCounter));

        using EbpfCapture capture = EbpfCapture.Start(new CaptureOptions
        {
            Mode = CaptureMode.Record,
            ProxyPort = _options.ProxyPort,
            PassThroughPorts = _options.PassThroughPorts,
        });

        await using ProxyServer proxy = new(
            new ProxyServerOptions { Mode = ProxyMode.Record, Port = _options.ProxyPort, Recorder = recorder, Debug = _options.Debug },
            _integrations,
            new EbpfDestinationResolver(capture),
            _log);
        proxy.Start();

        ConcurrentDictionary<(AddressFamily, int), IngressForwarder> forwarders = new();
        capture.ListenPortMoved += moved =>
        {
            try
            {
                IngressForwarder forwarder = IngressForwarder.Start(
                    moved.Family,
                    moved.OriginalPort,
                    moved.NewPort,
                    (client, app, ct) => HttpIngress.RelayAsync(client, app, (req, resp) => QueueTestCase(testCaseWriter, moved.OriginalPort, req, resp), _log, ct),
                    _log);
                if (!forwarders.TryAdd((moved.Family, moved.OriginalPort), forwarder))
                {
                    _ = forwarder.DisposeAsync();
                }
                else
                {
                    _log($"app listens on port {moved.OriginalPort} ({(moved.Family == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4")}); recording incoming HTTP there (app moved to {moved.NewPort})");
                }
            }
            catch (SocketException ex)
            {
                _log($"cannot listen on the app's port {moved.OriginalPort}: {ex.Message}; incoming calls on it are not recorded");
            }
        };

        string workingDirectory = _options.WorkingDirectory ?? Directory.GetCurrentDirectory();
        using AppProcess app = capture.StartApp(_options.AppCommand, workingDirectory, _options.AppEnvironment, line => _log($"app: {line}"));
        _log($"app started (pid {app.Pid}): {_options.AppCommand}");

        int? exitCode = null;
        using (CancellationTokenSource timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            if (_options.RecordTimer is TimeSpan t)
            {
                timer.CancelAfter(t);
            }

            Task stopped = Task.Delay(Timeout.Infinite, timer.Token);
            Task finished = await Task.WhenAny(app.Exited, stopped).ConfigureAwait(false);
            if (finished == app.Exited)
            {
                exitCode = await app.Exited.ConfigureAwait(false);
                _log($"app exited with code {exitCode}");
            }
        }

        foreach (IngressForwarder forwarder in forwarders.Values)
        {
            await forwarder.StopAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }

        if (!app.HasExited)
        {
            _log("stopping the app");
            app.Stop(_options.StopGrace);
        }

        await proxy.StopAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        foreach (IngressForwarder forwarder in forwarders.Values)
        {
            await forwarder.DisposeAsync().ConfigureAwait(false);
        }

        // Every exchange answered so far is queued: write them all (and sync) before reporting.
        await testCaseWriter.DisposeAsync().ConfigureAwait(false);
        return new RecordSummary(testSetId, testCaseWriter.Written, _mockCounter, exitCode);
    }

    private ValueTask QueueTestCase(TestCaseWriter writer, int appPort, HttpRequestRecord request, HttpResponseRecord response)
    {
        // Named in completion order here; built, formatted and written by the writer's background task.
        int n = Interlocked.Increment(ref _testCounter);
        return writer.EnqueueAsync("test-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture), appPort, request, response);
    }

    private sealed class CountingRecorder : IDeferredMockRecorder
    {
        private readonly IMockRecorder _inner;
        private readonly Action _count;

        public CountingRecorder(IMockRecorder inner, Action count)
        {
            _inner = inner;
            _count = count;
        }

        public void Record(Mock mock)
        {
            _inner.Record(mock);
            _count();
        }

        public void Record(Func<Mock> build)
        {
            if (_inner is IDeferredMockRecorder deferred)
            {
                deferred.Record(build);
            }
            else
            {
                _inner.Record(build());
            }

            _count();
        }
    }
}
