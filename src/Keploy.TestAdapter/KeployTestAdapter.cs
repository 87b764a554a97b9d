using Keploy.TestAdapter.Engine;
using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Adapter;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Logging;

namespace Keploy.TestAdapter;

/// <summary>
/// VSTest discoverer and executor for Keploy recorded tests (dotnet-test-integration.md §1). Discovers from the test project's dll:
/// <c>&lt;dir(dll)&gt;/keploy/&lt;set&gt;/tests/*.yaml</c>, one TestCase per file. Executes one app start per test-set through
/// <see cref="ITestSetReplayer"/>.
/// </summary>
[FileExtension(".dll")]
[DefaultExecutorUri(ExecutorUri)]
[ExtensionUri(ExecutorUri)]
[System.ComponentModel.Category("managed")]
internal sealed class KeployTestAdapter : ITestDiscoverer, ITestExecutor2
{
    /// <summary>The executor URI tying discovered TestCases to this executor.</summary>
    internal const string ExecutorUri = "executor://keploy/v1";

    private static readonly Uri s_executorUri = new(ExecutorUri);

    private readonly ITestSetReplayer _replayer;
    private readonly CancellationTokenSource _cts = new();

    /// <summary>Used by VSTest (parameterless) with the real engine.</summary>
    public KeployTestAdapter()
        : this(new ReplayRunnerReplayer())
    {
    }

    /// <summary>Used by tests with a fake engine.</summary>
    internal KeployTestAdapter(ITestSetReplayer replayer)
    {
        _replayer = replayer;
    }

    /// <inheritdoc />
    public void DiscoverTests(IEnumerable<string> sources, IDiscoveryContext discoveryContext, IMessageLogger logger, ITestCaseDiscoverySink discoverySink)
    {
        foreach (string source in sources)
        {
            foreach (TestCase testCase in Discover(source, discoveryContext?.RunSettings?.SettingsXml, logger))
            {
                discoverySink.SendTestCase(testCase);
            }
        }
    }

    /// <inheritdoc />
    public void RunTests(IEnumerable<string>? sources, IRunContext? runContext, IFrameworkHandle? frameworkHandle)
    {
        if (sources is null || frameworkHandle is null)
        {
            return;
        }

        List<TestCase> tests = new();
        foreach (string source in sources)
        {
            tests.AddRange(Discover(source, runContext?.RunSettings?.SettingsXml, frameworkHandle));
        }

        ITestCaseFilterExpression? filter = null;
        if (runContext is not null)
        {
            try
            {
                filter = runContext.GetTestCaseFilter(KeployTestFilter.SupportedProperties, KeployTestFilter.GetProperty);
            }
            catch (TestPlatformFormatException e)
            {
                frameworkHandle.SendMessage(TestMessageLevel.Error, $"keploy: invalid --filter: {e.Message}");
                return;
            }
        }

        if (filter is not null)
        {
            tests = tests.Where(t => filter.MatchTestCase(t, name => KeployTestFilter.GetValue(t, name))).ToList();
        }

        RunTests(tests, runContext, frameworkHandle);
    }

