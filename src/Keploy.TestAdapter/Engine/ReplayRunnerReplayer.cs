using Keploy.Core.Config;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Replay;
using Keploy.Core.Storage;
using YamlDotNet.RepresentationModel;

namespace Keploy.TestAdapter.Engine;

/// <summary><see cref="ITestSetReplayer"/> over <see cref="ReplayRunner.RunTestSetAsync"/>.</summary>
internal sealed class ReplayRunnerReplayer : ITestSetReplayer
{
    /// <inheritdoc />
    public async Task<TestSetReplay> ReplayAsync(
        string keployRoot,
        string testSetId,
        IReadOnlyList<RecordedTest> tests,
        KeploySettings settings,
        Action<ReplayedTest> completed,
        CancellationToken cancellationToken)
    {
        HashSet<string> selected = new(tests.Select(t => t.FileName), StringComparer.Ordinal);
        ReplayOptions options;
        try
        {
            options = CreateOptions(keployRoot, settings, FirstRecordedUrl(keployRoot, testSetId, selected));
        }
        catch (Exception e) when (e is KeployFormatException or IOException or FormatException)
        {
            return new TestSetReplay("keploy: " + e.Message);
        }

        bool Include(TestCase testCase) => selected.Contains(FileNameOf(testCase));

        ReplayRunner runner = new(options);
        TestSetResult result;
        try
        {
            result = await runner.RunTestSetAsync(testSetId, Include, new Observer(completed), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return new TestSetReplay("cancelled");
        }
        catch (NotImplementedException e)
        {
            return new TestSetReplay($"keploy: the replay engine is not available in this build ({e.Message})");
        }

        return new TestSetReplay(result.Status switch
        {
            TestSetStatus.Passed or TestSetStatus.Failed => null,
            _ => $"keploy: {testSetId} {result.Status}: {result.Error ?? "no details"}",
        });
    }

    /// <summary>Wait for an app started with <c>dotnet run</c> (it builds first): 120 s.</summary>
    internal static readonly TimeSpan DotnetRunDelay = TimeSpan.FromSeconds(120);

    /// <summary>Wait for an app started any other way: 30 s. The wait ends as soon as the port accepts or the app exits.</summary>
    internal static readonly TimeSpan DefaultDelay = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Replay options: <c>&lt;keployRoot&gt;/keploy.yml</c> when present (copied to the test output by the package targets; gives
    /// <c>test.globalNoise</c>, <c>ignoreOrdering</c>, <c>apiTimeout</c>, <c>delay</c>, <c>healthUrl</c>, <c>proxyPort</c>, port bypass
    /// rules) and the <c>KEPLOY_*</c> environment variables over it, then the adapter settings (MSBuild properties / RunSettings) on top.
    /// keploy.yml's <c>command</c> is not used: the app command comes from <see cref="KeploySettings.ResolveAppCommand(string, string)"/>.
    /// Unlike <c>dotnet keploy test</c>'s fixed defaults, what nobody set is chosen for <c>dotnet test</c>: the mock proxy gets a free
    /// port (0: two runs never collide), the wait is <see cref="DotnetRunDelay"/> for <c>dotnet run</c> and <see cref="DefaultDelay"/>
    /// otherwise, and an ASP.NET Core app resolved from <c>AppProject</c> is told to listen on <paramref name="recordedUrl"/>'s host and
    /// port (or <see cref="KeploySettings.Port"/>).
    /// </summary>
    /// <param name="keployRoot">Folder holding <c>keploy/</c> (and keploy.yml).</param>
    /// <param name="settings">The adapter settings.</param>
    /// <param name="recordedUrl">The URL of the test-set's first recorded request, or null when unknown.</param>
    /// <exception cref="KeployFormatException">keploy.yml is malformed (file:line:column).</exception>
    /// <exception cref="FormatException">A <c>KEPLOY_*</c> variable does not parse (the message names it).</exception>
    internal static ReplayOptions CreateOptions(string keployRoot, KeploySettings settings, Uri? recordedUrl = null)
    {
        string configFile = Path.Combine(keployRoot, "keploy.yml");
        KeployConfig config = File.Exists(configFile) ? KeployConfig.Load(configFile) : new KeployConfig();
        IReadOnlyList<string> fromEnvironment = config.ApplyEnvironment();
        bool Given(string key, string? section, string variable) =>
            fromEnvironment.Contains(variable, StringComparer.Ordinal) || HasKey(config.Raw, section, key);

        int port = settings.Port ?? config.Test.Port;
        string? listenUrl = null;
        if (recordedUrl is not null)
        {
            UriBuilder listen = new(recordedUrl.Scheme, recordedUrl.Host, port > 0 ? port : recordedUrl.Port);
            listenUrl = listen.Uri.GetLeftPart(UriPartial.Authority);
        }

        string? appCommand = settings.ResolveAppCommand(keployRoot, listenUrl);
        TimeSpan delay = settings.Delay
            ?? (Given("delay", "test", "KEPLOY_TEST_DELAY") ? TimeSpan.FromSeconds(config.Test.Delay)
                : appCommand is not null && appCommand.Contains("dotnet run", StringComparison.Ordinal) ? DotnetRunDelay : DefaultDelay);
        ReplayOptions options = new()
        {
            Path = keployRoot,
            AppCommand = appCommand,
            WorkingDirectory = keployRoot,
            HealthUrl = settings.HealthUrl ?? (string.IsNullOrWhiteSpace(config.Test.HealthUrl) ? null : config.Test.HealthUrl),
            HealthPollTimeout = config.Test.HealthPollTimeout,
            ApiTimeout = TimeSpan.FromSeconds(config.Test.ApiTimeout),
            Delay = delay,
            ProxyPort = settings.ProxyPort ?? (Given("proxyPort", null, "KEPLOY_PROXY_PORT") ? config.ProxyPort : 0),
            PassThroughPorts = config.BypassRules
                .Where(r => r.Port > 0 && string.IsNullOrEmpty(r.Host) && string.IsNullOrEmpty(r.Path))
                .Select(r => r.Port)
                .ToList(),
            MySqlPorts = config.MySqlPorts,
            Port = port,
            GlobalNoise = config.Test.GlobalNoise,
            IgnoreOrdering = config.Test.IgnoreOrdering,
            CompareAll = config.Test.CompareAll,
            DisableAutoHeaderNoise = config.Test.DisableAutoHeaderNoise,
        };
        return options;
    }

    /// <summary>True when keploy.yml has <paramref name="key"/> at the root (<paramref name="section"/> null) or in that section.</summary>
    private static bool HasKey(YamlMappingNode? root, string? section, string key)
    {
        YamlMappingNode? map = root;
        if (map is not null && section is not null)
        {
            map = map.Children.TryGetValue(new YamlScalarNode(section), out YamlNode? node) ? node as YamlMappingNode : null;
        }

        return map is not null && map.Children.ContainsKey(new YamlScalarNode(key));
    }

    /// <summary>The URL of the first selected Http test of the set, or null (unreadable files are reported by the replay itself).</summary>
    private static Uri? FirstRecordedUrl(string keployRoot, string testSetId, HashSet<string> selected)
    {
        try
        {
            foreach (TestCase testCase in new TestSetStore(keployRoot).ReadTestCases(testSetId))
            {
                if (testCase.Kind == "Http" && selected.Contains(FileNameOf(testCase)) &&
                    Uri.TryCreate(HttpSpec.FromTestCase(testCase).Request.Url, UriKind.Absolute, out Uri? url))
                {
                    return url;
                }
            }
        }
        catch (Exception e) when (e is KeployFormatException or IOException or FormatException or InvalidOperationException)
        {
        }

        return null;
    }

    private static string FileNameOf(TestCase testCase) =>
        testCase.FilePath is { Length: > 0 } path ? Path.GetFileNameWithoutExtension(path) : testCase.Name;

    /// <summary>Writes the actual response in the shape of Keploy's <c>spec.resp</c>, with the project's Keploy YAML writer.</summary>
    internal static string ToYaml(HttpResponseRecord response) =>
        Keploy.Core.Storage.KeployYamlWriter.ToText(HttpSpec.WriteResponse(response, response.Timestamp), Keploy.Core.Storage.KeployYaml.TestIndent);

    private sealed class Observer(Action<ReplayedTest> completed) : IReplayObserver
    {
        public void TestCompleted(TestCaseResult result)
        {
            string? diff = result.FailureMessage;
            if (result.Misses.Count > 0)
            {
                diff = (diff is null ? "" : diff + "\n") + string.Join("\n", result.Misses.Select(m => m.ToString()));
            }

            completed(new ReplayedTest(
                FileNameOf(result.TestCase),
                result.Status is TestStatus.Passed or TestStatus.Ignored,
                result.Status is TestStatus.Passed or TestStatus.Ignored ? null : diff ?? $"keploy: {result.Status}",
                result.Actual is null ? null : ToYaml(result.Actual),
                result.Started,
                result.Completed)
            {
                Messages = result.MocksUsed.Count == 0 ? Array.Empty<string>() : new[] { "mocks used: " + string.Join(", ", result.MocksUsed) },
            });
        }
    }
}
