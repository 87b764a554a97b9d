using System.Collections.Concurrent;
using System.Net.Sockets;
using Keploy.Core.Capture;
using Keploy.Core.Diagnostics;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Proxy;
using Keploy.Core.Replay.Comparison;
using Keploy.Core.Sanitize;
using Keploy.Core.Storage;

namespace Keploy.Core.Record;

/// <summary>What a record run produced.</summary>
/// <param name="TestSetId">The new test-set (<c>test-set-N</c>).</param>
/// <param name="TestCases">Test cases written.</param>
/// <param name="Mocks">Mocks written.</param>
/// <param name="AppExitCode">The app's exit code, or null when the tool stopped it.</param>
/// <param name="Discarded">True when the app exited on its own before anything was recorded: the empty test-set was removed.</param>
public sealed record RecordSummary(string TestSetId, int TestCases, int Mocks, int? AppExitCode, bool Discarded = false);

/// <summary>
/// One <c>dotnet keploy record</c> run: a new test-set, the app started in its own cgroup with eBPF hooks, outgoing connections
/// recorded as mocks by the proxy, incoming HTTP exchanges recorded as test cases from the app's own syscalls
/// (<see cref="IngressCaptureRecorder"/>; with <see cref="RecordOptions.IngressCapture"/> off, by the ingress forwarder). Test cases and mocks are
/// queued as their exchanges complete and written by background writers (<see cref="TestCaseWriter"/>, <see cref="MockFileWriter"/>);
/// a test case is written only after the mocks queued before it are in mocks.yaml, so a crash never leaves a test without its
/// mocks; stopping writes everything queued and syncs it to disk, so a stop loses nothing already answered.
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
    /// <param name="log">One line per event (app output, recorded tests, warnings), control characters escaped (<see cref="LogText.Escape"/>).</param>
    public RecordSession(RecordOptions options, IReadOnlyList<IProtocolIntegration> integrations, Action<string> log)
    {
        _options = options;
        _integrations = integrations;
        _log = line => log(LogText.Escape(line)); // every line may quote the network (ingress parse errors, URLs): one escape for all
    }

    /// <summary>Raised after each test case is written (name, method, URL, status).</summary>
    public event Action<TestCase, string>? TestCaseRecorded;

    /// <summary>
    /// Runs until the app exits, the record timer fires, or <paramref name="cancellationToken"/> is cancelled (Ctrl+C); then stops
    /// the app gracefully and removes every hook. Throws <see cref="CaptureException"/> with a one-line reason when eBPF cannot start.
    /// </summary>
    public async Task<RecordSummary> RunAsync(CancellationToken cancellationToken)
    {
        TestSetStore store = new(_options.Path);
        string testSetId = store.CreateNextTestSet();
        _log($"recording into {Path.Combine(store.KeployDirectory, testSetId)}");

        // The one place secrets are taken out of what is recorded: test cases below in QueueTestCase, mocks in CountingRecorder,
        // both before anything is queued to the writers (values go to secret.yaml first; see SecretStore).
        Sanitizer? sanitizer = _options.Sanitize ? new Sanitizer(SecretStore.Open(SecretStore.PathFor(store, testSetId))) : null;
        using MockFileWriter mockWriter = store.OpenMockWriter(testSetId);
        mockWriter.Log = _log;
        await using TestCaseWriter testCaseWriter = new(store, testSetId, mockWriter, (tc, summary) => TestCaseRecorded?.Invoke(tc, summary), _log);
        CountingRecorder recorder = new(mockWriter, () => Interlocked.Increment(ref _mockCounter), sanitizer);

        EbpfCapture? dnsCapture = null;
        await using Keploy.Core.Protocols.Dns.DnsServer dns = Keploy.Core.Protocols.Dns.DnsServer.StartPreferred(
            new Keploy.Core.Protocols.Dns.DnsServerOptions
            {
                Mode = ProxyMode.Record,
                Port = _options.DnsPort,
                Recorder = recorder,
                Debug = _options.Debug,
                Upstream = app => dnsCapture is { } c && c.TryGetDnsResolver(app.Port, out System.Net.IPEndPoint r) ? r : Keploy.Core.Protocols.Dns.DnsServer.SystemResolver(),
            },
            _log);
        using EbpfCapture capture = EbpfCapture.Start(new CaptureOptions
        {
            Mode = CaptureMode.Record,
            ProxyPort = _options.ProxyPort,
            DnsPort = dns.Port,
            PassThroughPorts = _options.PassThroughPorts,
            IngressCapture = _options.IngressCapture,
        });
        dnsCapture = capture;
        IngressCaptureRecorder? ingress = null;
        if (capture.IngressCaptureActive)
        {
            ingress = new IngressCaptureRecorder(
                (port, req, resp) => QueueTestCase(testCaseWriter, sanitizer, port, req, resp),
                (port, req, resp) => QueueHttp2TestCase(testCaseWriter, sanitizer, port, req, resp),
                _log);
            foreach (int port in _options.NotRecordedPorts)
            {
                capture.ExcludeIngressPort(port);
            }

            capture.IngressSink = ingress;
        }
        else if (capture.IngressCaptureUnavailable is { } why)
        {
            _log($"ingress capture unavailable: {why} Incoming calls are relayed through a forwarder on the app's port instead.");
        }

        Keploy.Core.Tls.TlsSetup tls = Keploy.Core.Tls.TlsSetup.Create(_options.AppEnvironment, _log);
        await using ProxyServer proxy = new(
            new ProxyServerOptions { Mode = ProxyMode.Record, Port = _options.ProxyPort, Recorder = recorder, Tls = tls.Interception, Debug = _options.Debug },
            _integrations,
            new EbpfDestinationResolver(capture),
            _log);
        proxy.Start();

        ConcurrentDictionary<(AddressFamily, System.Net.IPAddress?, int), IngressForwarder> forwarders = new();
        capture.ListenPortMoved += moved =>
        {
            if (ingress is not null)
            {
                bool captured = !_options.NotRecordedPorts.Contains(moved.OriginalPort);
                System.Net.IPEndPoint bound = new(moved.Address ?? System.Net.IPAddress.Any, moved.OriginalPort);
                _log(captured
                    ? $"app listens on {bound}; recording incoming HTTP there (syscall capture, nothing in front of the app)"
                    : $"app listens on {bound}; not recorded (record.filters excludes port {moved.OriginalPort})");
                return;
            }

            try
            {
                bool recorded = !_options.NotRecordedPorts.Contains(moved.OriginalPort);
                IngressForwarder forwarder = IngressForwarder.Start(
                    moved.Family,
                    moved.Address,
                    moved.OriginalPort,
                    moved.NewPort,
                    recorded
                        ? (client, app, ct) => HttpIngress.RelayAsync(
                            client,
                            app,
                            (req, resp) => QueueTestCase(testCaseWriter, sanitizer, moved.OriginalPort, req, resp),
                            (req, resp) => QueueHttp2TestCase(testCaseWriter, sanitizer, moved.OriginalPort, req, resp),
                            _log,
                            ct)
                        : IngressForwarder.RelayUntouchedAsync,
                    _log);
                if (!forwarders.TryAdd((moved.Family, moved.Address, moved.OriginalPort), forwarder))
                {
                    _ = forwarder.DisposeAsync();
                }
                else
                {
                    _log(recorded
                        ? $"app listens on {forwarder.LocalEndPoint}; recording incoming HTTP there (app moved to port {moved.NewPort})"
                        : $"app listens on {forwarder.LocalEndPoint}; relaying it untouched, not recorded (record.filters excludes port {moved.OriginalPort}; app moved to port {moved.NewPort})");
                }
            }
            catch (SocketException ex)
            {
                _log($"cannot listen on the app's port {moved.OriginalPort}: {ex.Message}; incoming calls on it are not recorded");
            }
        };

        string workingDirectory = _options.WorkingDirectory ?? Directory.GetCurrentDirectory();
        using AppProcess app = capture.StartApp(_options.AppCommand, workingDirectory, tls.AppEnvironment, line => _log($"app: {line}"));
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

        if (ingress is not null)
        {
            // The app is gone: every record it produced is in the ring buffer; parse them all before the writers finish.
            capture.StopIngressCapture();
            await ingress.CompleteAsync().ConfigureAwait(false);
            (long lost, long skipped) = capture.IngressLosses;
            if (lost > 0 || skipped > 0 || ingress.IncompleteConnections > 0)
            {
                _log($"ingress: {ingress.IncompleteConnections} connection(s) not recorded to the end: {lost} capture record(s) lost to a full ring buffer, " +
                     $"{skipped} byte(s) over the capture limits; the app was not affected");
            }

            (int catchUps, double maxLagMs) = capture.IngressCatchUps;
            if (catchUps > 0)
            {
                _log($"ingress: the recorder fell behind the app {catchUps} time(s) (records waited up to {maxLagMs:0} ms) and took priority to catch up");
            }
        }

        await proxy.StopAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        foreach (IngressForwarder forwarder in forwarders.Values)
        {
            await forwarder.DisposeAsync().ConfigureAwait(false);
        }

        // Every exchange answered so far is queued: write them all (and sync) before reporting.
        await testCaseWriter.DisposeAsync().ConfigureAwait(false);
        if (testCaseWriter.Waits > 0)
        {
            _log($"record: connections waited {testCaseWriter.Waits} time(s) for the test case writers (more than {TestCaseWriter.QueueByteCapacity >> 20} MiB of exchanges queued); nothing was dropped");
        }

        if (exitCode is not null && testCaseWriter.Written == 0 && Volatile.Read(ref _mockCounter) == 0)
        {
            // The app ended by itself (failed start, wrong command) with nothing captured: an empty test-set would only replay as 0/0.
            mockWriter.Dispose();
            DeleteEmptyTestSet(store, testSetId);
            return new RecordSummary(testSetId, 0, 0, exitCode, Discarded: true);
        }

        return new RecordSummary(testSetId, testCaseWriter.Written, _mockCounter, exitCode);
    }

    private void DeleteEmptyTestSet(TestSetStore store, string testSetId)
    {
        string dir = store.TestSetDirectory(testSetId);
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log($"could not remove the empty test-set {dir}: {e.Message}");
        }
    }

    private ValueTask QueueTestCase(TestCaseWriter writer, Sanitizer? sanitizer, int appPort, HttpRequestRecord request, HttpResponseRecord response)
    {
        if (sanitizer is not null)
        {
            try
            {
                request = sanitizer.Request(request);
                response = sanitizer.Response(response);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Never written in plain text: without its secret.yaml entry the test case is dropped.
                _log($"record: {request.Method} {HttpUrl.Path(request.Url)} not recorded: cannot write {sanitizer.Store.Path}: {ex.Message}");
                return ValueTask.CompletedTask;
            }
        }

        // Named in completion order here; built, formatted and written by the writer's background task.
        int n = Interlocked.Increment(ref _testCounter);
        return writer.EnqueueAsync("test-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture), appPort, request, response);
    }

    /// <summary>
    /// One HTTP/2 stream the app answered (h2c with prior knowledge): a gRPC test case for <c>application/grpc*</c>, else an Http
    /// test case with the absolute URL <c>http://&lt;:authority&gt;&lt;:path&gt;</c>.
    /// </summary>
    private ValueTask QueueHttp2TestCase(TestCaseWriter writer, Sanitizer? sanitizer, int appPort, Keploy.Core.Protocols.Http2.Http2Message request, Keploy.Core.Protocols.Http2.Http2Message response)
    {
        if (!Keploy.Core.Protocols.Http2.Http2Records.IsGrpc(request))
        {
            HttpRequestRecord httpRequest = Keploy.Core.Protocols.Http2.Http2Records.HttpRequest(request, absolute: true, scheme: "http");
            httpRequest.Timestamp = request.Started;
            HttpResponseRecord httpResponse = Keploy.Core.Protocols.Http2.Http2Records.HttpResponse(response);
            httpResponse.Timestamp = response.Completed;
            return QueueTestCase(writer, sanitizer, appPort, httpRequest, httpResponse);
        }

        Keploy.Core.Protocols.Grpc.GrpcRequestRecord grpcRequest = Keploy.Core.Protocols.Http2.Http2Records.GrpcRequest(request);
        grpcRequest.Timestamp = request.Started;
        Keploy.Core.Protocols.Grpc.GrpcResponseRecord grpcResponse = Keploy.Core.Protocols.Http2.Http2Records.GrpcResponse(response);
        grpcResponse.Timestamp = response.Completed;
        int n = Interlocked.Increment(ref _testCounter);
        string summary = $"gRPC {grpcRequest.Path} -> {grpcResponse.Status}";
        return writer.EnqueueTestCaseAsync(
            "test-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture),
            name =>
            {
                TestCase testCase = Keploy.Core.Protocols.Grpc.GrpcSpec.CreateTestCase(name, grpcRequest, grpcResponse, appPort: appPort);
                sanitizer?.Document(testCase);
                return testCase;
            },
            summary);
    }

    private sealed class CountingRecorder : IDeferredMockRecorder
    {
        private readonly IMockRecorder _inner;
        private readonly Action _count;
        private readonly Sanitizer? _sanitizer;

        public CountingRecorder(IMockRecorder inner, Action count, Sanitizer? sanitizer)
        {
            _inner = inner;
            _count = count;
            _sanitizer = sanitizer;
        }

        public void Record(Mock mock)
        {
            _inner.Record(Sanitize(mock));
            _count();
        }

        public void Record(Func<Mock> build) => Record(build, 0);

        public void Record(Func<Mock> build, long bytes)
        {
            Func<Mock> sanitized = _sanitizer is null ? build : () => Sanitize(build());
            if (_inner is IDeferredMockRecorder deferred)
            {
                // Built (and sanitized) on the writer's task; a failure there skips the mock and is logged, never written in plain text.
                if (bytes > 0)
                {
                    deferred.Record(sanitized, bytes);
                }
                else
                {
                    deferred.Record(sanitized);
                }
            }
            else
            {
                _inner.Record(sanitized());
            }

            _count();
        }

        public void Record(Func<Mock> build, long bytes, string kind, Action<System.Text.StringBuilder, string> text)
        {
            if (_inner is IDeferredMockRecorder deferred && (_sanitizer is null || !Sanitizer.Changes(kind)))
            {
                deferred.Record(build, bytes, kind, text);
                _count();
                return;
            }

            Record(build, bytes);
        }

        private Mock Sanitize(Mock mock)
        {
            _sanitizer?.Document(mock);
            return mock;
        }
    }
}