    /// <inheritdoc />
    public void RunTests(IEnumerable<TestCase>? tests, IRunContext? runContext, IFrameworkHandle? frameworkHandle)
    {
        if (tests is null || frameworkHandle is null)
        {
            return;
        }

        CancellationToken ct = _cts.Token;
        string runDirectory = runContext?.TestRunDirectory is { Length: > 0 } dir
            ? dir
            : Path.Combine(Path.GetTempPath(), "keploy-runs", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff"));

        foreach (IGrouping<string, TestCase> bySource in tests.GroupBy(t => t.Source, StringComparer.Ordinal))
        {
            if (ct.IsCancellationRequested)
            {
                return;
            }

            RunSource(bySource.Key, bySource.ToList(), runContext?.RunSettings?.SettingsXml, runDirectory, frameworkHandle, ct);
        }
    }

    /// <inheritdoc />
    public void Cancel() => _cts.Cancel();

    /// <summary>False: the tests run in the app, not in testhost; a debugger belongs on the app.</summary>
    public bool ShouldAttachToTestHost(IEnumerable<string>? sources, IRunContext runContext) => false;

    /// <summary>False: the tests run in the app, not in testhost.</summary>
    public bool ShouldAttachToTestHost(IEnumerable<TestCase>? tests, IRunContext runContext) => false;

    /// <summary>Discovers the recorded tests of one test assembly; never throws.</summary>
    internal static IReadOnlyList<TestCase> Discover(string source, string? settingsXml, IMessageLogger? logger)
    {
        try
        {
            IReadOnlyDictionary<string, string?> metadata = AssemblyMetadataReader.Read(source);
            bool referencesPackage = metadata.ContainsKey("Keploy.SourceRoot");
            KeploySettings settings = new();
            settings.ApplyAssemblyMetadata(metadata);
            try
            {
                settings.ApplyRunSettings(settingsXml);
            }
            catch (FormatException e)
            {
                return new[] { KeployTestCaseFactory.CreateDiscoveryError(source, "keploy: " + e.Message) };
            }

            string root = KeployRoot(source, settings);
            IReadOnlyList<RecordedTest> recorded = RecordedTestScanner.Scan(root, settings.SourceRoot);
            if (recorded.Count == 0)
            {
                if (!referencesPackage && !Directory.Exists(Path.Combine(root, "keploy")))
                {
                    // An assembly that does not use Keploy (another test project in the same run): nothing to say.
                    return Array.Empty<TestCase>();
                }

                string where = Path.Combine(settings.SourceRoot ?? root, "keploy");
                return new[]
                {
                    KeployTestCaseFactory.CreateDiscoveryError(
                        source,
                        $"keploy: no recorded tests: {where}/<test-set>/tests/*.yaml is empty or missing (searched {Path.Combine(root, "keploy")}). " +
                        "Record some with 'dotnet msbuild -t:KeployRecord' or 'dotnet keploy record -c \"<app command>\"'."),
                };
            }

            return recorded.Select(r => KeployTestCaseFactory.Create(r, source)).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger?.SendMessage(TestMessageLevel.Warning, $"keploy: {source}: {e.Message}");
            return new[] { KeployTestCaseFactory.CreateDiscoveryError(source, $"keploy: {source}: {e.Message}") };
        }
    }

    private static string KeployRoot(string source, KeploySettings settings)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(source))!;
        return string.IsNullOrEmpty(settings.KeployPath) ? dir : Path.GetFullPath(Path.Combine(dir, settings.KeployPath));
    }

    private void RunSource(string source, List<TestCase> tests, string? settingsXml, string runDirectory, IFrameworkHandle handle, CancellationToken ct)
    {
        KeploySettings settings = new();
        string? settingsError = null;
        settings.ApplyAssemblyMetadata(AssemblyMetadataReader.Read(source));
        try
        {
            settings.ApplyRunSettings(settingsXml);
        }
        catch (FormatException e)
        {
            settingsError = "keploy: " + e.Message;
        }

        string root = KeployRoot(source, settings);
        IReadOnlyList<RecordedTest> recorded = RecordedTestScanner.Scan(root, settings.SourceRoot);
        Dictionary<string, RecordedTest> byRelativePath = recorded.ToDictionary(r => r.RelativePath, StringComparer.Ordinal);

        List<(TestCase TestCase, RecordedTest Recorded)> runnable = new();
        foreach (TestCase testCase in tests)
        {
            string? error = settingsError ?? testCase.GetPropertyValue<string?>(KeployTestProperties.Error, null);
            string? relative = testCase.GetPropertyValue<string?>(KeployTestProperties.TestFile, null);
            RecordedTest? match = null;
            if (error is null && (relative is null || !byRelativePath.TryGetValue(relative, out match)))
            {
                error = $"keploy: {relative ?? testCase.FullyQualifiedName} is no longer in {Path.Combine(root, "keploy")}; rebuild the test project";
            }

            if (error is not null || match is null)
            {
                Report(handle, testCase, TestOutcome.Failed, error, DateTimeOffset.Now, DateTimeOffset.Now, null, ct);
                continue;
            }

            runnable.Add((testCase, match));
        }

        foreach (IGrouping<string, (TestCase TestCase, RecordedTest Recorded)> set in runnable.GroupBy(r => r.Recorded.TestSetId, StringComparer.Ordinal))
        {
            if (ct.IsCancellationRequested)
            {
                return;
            }

            RunTestSet(root, set.Key, set.ToList(), settings, runDirectory, handle, ct);
        }
    }

    private void RunTestSet(
        string root,
        string testSetId,
        List<(TestCase TestCase, RecordedTest Recorded)> tests,
        KeploySettings settings,
        string runDirectory,
        IFrameworkHandle handle,
        CancellationToken ct)
    {
        Dictionary<string, TestCase> byFile = tests.ToDictionary(t => t.Recorded.FileName, t => t.TestCase, StringComparer.Ordinal);
        HashSet<string> pending = new(byFile.Keys, StringComparer.Ordinal);
        foreach ((TestCase testCase, _) in tests)
        {
            handle.RecordStart(testCase);
        }

        void Completed(ReplayedTest replayed)
        {
            if (!byFile.TryGetValue(replayed.FileName, out TestCase? testCase) || !pending.Remove(replayed.FileName))
            {
                return;
            }

            string? attachment = null;
            if (!replayed.Passed && replayed.ReceivedYaml is not null)
            {
                attachment = WriteReceived(runDirectory, testSetId, replayed.FileName, replayed.ReceivedYaml, handle);
            }

            Report(handle, testCase, replayed.Passed ? TestOutcome.Passed : TestOutcome.Failed, replayed.Diff, replayed.Started, replayed.Completed,
                attachment, ct, replayed.Messages);
        }

        TestSetReplay outcome;
        DateTimeOffset started = DateTimeOffset.Now;
        try
        {
            outcome = _replayer.ReplayAsync(root, testSetId, tests.Select(t => t.Recorded).ToList(), settings, Completed, ct).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (Exception e)
        {
            // One line naming the set; the stack goes to the test's stack trace, not the message.
            outcome = new TestSetReplay($"keploy: {testSetId}: {e.GetType().Name}: {e.Message}");
        }

        if (ct.IsCancellationRequested)
        {
            return;
        }

        foreach (string file in pending.ToList())
        {
            Report(handle, byFile[file], TestOutcome.Failed, outcome.Error ?? $"keploy: {testSetId}/{file}: the replay engine reported no result",
                started, DateTimeOffset.Now, null, ct);
        }
    }

    private static string? WriteReceived(string runDirectory, string testSetId, string fileName, string yaml, IMessageLogger logger)
    {
        try
        {
            string dir = Path.Combine(runDirectory, "keploy", testSetId);
            Keploy.Core.Storage.KeployYaml.CreateDirectory(dir); // 0700, as every folder the tool writes
            string path = Path.Combine(dir, fileName + ".received.yaml");
            Keploy.Core.Storage.KeployYaml.WriteAllTextAtomic(path, yaml); // 0600, whole or absent
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.SendMessage(TestMessageLevel.Warning, $"keploy: cannot write the received response of {testSetId}/{fileName}: {e.Message}");
            return null;
        }
    }

    private static void Report(
        IFrameworkHandle handle,
        TestCase testCase,
        TestOutcome outcome,
        string? message,
        DateTimeOffset started,
        DateTimeOffset completed,
        string? attachmentPath,
        CancellationToken ct,
        IReadOnlyList<string>? messages = null)
    {
        if (ct.IsCancellationRequested)
        {
            // RecordResult throws TestCanceledException after Cancel (ITestExecutionRecorder).
            return;
        }

        TestResult result = new(testCase)
        {
            Outcome = outcome,
            ErrorMessage = outcome == TestOutcome.Passed ? null : message,
            StartTime = started,
            EndTime = completed,
            Duration = completed > started ? completed - started : TimeSpan.Zero,
            ComputerName = Environment.MachineName,
        };
        if (messages is not null)
        {
            foreach (string line in messages)
            {
                result.Messages.Add(new TestResultMessage(TestResultMessage.AdditionalInfoCategory, line + Environment.NewLine));
            }
        }

        if (attachmentPath is not null)
        {
            AttachmentSet attachments = new(s_executorUri, "Attachments");
            attachments.Attachments.Add(new UriDataAttachment(new Uri(attachmentPath), "actual response"));
            result.Attachments.Add(attachments);
        }

        handle.RecordResult(result);
        handle.RecordEnd(testCase, outcome);
    }
}
