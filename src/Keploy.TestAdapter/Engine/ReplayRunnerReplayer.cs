using Keploy.Core.Config;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Replay;

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
        ReplayOptions options;
        try
        {
            options = CreateOptions(keployRoot, settings);
        }
        catch (Exception e) when (e is KeployFormatException or IOException)
        {
            return new TestSetReplay("keploy: " + e.Message);
        }

        HashSet<string> selected = new(tests.Select(t => t.FileName), StringComparer.Ordinal);
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

    /// <summary>
    /// Replay options: <c>&lt;keployRoot&gt;/keploy.yml</c> when present (copied to the test output by the package targets; gives
    /// <c>test.globalNoise</c>, <c>ignoreOrdering</c>, <c>apiTimeout</c>, <c>delay</c>, <c>healthUrl</c>, <c>proxyPort</c>, port bypass
    /// rules), then the adapter settings (MSBuild properties / RunSettings) on top. keploy.yml's <c>command</c> is not used: the app
    /// command comes from <see cref="KeploySettings.ResolveAppCommand"/>.
    /// </summary>
    /// <exception cref="KeployFormatException">keploy.yml is malformed (file:line:column).</exception>
    internal static ReplayOptions CreateOptions(string keployRoot, KeploySettings settings)
    {
        string configFile = Path.Combine(keployRoot, "keploy.yml");
        KeployConfig config = File.Exists(configFile) ? KeployConfig.Load(configFile) : new KeployConfig();
        ReplayOptions options = new()
        {
            Path = keployRoot,
            AppCommand = settings.ResolveAppCommand(keployRoot),
            WorkingDirectory = keployRoot,
            HealthUrl = settings.HealthUrl ?? (string.IsNullOrWhiteSpace(config.Test.HealthUrl) ? null : config.Test.HealthUrl),
            HealthPollTimeout = config.Test.HealthPollTimeout,
            ApiTimeout = TimeSpan.FromSeconds(config.Test.ApiTimeout),
            Delay = settings.Delay ?? TimeSpan.FromSeconds(config.Test.Delay),
            ProxyPort = settings.ProxyPort ?? config.ProxyPort,
            PassThroughPorts = config.BypassRules
                .Where(r => r.Port > 0 && string.IsNullOrEmpty(r.Host) && string.IsNullOrEmpty(r.Path))
                .Select(r => r.Port)
                .ToList(),
            Port = settings.Port ?? config.Test.Port,
            GlobalNoise = config.Test.GlobalNoise,
            IgnoreOrdering = config.Test.IgnoreOrdering,
            CompareAll = config.Test.CompareAll,
            DisableAutoHeaderNoise = config.Test.DisableAutoHeaderNoise,
        };
        return options;
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
