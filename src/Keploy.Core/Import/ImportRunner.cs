using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Proxy;
using Keploy.Core.Record;
using Keploy.Core.Replay.Comparison;
using Keploy.Core.Sanitize;
using Keploy.Core.Storage;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Import;

/// <summary>Settings of one <c>import</c> run.</summary>
public sealed class ImportOptions
{
    /// <summary>The folder that holds (or will hold) <c>keploy/</c>.</summary>
    public string Path { get; set; } = ".";

    /// <summary>
    /// Where requests are sent (Keploy's <c>--base-path</c>): the scheme, host and port (and any path prefix) replace those of every
    /// request URL. Null: each request goes to its own URL.
    /// </summary>
    public string? BasePath { get; set; }

    /// <summary>
    /// The app command (<c>-c</c>): the app runs under <c>record</c> while the requests are sent to it, so the test cases and the mocks
    /// of its outgoing calls are recorded as in record mode. Null: test cases are written from the responses directly.
    /// </summary>
    public string? AppCommand { get; set; }

    /// <summary>Timeout of each request (<c>--api-timeout</c>, 5 s).</summary>
    public TimeSpan ApiTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait for the app (with <see cref="AppCommand"/>) to accept connections at <see cref="BasePath"/>.</summary>
    public TimeSpan AppStartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Replace secrets by placeholders as <c>record</c> does (<c>--no-sanitize</c> turns it off).</summary>
    public bool Sanitize { get; set; } = true;

    /// <summary>With <see cref="AppCommand"/>: the outgoing proxy port.</summary>
    public int ProxyPort { get; set; } = 16789;

    /// <summary>With <see cref="AppCommand"/>: ports never redirected.</summary>
    public List<int> PassThroughPorts { get; set; } = new();

    /// <summary>With <see cref="AppCommand"/>: MySQL ports besides 3306 and 4000 (<c>--mysql-ports</c>).</summary>
    public List<int> MySqlPorts { get; set; } = new();

    /// <summary>Debug lines, or null.</summary>
    public Action<string>? Debug { get; set; }
}

/// <summary>What an import wrote.</summary>
/// <param name="TestSetId">The new test-set.</param>
/// <param name="TestCases">Test cases written.</param>
/// <param name="Mocks">Mocks recorded (with an app command only).</param>
/// <param name="FromSaved">Test cases whose response came from the source (a Postman example).</param>
/// <param name="Skipped">Requests not imported (each named in a log line).</param>
public sealed record ImportSummary(string TestSetId, int TestCases, int Mocks, int FromSaved, int Skipped);

/// <summary>
/// Turns the requests of an import source (a Postman collection, curl commands) into a test-set. Without an app command each
/// request's response is its saved example when the source has one, else the answer of the app at <see cref="ImportOptions.BasePath"/>
/// (or the request's own URL), and the test case is written from it. With an app command the app runs under
/// <see cref="RecordSession"/> and every request is sent to it: the recorder writes the test cases and the mocks, exactly as
/// <c>record</c> does. In both ways each response is handed back to the source before the next request is built (Postman test
/// scripts set the variables later requests use).
/// </summary>
public sealed class ImportRunner
{
    private readonly ImportOptions _options;
    private readonly Action<string> _log;

    /// <summary>Creates a runner; <paramref name="log"/> receives one line per event.</summary>
    public ImportRunner(ImportOptions options, Action<string> log)
    {
        _options = options;
        _log = log;
    }

