using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Keploy.Core.Proxy;
using Keploy.Core.Record;
using Keploy.Core.Replay;
using Keploy.Core.Sanitize;
using Keploy.Core.Storage;

namespace Keploy.Core.Tests.Sanitize;

/// <summary>
/// Record → replay through the real path (eBPF capture, ingress recorder, outgoing proxy, mock server) of an app that receives
/// secrets in every place (Authorization Bearer and Basic, Cookie, X-Api-Key, ?token=, JSON password), forwards one to a downstream
/// service, gets a JWT from it, and issues a new JWT and session cookie on every login. The app checks each secret it receives, so a
/// replay that sent placeholders instead of values would get 401s.
/// </summary>
[Trait("Category", "Ebpf")]
[Collection("Ebpf")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SecretsRecordReplayTests : IDisposable
{
    private const string Bearer = "Bearer user-tok-7Hq2Lm9Xc4Vb";
    private const string BasicUser = "alice:basic-pw-Zr81";
    private const string ApiKey = "apikey-c0ffee-5a5a";
    private const string Password = "hunter2-Pa55w0rd";
    private const string QueryToken = "qtok-91ab-77cd";
    private const string CookieValue = "sess-cookie-44f1e2";
    private const string DownstreamJwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkb3duc3RyZWFtIn0.ZG93bnN0cmVhbS1zaWduYXR1cmU";

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static readonly string App = """
        import base64, http.server, json, os, secrets, sys, urllib.request
        port, down = int(sys.argv[1]), int(sys.argv[2])
        def b64(b): return base64.urlsafe_b64encode(b).rstrip(b'=').decode()
        def jwt(): return b64(b'{"alg":"HS256"}') + '.' + b64(json.dumps({"sub": "alice", "n": secrets.token_hex(8)}).encode()) + '.' + secrets.token_urlsafe(24)
        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'
            def reply(self, status, obj, cookie=None):
                out = json.dumps(obj).encode()
                self.send_response(status)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(out)))
                if cookie: self.send_header('Set-Cookie', cookie)
                self.end_headers(); self.wfile.write(out)
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get('Content-Length', '0'))) or b'{}')
                ok = body.get('password') == os.environ['EXPECT_PASSWORD'] and self.headers.get('X-Api-Key') == os.environ['EXPECT_API_KEY']
                req = urllib.request.Request('http://127.0.0.1:%d/profile?token=%s' % (down, os.environ['EXPECT_QUERY_TOKEN']), headers={'Authorization': self.headers.get('Authorization', '')})
                with urllib.request.urlopen(req, timeout=20) as r: prof = json.loads(r.read())
                ok = ok and prof.get('session', '').startswith('eyJ') and '{{' not in prof['session']
                self.reply(200 if ok else 401, {'user': body.get('user'), 'name': prof.get('name'), 'token': jwt(), 'token_type': 'Bearer'}, 'sid=' + secrets.token_hex(12) + '; HttpOnly')
            def do_GET(self):
                ok = self.path == '/account?token=' + os.environ['EXPECT_QUERY_TOKEN'] and self.headers.get('Cookie') == 'session=' + os.environ['EXPECT_COOKIE'] \
                    and self.headers.get('Authorization') == 'Basic ' + base64.b64encode(os.environ['EXPECT_BASIC'].encode()).decode()
                self.reply(200 if ok else 401, {'ok': ok, 'plan': 'gold'})
            def log_message(self, *a): pass
        http.server.ThreadingHTTPServer(('127.0.0.1', port), H).serve_forever()
        """;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "keploy-secrets-e2e-" + Guid.NewGuid().ToString("N"));

    public SecretsRecordReplayTests()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "app.py"), App);
    }

    public void Dispose()
    {
        try
        {
            if (Environment.GetEnvironmentVariable("KEEP_SECRETS_E2E") is null) Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string[] Secrets => [Bearer["Bearer ".Length..], Convert.ToBase64String(Encoding.UTF8.GetBytes(BasicUser)), ApiKey, Password, QueryToken, CookieValue, DownstreamJwt];

    private static Dictionary<string, string> AppEnvironment() => new(StringComparer.Ordinal)
    {
        ["EXPECT_PASSWORD"] = Password,
        ["EXPECT_API_KEY"] = ApiKey,
        ["EXPECT_QUERY_TOKEN"] = QueryToken,
        ["EXPECT_COOKIE"] = CookieValue,
        ["EXPECT_BASIC"] = BasicUser,
    };

    [Fact]
    public async Task RecordedSecretsStayInSecretYamlAndReplayPassesFromTheFileAndFromTheEnvironment()
    {
        int appPort = TestPorts.Free();
        using Downstream downstream = new();
        string testSetId = await RecordAsync(appPort, downstream, sanitize: true);
        TestSetStore store = new(_dir);
        string secretPath = SecretStore.PathFor(store, testSetId);

        // What was recorded: placeholders everywhere, values only in secret.yaml (0600, ignored by git).
        Assert.Equal(2, store.ListTestCaseFiles(testSetId).Count);
        Assert.True(File.Exists(secretPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secretPath));
        Assert.Contains(SecretStore.GitIgnoreLine, File.ReadAllLines(Path.Combine(store.KeployDirectory, ".gitignore")));
        string secretYaml = File.ReadAllText(secretPath);
        foreach (string secret in Secrets)
        {
            Assert.Contains(secret, secretYaml);
        }

        AssertNoSecretOutsideSecretYaml();
        string tests = string.Join("\n", store.ListTestCaseFiles(testSetId).Select(File.ReadAllText));
        Assert.Contains("{{string .secret.Authorization }}", tests);
        Assert.Contains("{{string .secret.Password }}", tests);
        Assert.Contains("--header 'X-Api-Key: {{string .secret.XApiKey }}'", tests);
        Assert.Contains("{{string .secret.", File.ReadAllText(store.MocksPath(testSetId)));
        Assert.True(GitIgnores(_dir, Path.Combine("keploy", testSetId, SecretStore.FileName)), "git check-ignore does not ignore secret.yaml");

        // Replay with secret.yaml (downstream stopped: the mock serves it).
        downstream.Dispose();
        TestRunResult withFile = await ReplayAsync(appPort);
        Assert.True(withFile.Passed, Describe(withFile));
        AssertNoSecretOutsideSecretYaml();

        // The token and cookie the app issued at replay are new values: compared as noise, reported masked under Replay* keys.
        string report = File.ReadAllText(Directory.EnumerateFiles(withFile.ReportDirectory).Single());
        Assert.Contains("\"token\": \"{{string .secret.ReplayToken }}\"", report);
        Assert.Contains("'{{string .secret.ReplaySetCookie }}'", report);

        // CI: no secret.yaml, values from KEPLOY_SECRET_* variables.
        List<KeyValuePair<string, string>> entries = SecretStore.ReadFile(secretPath);
        File.Delete(secretPath);
        TestRunResult missing = await ReplayAsync(appPort);
        Assert.False(missing.Passed);
        Assert.Contains("KEPLOY_SECRET_AUTHORIZATION", missing.Sets[0].Error);
        foreach (KeyValuePair<string, string> e in entries)
        {
            Environment.SetEnvironmentVariable(SecretTemplate.EnvironmentVariable(e.Key), e.Value);
        }

        try
        {
            TestRunResult fromEnvironment = await ReplayAsync(appPort);
            Assert.True(fromEnvironment.Passed, Describe(fromEnvironment));
        }
        finally
        {
            foreach (KeyValuePair<string, string> e in entries)
            {
                Environment.SetEnvironmentVariable(SecretTemplate.EnvironmentVariable(e.Key), null);
            }
        }

        Assert.False(File.Exists(secretPath));
        AssertNoSecretOutsideSecretYaml();
    }

    [Fact]
    public async Task SanitizeCommandMovesSecretsOfAPlainTestSetAndReplayStillPasses()
    {
        int appPort = TestPorts.Free();
        using Downstream downstream = new();
        string testSetId = await RecordAsync(appPort, downstream, sanitize: false);
        TestSetStore store = new(_dir);
        string plain = string.Join("\n", store.ListTestCaseFiles(testSetId).Select(File.ReadAllText)) + File.ReadAllText(store.MocksPath(testSetId));
        Assert.Contains(Password, plain);
        Assert.Contains(DownstreamJwt, plain);
        Assert.False(File.Exists(SecretStore.PathFor(store, testSetId)));

        SanitizeSummary first = TestSetSanitizer.Sanitize(store, testSetId);
        Assert.Equal(2, first.TestCases);
        Assert.Equal(1, first.Mocks);
        AssertNoSecretOutsideSecretYaml();
        Dictionary<string, string> snapshot = Directory.EnumerateFiles(store.KeployDirectory, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllText);

        SanitizeSummary second = TestSetSanitizer.Sanitize(store, testSetId);
        Assert.Equal((0, 0, first.Secrets), (second.TestCases, second.Mocks, second.Secrets));
        Assert.Equal(snapshot, Directory.EnumerateFiles(store.KeployDirectory, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllText));

        downstream.Dispose();
        TestRunResult run = await ReplayAsync(appPort);
        Assert.True(run.Passed, Describe(run));
        AssertNoSecretOutsideSecretYaml();
    }

    private async Task<string> RecordAsync(int appPort, Downstream downstream, bool sanitize)
    {
        RecordOptions options = new()
        {
            Path = _dir,
            AppCommand = $"exec /usr/bin/python3 app.py {appPort} {downstream.Port}",
            WorkingDirectory = _dir,
            AppEnvironment = AppEnvironment(),
            ProxyPort = TestPorts.Free(),
            Sanitize = sanitize,
            StopGrace = TimeSpan.FromSeconds(5),
        };
        List<string> log = new();
        RecordSession session = new(options, ProtocolRegistry.All(), line =>
        {
            lock (log)
            {
                log.Add(line);
            }
        });
        using CancellationTokenSource stop = new();
        Task<RecordSummary> run = session.RunAsync(stop.Token);
        try
        {
            using HttpClient client = new(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = new Uri($"http://127.0.0.1:{appPort}"), Timeout = TimeSpan.FromSeconds(30) };
            HttpResponseMessage login = await SendWhenReadyAsync(client, run, () =>
            {
                HttpRequestMessage m = new(HttpMethod.Post, "/login") { Content = new StringContent($"{{\"user\":\"alice\",\"password\":\"{Password}\"}}", Encoding.UTF8, "application/json") };
                m.Headers.TryAddWithoutValidation("Authorization", Bearer);
                m.Headers.TryAddWithoutValidation("X-Api-Key", ApiKey);
                return m;
            });
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            Assert.StartsWith("{\"user\": \"alice\", \"name\": \"Alice\", \"token\": \"eyJ", await login.Content.ReadAsStringAsync());

            HttpRequestMessage account = new(HttpMethod.Get, $"/account?token={QueryToken}");
            account.Headers.TryAddWithoutValidation("Cookie", "session=" + CookieValue);
            account.Headers.TryAddWithoutValidation("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(BasicUser)));
            HttpResponseMessage accountResponse = await client.SendAsync(account);
            Assert.Equal(HttpStatusCode.OK, accountResponse.StatusCode);
        }
        finally
        {
            stop.Cancel();
        }

        RecordSummary summary = await run.WaitAsync(Bound);
        lock (log)
        {
            Assert.True(summary.TestCases == 2, $"{summary.TestCases} test cases recorded\n{string.Join("\n", log)}");
        }

        Assert.Equal(1, downstream.Calls);
        return summary.TestSetId;
    }

    private static async Task<HttpResponseMessage> SendWhenReadyAsync(HttpClient client, Task running, Func<HttpRequestMessage> make)
    {
        DateTime until = DateTime.UtcNow + Bound;
        while (true)
        {
            if (running.IsCompleted)
            {
                await running;
                throw new InvalidOperationException("recording stopped before the app answered");
            }

            try
            {
                using TcpClient probe = new();
                await probe.ConnectAsync(IPAddress.Loopback, client.BaseAddress!.Port);
                return await client.SendAsync(make());
            }
            catch (Exception ex) when ((ex is SocketException or HttpRequestException) && DateTime.UtcNow < until)
            {
                await Task.Delay(100);
            }
        }
    }

    private async Task<TestRunResult> ReplayAsync(int appPort)
    {
        ReplayRunner runner = new(new ReplayOptions
        {
            Path = _dir,
            AppCommand = $"exec /usr/bin/python3 app.py {appPort} {TestPorts.Free()}",
            WorkingDirectory = _dir,
            AppEnvironment = AppEnvironment(),
            ProxyPort = TestPorts.Free(),
            Delay = Bound,
            ApiTimeout = TimeSpan.FromSeconds(30),
        });
        return await runner.RunAsync(null, null, CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(3));
    }

    private void AssertNoSecretOutsideSecretYaml()
    {
        Regex jwt = new(@"eyJ[A-Za-z0-9_-]{4,}\.eyJ");
        foreach (string file in Directory.EnumerateFiles(Path.Combine(_dir, "keploy"), "*", SearchOption.AllDirectories))
        {
            if (Path.GetFileName(file) == SecretStore.FileName)
            {
                continue;
            }

            string text = File.ReadAllText(file);
            foreach (string secret in Secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{file} holds the secret {secret}:\n{text}");
            }

            Assert.False(jwt.IsMatch(text), $"{file} holds a JWT:\n{text}");
            Assert.DoesNotMatch(@"sid=[0-9a-f]{24}", text);
        }
    }

    private static bool GitIgnores(string root, string relative)
    {
        System.Diagnostics.ProcessStartInfo init = new("git", ["init", "-q", root]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using (System.Diagnostics.Process p = System.Diagnostics.Process.Start(init)!)
        {
            p.WaitForExit(30_000);
        }

        System.Diagnostics.ProcessStartInfo check = new("git", ["-C", root, "check-ignore", "-q", relative]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using System.Diagnostics.Process c = System.Diagnostics.Process.Start(check)!;
        c.WaitForExit(30_000);
        return c.ExitCode == 0;
    }

    private static string Describe(TestRunResult run) => string.Join("\n", run.Sets.Select(s => $"{s.TestSetId}: {s.Status} {s.Error}\n" + string.Join("\n", s.Tests.Select(t => $"  {t.TestCase.Name}: {t.Status} {t.FailureMessage}"))));

    /// <summary>The downstream service: checks the forwarded bearer token and the query token, answers a profile with a JWT.</summary>
    private sealed class Downstream : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;
        private int _calls;
        private bool _disposed;

        public Downstream()
        {
            Port = TestPorts.Free();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            _listener.Start();
            _loop = Task.Run(LoopAsync);
        }

        public int Port { get; }

        public int Calls => Volatile.Read(ref _calls);

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                _listener.Close();
            }
        }

        private async Task LoopAsync()
        {
            while (true)
            {
                HttpListenerContext ctx;
                try
                {
                    ctx = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                Interlocked.Increment(ref _calls);
                bool ok = ctx.Request.Headers["Authorization"] == Bearer && ctx.Request.QueryString["token"] == QueryToken;
                byte[] body = Encoding.UTF8.GetBytes(ok ? $"{{\"name\":\"Alice\",\"session\":\"{DownstreamJwt}\"}}" : "{\"error\":\"forbidden\"}");
                ctx.Response.StatusCode = ok ? 200 : 403;
                ctx.Response.ContentType = "application/json";
                ctx.Response.ContentLength64 = body.Length;
                await ctx.Response.OutputStream.WriteAsync(body);
                ctx.Response.Close();
            }
        }
    }
}
