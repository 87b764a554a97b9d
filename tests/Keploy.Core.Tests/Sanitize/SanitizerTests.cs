using System.Text;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Sanitize;
using Keploy.Core.Storage;

namespace Keploy.Core.Tests.Sanitize;

public sealed class SanitizerTests : IDisposable
{
    internal const string Jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsIm4iOjF9.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "keploy-sanitize-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("Authorization", true)]
    [InlineData("proxy-authorization", true)]
    [InlineData("Cookie", true)]
    [InlineData("Set-Cookie", true)]
    [InlineData("X-Api-Key", true)]
    [InlineData("api_key", true)]
    [InlineData("access_token", true)]
    [InlineData("github_token", true)]
    [InlineData("db_password", true)]
    [InlineData("clientSecret", true)]
    [InlineData("token", true)]
    [InlineData("Content-Type", false)]
    [InlineData("token_type", false)]
    [InlineData("user", false)]
    [InlineData("expires_in", false)]
    public void NamesOnTheListAreSecrets(string name, bool secret)
    {
        Assert.Equal(secret, SecretDetector.IsSecretName(name));
    }

    [Theory]
    [InlineData(Jwt, "Jwt")]
    [InlineData("Bearer abcdefgh12345678", "BearerToken")]
    [InlineData("Basic YWxpY2U6c2VjcmV0LXB3", "BasicAuth")]
    [InlineData("AKIAIOSFODNN7EXAMPLE", "AwsAccessKey")]
    [InlineData("ghp_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ", "GithubToken")]
    [InlineData("xoxb-1234567890-abcdefghij", "SlackToken")]
    [InlineData("sk_live_abcdefghijklmnop1234", "StripeKey")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----", "PrivateKey")]
    [InlineData("hello world", null)]
    [InlineData("Bearer", null)]
    [InlineData("2025-10-16T10:55:58Z", null)]
    [InlineData("550e8400-e29b-41d4-a716-446655440000", null)]
    public void TokenShapesAreFoundInAnyField(string value, string? rule)
    {
        Assert.Equal(rule, SecretDetector.FindShape(value));
    }

    [Theory]
    [InlineData("XApiKey", "KEPLOY_SECRET_X_API_KEY")]
    [InlineData("Authorization_2", "KEPLOY_SECRET_AUTHORIZATION_2")]
    [InlineData("SetCookie", "KEPLOY_SECRET_SET_COOKIE")]
    [InlineData("Test2_Authorization", "KEPLOY_SECRET_TEST2_AUTHORIZATION")]
    [InlineData("AwsAccessKey", "KEPLOY_SECRET_AWS_ACCESS_KEY")]
    public void EnvironmentVariableNamesAreUpperSnakeCase(string key, string variable)
    {
        Assert.Equal(variable, SecretTemplate.EnvironmentVariable(key));
    }

    [Fact]
    public void KeysFollowKeploysFieldNaming()
    {
        Assert.Equal("XApiKey", SecretTemplate.KeyFromField("x-api-key"));
        Assert.Equal("ClientSecret", SecretTemplate.KeyFromField("client_secret"));
        Assert.Equal("AccessToken", SecretTemplate.KeyFromField("accessToken"));
        Assert.Equal("{{string .secret.XApiKey }}", SecretTemplate.Placeholder("XApiKey"));
    }

    [Fact]
    public void RequestSecretsBecomePlaceholdersAndRenderBackToTheRecordedBytes()
    {
        SecretStore store = new();
        Sanitizer sanitizer = new(store);
        string body = "{\"user\":\"alice\",\"password\":\"hunter2\\u0021\",\"nested\":{\"client_secret\":\"cs-1\",\"access_token\":[\"a1\",\"b2\"]},\"n\":1,\"jwt_in_text\":\"x " + Jwt + "\"}";
        HttpRequestRecord request = new()
        {
            Method = "POST",
            Url = "http://localhost:8080/login?token=q%2Btok&page=2",
            Header = new(StringComparer.OrdinalIgnoreCase)
            {
                ["Authorization"] = "Bearer abcdefgh12345678",
                ["Cookie"] = "session=s3cr3t; theme=dark",
                ["X-Api-Key"] = "key-123",
                ["X-Custom"] = Jwt,
                ["Content-Type"] = "application/json",
                ["Accept"] = "*/*",
            },
            UrlParams = new() { ["token"] = "q+tok", ["page"] = "2" },
            Body = HttpBody.FromText(body),
        };

        HttpRequestRecord sanitized = sanitizer.Request(request);

        Assert.Equal("{{string .secret.Authorization }}", sanitized.Header["Authorization"]);
        Assert.Equal("{{string .secret.Cookie }}", sanitized.Header["Cookie"]);
        Assert.Equal("{{string .secret.XApiKey }}", sanitized.Header["X-Api-Key"]);
        Assert.Equal("{{string .secret.XCustom }}", sanitized.Header["X-Custom"]);
        Assert.Equal("application/json", sanitized.Header["Content-Type"]);
        Assert.Equal("http://localhost:8080/login?token={{string .secret.Token }}&page=2", sanitized.Url);
        Assert.Equal("{{string .secret.Token }}", sanitized.UrlParams!["token"]);
        Assert.Equal("2", sanitized.UrlParams["page"]);
        string text = sanitized.Body.Text;
        Assert.DoesNotContain("hunter2", text);
        Assert.DoesNotContain("cs-1", text);
        Assert.DoesNotContain(Jwt, text);
        Assert.Contains("\"user\":\"alice\"", text);
        Assert.Contains("\"n\":1", text);
        Assert.Contains("\"password\":\"{{string .secret.Password }}\"", text);
        Assert.Contains("\"access_token\":[\"{{string .secret.AccessToken }}\",\"{{string .secret.AccessToken_2 }}\"]", text);
        Assert.Contains("\"jwt_in_text\":\"{{string .secret.JwtInText }}\"", text);

        // The stored values are the raw recorded text (percent-encoding and JSON escapes kept), so rendering is byte-exact.
        Assert.Equal("q%2Btok", store.Get("Token"));
        Assert.Equal("hunter2\\u0021", store.Get("Password"));
        string rendered = SecretTemplate.Render(text, store.Get);
        Assert.Equal(body, rendered);
        Assert.Equal(request.Url, SecretTemplate.Render(sanitized.Url, store.Get));
        Assert.Equal("Bearer abcdefgh12345678", SecretTemplate.Render(sanitized.Header["Authorization"], store.Get));

        // The same value elsewhere gets the same key; sanitizing again changes nothing.
        HttpRequestRecord again = sanitizer.Request(new HttpRequestRecord { Header = new(StringComparer.OrdinalIgnoreCase) { ["Authorization"] = "Bearer abcdefgh12345678" } });
        Assert.Equal("{{string .secret.Authorization }}", again.Header["Authorization"]);
        Assert.Same(sanitized, sanitizer.Request(sanitized));
        Assert.Equal(10, store.Count);
    }

    [Fact]
    public void FormBodiesAndFreeTextAreSanitized()
    {
        Sanitizer sanitizer = new(new SecretStore());
        HttpRequestRecord form = sanitizer.Request(new HttpRequestRecord
        {
            Header = new(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "application/x-www-form-urlencoded" },
            Body = HttpBody.FromText("grant_type=password&username=alice&password=p%40ss&client_secret=xyz"),
        });
        Assert.Equal("grant_type=password&username=alice&password={{string .secret.Password }}&client_secret={{string .secret.ClientSecret }}", form.Body.Text);

        HttpResponseRecord text = sanitizer.Response(new HttpResponseRecord
        {
            Header = new(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "text/plain", ["Set-Cookie"] = "sid=abc; HttpOnly" },
            Body = HttpBody.FromText("your key is AKIAIOSFODNN7EXAMPLE, keep it"),
        });
        Assert.Equal("your key is {{string .secret.AwsAccessKey }}, keep it", text.Body.Text);
        Assert.Equal("{{string .secret.SetCookie }}", text.Header["Set-Cookie"]);

        HttpResponseRecord binary = new() { Body = new HttpBody(Encoding.UTF8.GetBytes("password=x"), isBinary: true) };
        Assert.Same(binary, sanitizer.Response(binary));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void SecretYamlIsPrivateGitIgnoredAndReadBack()
    {
        TestSetStore keploy = new(_dir);
        string setId = keploy.CreateNextTestSet();
        string path = SecretStore.PathFor(keploy, setId);
        SecretStore store = SecretStore.Open(path);
        Assert.Equal("Authorization", store.KeyFor("Authorization", "Bearer one"));
        Assert.Equal("Authorization_2", store.KeyFor("Authorization", "Bearer two: \"quoted\"\nline"));
        Assert.Equal("Authorization", store.KeyFor("Cookie", "Bearer one"));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Contains(SecretStore.GitIgnoreLine, File.ReadAllLines(Path.Combine(keploy.KeployDirectory, ".gitignore")));
        List<KeyValuePair<string, string>> read = SecretStore.ReadFile(path);
        Assert.Equal(new[] { "Authorization", "Authorization_2" }, read.Select(p => p.Key));
        Assert.Equal("Bearer two: \"quoted\"\nline", read[1].Value);

        // An existing .gitignore is kept and extended once.
        File.WriteAllText(Path.Combine(keploy.KeployDirectory, ".gitignore"), "reports/");
        SecretStore.EnsureGitIgnore(keploy.KeployDirectory);
        SecretStore.EnsureGitIgnore(keploy.KeployDirectory);
        Assert.Equal(new[] { "reports/", SecretStore.GitIgnoreLine }, File.ReadAllLines(Path.Combine(keploy.KeployDirectory, ".gitignore")));

        File.WriteAllText(path, "- a\n- b\n");
        KeployFormatException ex = Assert.Throws<KeployFormatException>(() => SecretStore.Open(path));
        Assert.StartsWith(path + ":1:1:", ex.Message);
    }

    [Fact]
    public void ReplayRendersRequestsAndMocksFromTheFileOrTheEnvironmentAndTreatsResponsePlaceholdersAsNoise()
    {
        TestSetStore keploy = new(_dir);
        string setId = keploy.CreateNextTestSet();
        Sanitizer sanitizer = new(SecretStore.Open(SecretStore.PathFor(keploy, setId)));
        HttpRequestRecord recorded = new() { Url = "http://h/x?api_key=k-1", Header = new(StringComparer.OrdinalIgnoreCase) { ["Authorization"] = "Basic YWxpY2U6cHc=" } };
        TestCase test = HttpSpec.CreateTestCase("test-1", sanitizer.Request(recorded), sanitizer.Response(new HttpResponseRecord
        {
            Header = new(StringComparer.OrdinalIgnoreCase) { ["Set-Cookie"] = "sid=1" },
            Body = HttpBody.FromText("{\"user\":\"alice\",\"auth\":{\"token\":\"" + Jwt + "\"},\"list\":[{\"access_token\":\"t\"}]}"),
        }), null, null);
        Assert.DoesNotContain("YWxpY2U6cHc", test.Curl);
        Assert.Contains("--header 'Authorization: {{string .secret.Authorization }}'", test.Curl);
        Mock mock = HttpSpec.CreateMock(new HttpRequestRecord { Url = "/down", Header = new(StringComparer.OrdinalIgnoreCase) { ["X-Api-Key"] = "down-key" } }, new HttpResponseRecord(), 1, DateTimeOffset.Now, DateTimeOffset.Now);
        Assert.True(sanitizer.Document(mock));

        HttpTestCaseSpec view = HttpSpec.FromTestCase(test);
        ReplaySecrets fromFile = ReplaySecrets.Load(keploy, setId, _ => null);
        Assert.Empty(fromFile.Missing([test], [mock]));
        HttpRequestRecord sent = fromFile.Render(view.Request);
        Assert.Equal(recorded.Url, sent.Url);
        Assert.Equal("Basic YWxpY2U6cHc=", sent.Header["Authorization"]);

        Dictionary<string, List<string>> noise = ReplaySecrets.Noise(view.Response, new());
        Assert.Equal(new[] { "body.auth.token", "body.list.access_token", "header.Set-Cookie" }, noise.Keys.Order(StringComparer.Ordinal));

        File.Delete(SecretStore.PathFor(keploy, setId));
        ReplaySecrets none = ReplaySecrets.Load(keploy, setId, _ => null);
        IReadOnlyList<string> missing = none.Missing([test], [mock]);
        Assert.Equal(new[] { "ApiKey", "Authorization", "XApiKey" }, missing);
        string message = none.MissingMessage(setId, missing);
        Assert.Contains("KEPLOY_SECRET_X_API_KEY", message);
        Assert.DoesNotContain("\n", message);

        Dictionary<string, string> env = new() { ["KEPLOY_SECRET_API_KEY"] = "k-1", ["KEPLOY_SECRET_AUTHORIZATION"] = "Basic YWxpY2U6cHc=", ["KEPLOY_SECRET_X_API_KEY"] = "down-key" };
        ReplaySecrets fromEnv = ReplaySecrets.Load(keploy, setId, name => env.GetValueOrDefault(name));
        Assert.Empty(fromEnv.Missing([test], [mock]));
        fromEnv.RenderMocks([mock]);
        Assert.Equal("down-key", HttpSpec.FromMock(mock).Request.Header["X-Api-Key"]);
        Assert.Equal(recorded.Url, fromEnv.Render(view.Request).Url);

        // Live values are masked for reports: known ones by their key, new ones by shape.
        Assert.Equal("sent {{string .secret.XApiKey }} and {{string .secret.ReplayJwt }}", fromEnv.Masker.MaskText("sent down-key and " + Jwt));
    }

    [Fact]
    public void MaskedComparisonKeepsTheVerdictAndLosesTheLiveValues()
    {
        HttpResponseRecord expected = new() { Header = new(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "application/json" }, Body = HttpBody.FromText("{\"user\":\"alice\",\"password\":\"old-pw\"}") };
        HttpResponseRecord actual = new() { Header = new(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "application/json", ["Set-Cookie"] = "sid=live-cookie" }, Body = HttpBody.FromText("{\"user\":\"bob\",\"password\":\"live-pw\"}") };
        Keploy.Core.Replay.Comparison.ComparisonResult raw = Keploy.Core.Replay.Comparison.HttpResponseComparer.Compare(
            expected, actual, Keploy.Core.Replay.Comparison.NoiseRules.Create(new Dictionary<string, List<string>>(), new(), "test-set-0", false), new Keploy.Core.Replay.Comparison.CompareOptions());
        Assert.False(raw.Passed);
        Keploy.Core.Replay.Comparison.ComparisonResult masked = new Sanitizer(new SecretStore()) { KeyPrefix = "Replay" }.Mask(raw);
        Assert.False(masked.Passed);
        string all = string.Join("\n", masked.Differences.Select(d => d.ToString()).Concat(masked.BodyResult.Select(b => b.Expected + b.Actual))
            .Concat(masked.HeadersResult.SelectMany(h => h.Actual.Value.Concat(h.Expected.Value))));
        Assert.Contains("bob", all);
        Assert.DoesNotContain("live-pw", all);
        Assert.DoesNotContain("old-pw", all);
        Assert.DoesNotContain("live-cookie", all);
        Assert.Contains("{{string .secret.ReplayPassword", all);
    }

    [Fact]
    public void DocumentPatchKeepsUnknownFieldsAndRebuildsCurl()
    {
        string file = Path.Combine(_dir, "t.yaml");
        Directory.CreateDirectory(_dir);
        File.WriteAllText(file, """
            version: api.keploy.io/v1beta1
            kind: Http
            name: test-1
            spec:
              metadata: {}
              req:
                method: GET
                proto_major: 1
                proto_minor: 1
                url: http://localhost:8080/a?access_token=tok-12345
                url_params:
                  access_token: tok-12345
                header:
                  Authorization: Bearer abcdefgh12345678
                body: ""
                timestamp: 2025-10-16T10:55:58Z
                future_field: kept
              resp:
                status_code: 200
                header: {}
                body: '{"ok":true}'
                status_message: OK
                proto_major: 0
                proto_minor: 0
                timestamp: 2025-10-16T10:55:58Z
              objects: []
              assertions:
                noise: {}
              created: 1760612158
            curl: |
              curl --request GET \
                --url http://localhost:8080/a?access_token=tok-12345 \
                --header 'Authorization: Bearer abcdefgh12345678' \

            """);
        TestCase tc = KeployYaml.ReadTestCases(file).Single();
        Sanitizer sanitizer = new(new SecretStore());
        Assert.True(sanitizer.Document(tc));
        Assert.False(sanitizer.Document(tc));
        string written = KeployYaml.FormatTestCase(tc);
        Assert.DoesNotContain("tok-12345", written);
        Assert.DoesNotContain("abcdefgh12345678", written);
        Assert.Contains("future_field: kept", written);
        Assert.Contains("access_token: '{{string .secret.AccessToken }}'".Replace('\'', '"'), written.Replace('\'', '"'));
    }
}