    /// <summary>Runs the import.</summary>
    /// <param name="steps">Builds the steps given the sender that scripts may use (<c>pm.sendRequest</c>).</param>
    /// <param name="cancellationToken">Stops between requests.</param>
    /// <exception cref="ImportException">Nothing could be imported, or an app command without a base path.</exception>
    /// <exception cref="Capture.CaptureException">With an app command: eBPF capture cannot start.</exception>
    public Task<ImportSummary> RunAsync(Func<Func<ImportedRequest, HttpResponseSnapshot?>, IEnumerable<ImportStep>> steps, CancellationToken cancellationToken)
    {
        if (_options.BasePath is { } basePath && !(Uri.TryCreate(basePath, UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https"))
        {
            throw new ImportException($"--base-path '{basePath}' is not an http:// or https:// URL");
        }

        return _options.AppCommand is null ? WriteDirectlyAsync(steps, cancellationToken) : RecordAsync(steps, cancellationToken);
    }

    /// <summary>The URL a request is sent to: <see cref="ImportOptions.BasePath"/> in place of the scheme, host and port, when given.</summary>
    public static string Target(string url, string? basePath)
    {
        if (basePath is null)
        {
            return url;
        }

        int scheme = url.IndexOf("://", StringComparison.Ordinal);
        int pathStart = scheme < 0 ? url.IndexOf('/', StringComparison.Ordinal) : url.IndexOf('/', scheme + 3);
        string pathAndQuery = pathStart < 0 ? "/" : url[pathStart..];
        return basePath.TrimEnd('/') + pathAndQuery;
    }

    private async Task<ImportSummary> WriteDirectlyAsync(Func<Func<ImportedRequest, HttpResponseSnapshot?>, IEnumerable<ImportStep>> makeSteps, CancellationToken cancellationToken)
    {
        TestSetStore store = new(_options.Path);
        string testSetId = store.CreateNextTestSet();
        _log($"importing into {System.IO.Path.Combine(store.KeployDirectory, testSetId)}");
        Sanitizer? sanitizer = _options.Sanitize ? new Sanitizer(SecretStore.Open(SecretStore.PathFor(store, testSetId))) : null;
        using HttpClient client = CreateClient();
        int written = 0, fromSaved = 0, skipped = 0;
        foreach (ImportStep step in makeSteps(request => SendForScript(client, request)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            ImportedRequest? request = BuildOrSkip(step);
            if (request is null)
            {
                skipped++;
                continue;
            }

            string target = Target(request.Url, _options.BasePath);
            if (!Uri.TryCreate(target, UriKind.Absolute, out Uri? targetUri))
            {
                _log(target.Contains("{{", StringComparison.Ordinal)
                    ? $"skipped {step.Name} ({step.Where}): its URL {target} has an unresolved variable; give -e <environment.json> or --base-path"
                    : $"skipped {step.Name} ({step.Where}): '{target}' is not a URL");
                skipped++;
                continue;
            }

            HttpRequestRecord requestRecord = ToRecord(request, target);
            HttpResponseRecord? response = step.SavedResponse;
            if (response is not null)
            {
                response.Timestamp = requestRecord.Timestamp;
                fromSaved++;
            }
            else
            {
                response = await SendOrSkipAsync(client, step, request, target, cancellationToken).ConfigureAwait(false);
                if (response is null)
                {
                    skipped++;
                    continue;
                }
            }

            step.OnResponse(request with { Url = target }, response);
            HttpRequestRecord storedRequest = sanitizer?.Request(requestRecord) ?? requestRecord;
            HttpResponseRecord storedResponse = sanitizer?.Response(response) ?? response;
            string name = store.NextTestName(testSetId);
            TestCase testCase = HttpSpec.CreateTestCase(name, storedRequest, storedResponse, new(AutoNoise.Detect(storedResponse), StringComparer.Ordinal), targetUri.Port);
            if (testCase.Spec is YamlMappingNode spec && spec.Children.TryGetValue(new YamlScalarNode("metadata"), out YamlNode? metadata) && metadata is YamlMappingNode map)
            {
                map.Add("name", new YamlScalarNode(step.Name) { Style = YamlDotNet.Core.ScalarStyle.DoubleQuoted });
            }

            store.WriteTestCase(testSetId, testCase);
            written++;
            _log($"imported {step.Name} as {name}: {request.Method} {Sanitizer.RedactUrl(target)} -> {response.StatusCode}{(step.SavedResponse is not null ? " (saved response)" : "")}");
        }

        if (written == 0)
        {
            Directory.Delete(store.TestSetDirectory(testSetId), recursive: true);
            throw new ImportException($"nothing was imported ({skipped} request(s) skipped; see the lines above)");
        }

        return new ImportSummary(testSetId, written, 0, fromSaved, skipped);
    }

    private async Task<ImportSummary> RecordAsync(Func<Func<ImportedRequest, HttpResponseSnapshot?>, IEnumerable<ImportStep>> makeSteps, CancellationToken cancellationToken)
    {
        if (_options.BasePath is null)
        {
            throw new ImportException("import with -c needs --base-path, the URL the app listens on (http://127.0.0.1:8080)");
        }

        RecordOptions options = new()
        {
            Path = _options.Path,
            AppCommand = _options.AppCommand!,
            ProxyPort = _options.ProxyPort,
            PassThroughPorts = _options.PassThroughPorts,
            Sanitize = _options.Sanitize,
            Debug = _options.Debug,
        };
        using CancellationTokenSource stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        RecordSession session = new(options, ProtocolRegistry.All(_options.MySqlPorts), _log);
        Task<RecordSummary> recording = session.RunAsync(stop.Token);
        int skipped = 0;
        try
        {
            Uri app = new(_options.BasePath);
            if (!await WaitForAppAsync(app, recording, cancellationToken).ConfigureAwait(false))
            {
                stop.Cancel();
                RecordSummary early = await recording.ConfigureAwait(false);
                throw new ImportException(early.AppExitCode is int code
                    ? $"the app exited with code {code} before it accepted connections at {_options.BasePath}"
                    : $"the app did not accept connections at {_options.BasePath} within {_options.AppStartTimeout.TotalSeconds:0} s");
            }

            using HttpClient client = CreateClient();
            foreach (ImportStep step in makeSteps(request => SendForScript(client, request)))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (recording.IsCompleted)
                {
                    _log($"the app stopped while importing; {step.Name} and the requests after it were not sent");
                    break;
                }

                ImportedRequest? request = BuildOrSkip(step);
                if (request is null)
                {
                    skipped++;
                    continue;
                }

                string target = Target(request.Url, _options.BasePath);
                HttpResponseRecord? response = await SendOrSkipAsync(client, step, request, target, cancellationToken).ConfigureAwait(false);
                if (response is null)
                {
                    skipped++;
                    continue;
                }

                step.OnResponse(request with { Url = target }, response);
                _log($"sent {step.Name}: {request.Method} {Sanitizer.RedactUrl(target)} -> {response.StatusCode}");
            }
        }
        finally
        {
            stop.Cancel();
        }

        RecordSummary summary = await recording.ConfigureAwait(false);
        if (summary.Discarded || summary.TestCases == 0)
        {
            throw new ImportException($"nothing was recorded ({skipped} request(s) skipped; see the lines above)");
        }

        return new ImportSummary(summary.TestSetId, summary.TestCases, summary.Mocks, 0, skipped);
    }

    private async Task<bool> WaitForAppAsync(Uri app, Task recording, CancellationToken cancellationToken)
    {
        Stopwatch waited = Stopwatch.StartNew();
        while (waited.Elapsed < _options.AppStartTimeout && !recording.IsCompleted)
        {
            try
            {
                using TcpClient probe = new();
                await probe.ConnectAsync(app.Host, app.Port, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
        }

        return false;
    }

    private ImportedRequest? BuildOrSkip(ImportStep step)
    {
        try
        {
            return step.Build();
        }
        catch (ImportException ex)
        {
            _log($"skipped {step.Name}: {ex.Message}");
            return null;
        }
    }

    private async Task<HttpResponseRecord?> SendOrSkipAsync(HttpClient client, ImportStep step, ImportedRequest request, string target, CancellationToken cancellationToken)
    {
        if (target.Contains("{{", StringComparison.Ordinal))
        {
            _log($"skipped {step.Name} ({step.Where}): its URL {target} has an unresolved variable and there is no saved response; give -e <environment.json> or --base-path");
            return null;
        }

        try
        {
            return await SendAsync(client, request, target, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException or InvalidOperationException or FormatException)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            _log($"skipped {step.Name} ({step.Where}): {request.Method} {Sanitizer.RedactUrl(target)} got no answer: {ex.Message.ReplaceLineEndings(" ")}");
            return null;
        }
    }

    private HttpResponseSnapshot? SendForScript(HttpClient client, ImportedRequest request)
    {
        string target = Target(request.Url, _options.BasePath);
        if (target.Contains("{{", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            HttpResponseRecord response = SendAsync(client, request, target, CancellationToken.None).GetAwaiter().GetResult();
            return new HttpResponseSnapshot(response.StatusCode, response.StatusMessage, response.Header.ToList(), response.Body.Text, 0);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException or InvalidOperationException or FormatException)
        {
            _log($"pm.sendRequest {request.Method} {Sanitizer.RedactUrl(target)} failed: {ex.Message.ReplaceLineEndings(" ")}");
            return null;
        }
    }

    private HttpClient CreateClient()
    {
        SocketsHttpHandler handler = new()
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
            ConnectTimeout = _options.ApiTimeout,
        };
        return new HttpClient(handler) { Timeout = _options.ApiTimeout };
    }

    /// <summary>Sends a request as the source wrote it and returns the response as Keploy records it.</summary>
    private static async Task<HttpResponseRecord> SendAsync(HttpClient client, ImportedRequest request, string target, CancellationToken cancellationToken)
    {
        using HttpRequestMessage message = new(new HttpMethod(request.Method), target);
        ByteArrayContent? content = request.Body.Length > 0 ? new ByteArrayContent(request.Body) : null;
        foreach (KeyValuePair<string, string> header in request.Headers)
        {
            if (header.Key.Equals("Host", StringComparison.OrdinalIgnoreCase) || header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                || header.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) || header.Key.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(header.Key, header.Value))
            {
                content ??= new ByteArrayContent(Array.Empty<byte>());
                content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        message.Content = content;
        DateTimeOffset sent = DateTimeOffset.UtcNow;
        using HttpResponseMessage response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        HttpResponseRecord record = new()
        {
            StatusCode = (int)response.StatusCode,
            StatusMessage = response.ReasonPhrase ?? "",
            Timestamp = DateTimeOffset.UtcNow < sent ? sent : DateTimeOffset.UtcNow,
        };
        foreach (KeyValuePair<string, IEnumerable<string>> header in response.Headers.Concat(response.Content.Headers))
        {
            record.Header[header.Key] = string.Join(", ", header.Value);
        }

        record.Header.TryGetValue("Content-Encoding", out string? encoding);
        record.Body = HttpBodyCoding.ToRecordBody(body, encoding);
        return record;
    }

    /// <summary>The request as a test case's <c>req</c>: absolute URL, headers with <c>Host</c>, body as Keploy stores it.</summary>
    private static HttpRequestRecord ToRecord(ImportedRequest request, string target)
    {
        HttpRequestRecord record = new() { Method = request.Method, Url = target, Timestamp = DateTimeOffset.UtcNow };
        if (Uri.TryCreate(target, UriKind.Absolute, out Uri? uri))
        {
            record.Header["Host"] = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        }

        foreach (KeyValuePair<string, string> header in request.Headers)
        {
            record.Header[header.Key] = record.Header.TryGetValue(header.Key, out string? before) && !header.Key.Equals("Host", StringComparison.OrdinalIgnoreCase)
                ? before + ", " + header.Value
                : header.Value;
        }

        if (request.Body.Length > 0)
        {
            record.Header["Content-Length"] = request.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        record.Header.TryGetValue("Content-Encoding", out string? encoding);
        record.Body = HttpBodyCoding.ToRecordBody(request.Body, encoding);
        return record;
    }
}
