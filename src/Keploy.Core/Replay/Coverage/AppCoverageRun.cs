using Microsoft.OpenApi;

namespace Keploy.Core.Replay.Coverage;

/// <summary>What <c>dotnet keploy test</c> is asked to measure.</summary>
public sealed class AppCoverageOptions
{
    /// <summary>The app command (<c>-c</c>).</summary>
    public required string Command { get; init; }

    /// <summary>Where the command runs.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary><c>--skip-coverage</c> (keploy.yml <c>test.skipCoverage</c>): no code coverage (API schema coverage still runs).</summary>
    public bool SkipCoverage { get; init; }

    /// <summary>Assemblies to instrument or leave out.</summary>
    public CoverageFilter Filter { get; init; } = new();

    /// <summary>
    /// <c>--openapi</c> (keploy.yml <c>test.openapi</c>): path of the app's OpenAPI document, or null to fetch it from the running
    /// app's <see cref="ApiSchemaCoverage.WellKnownPaths"/>.
    /// </summary>
    public string? OpenApiPath { get; init; }
}

/// <summary>
/// Coverage around one <c>dotnet keploy test</c> run: <see cref="StartAsync"/> before the replay (instruments a copy of the .NET
/// app, or says in one line why code coverage is skipped), <see cref="AppCommand"/> and <see cref="BeforeAppStop"/> for the
/// replay, <see cref="FinishAsync"/> after it (every app start has exited, so coverlet's hits are flushed) writes the run's
/// coverage files and returns the summary lines. Coverage never changes the replay's verdict: its failures are warnings.
/// </summary>
public sealed class AppCoverageRun : IAsyncDisposable
{
    private readonly AppCoverageOptions _options;
    private readonly Action<string> _warn;
    private CoverletSession? _session;
    private OpenApiDocument? _document;
    private string? _documentSource;

    private AppCoverageRun(AppCoverageOptions options, Action<string> warn)
    {
        _options = options;
        _warn = warn;
    }

    /// <summary>The command to start the app with: the instrumented copy when code coverage runs, else the original.</summary>
    public string AppCommand => _session?.AppCommand ?? _options.Command;

    /// <summary>True when the app's code is instrumented.</summary>
    public bool CollectsCode => _session is not null;

    /// <summary>
    /// Prepares coverage. Never throws for coverage problems: a command that is not a .NET app, or an instrumentation failure, is one
    /// warning line through <paramref name="warn"/> and the run goes on without code coverage. A malformed <c>--openapi</c> file throws
    /// <see cref="CoverageException"/> (the user asked for it).
    /// </summary>
    public static async Task<AppCoverageRun> StartAsync(AppCoverageOptions options, Action<string> warn, CancellationToken cancellationToken)
    {
        AppCoverageRun run = new(options, warn);
        if (options.OpenApiPath is not null)
        {
            string path = Path.GetFullPath(options.OpenApiPath, options.WorkingDirectory);
            run._document = await ApiSchemaCoverage.LoadFileAsync(path, cancellationToken).ConfigureAwait(false);
            run._documentSource = path;
        }

        if (options.SkipCoverage)
        {
            return run;
        }

        DotnetAppCommand? app = DotnetAppCommand.Find(options.Command, options.WorkingDirectory, out string reason);
        if (app is null)
        {
            warn("coverage skipped: " + reason);
            return run;
        }

        try
        {
            run._session = await CoverletSession.StartAsync(app, options.Filter, cancellationToken).ConfigureAwait(false);
        }
        catch (CoverageException e)
        {
            warn("coverage skipped: " + e.Message);
        }

        return run;
    }

    /// <summary>
    /// For <see cref="ReplayOptions.BeforeAppStop"/>: fetches the app's OpenAPI document once, when no file was given and the app is
    /// a .NET app under coverage (ASP.NET serves the document itself). Any other app is not asked: a request the recording does not
    /// hold could make it call its dependencies, whose missing mocks would be reported against the run; give it <c>--openapi</c>.
    /// </summary>
    public async Task BeforeAppStop(Uri appBase, CancellationToken cancellationToken)
    {
        if (_document is not null || _session is null)
        {
            return;
        }

        if (await ApiSchemaCoverage.FetchAsync(appBase, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false) is { } fetched)
        {
            _document = fetched.Document;
            _documentSource = fetched.Source;
        }
    }

    /// <summary>
    /// After the replay: collects the code coverage, matches the replayed requests against the OpenAPI document, writes the files
    /// (<see cref="CoverageReportFiles.Write"/>) into <paramref name="run"/>'s folder and returns the lines to print (empty when
    /// nothing was measured).
    /// </summary>
    public async Task<IReadOnlyList<string>> FinishAsync(TestRunResult run)
    {
        CoberturaReport? code = null;
        string? cobertura = null;
        if (_session is not null)
        {
            try
            {
                cobertura = await _session.CollectAsync(TimeSpan.FromMinutes(5)).ConfigureAwait(false);
                code = CoberturaReport.Load(cobertura);
            }
            catch (CoverageException e)
            {
                _warn("coverage: " + e.Message);
            }
        }

        ApiSchemaCoverageResult? api = null;
        if (_document is not null)
        {
            IEnumerable<(string, string)> requests = run.Sets
                .SelectMany(s => s.HttpRequests);
            api = ApiSchemaCoverage.Compute(_document, _documentSource ?? "", requests);
        }

        List<string> lines = new();
        if (code is null && api is null)
        {
            return lines;
        }

        try
        {
            IReadOnlyList<string> files = CoverageReportFiles.Write(run.ReportDirectory, code, cobertura, api);
            lines.Add(CoverageReportFiles.SummaryLine(code, api)!);
            lines.AddRange(CoverageReportFiles.DetailLines(code, api));
            lines.Add("\tcoverage files: " + string.Join(", ", files.Select(Path.GetFileName)) + " in " + run.ReportDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _warn($"coverage: could not write the coverage files into {run.ReportDirectory}: {e.Message}");
        }

        return lines;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_session is not null)
        {
            await _session.DisposeAsync().ConfigureAwait(false);
        }
    }
}
