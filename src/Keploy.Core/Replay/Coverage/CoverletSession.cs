using System.Diagnostics;
using System.Security;
using System.Text;

namespace Keploy.Core.Replay.Coverage;

/// <summary>Which assemblies of the app's build folder are instrumented.</summary>
public sealed class CoverageFilter
{
    /// <summary>
    /// Assembly names (<c>Orders</c>, <c>Orders.*</c>) or coverlet filters (<c>[Orders]Orders.Api.*</c>) to instrument; empty = every
    /// assembly of the folder whose PDB points at local source files (the app and its project references, not NuGet packages).
    /// </summary>
    public List<string> Include { get; init; } = new();

    /// <summary>Assembly names or coverlet filters never instrumented (applied after <see cref="Include"/>).</summary>
    public List<string> Exclude { get; init; } = new();

    /// <summary>The filters in coverlet's <c>[assembly]type</c> syntax, comma-separated; a bare name <c>X</c> becomes <c>[X]*</c>.</summary>
    internal static string ToCoverlet(IEnumerable<string> names) =>
        string.Join(",", names.Where(n => n.Trim().Length > 0).Select(n => n.Trim().StartsWith('[') ? n.Trim() : "[" + n.Trim() + "]*"));
}

/// <summary>
/// Coverage of a .NET app run in another process, with coverlet (coverlet-coverage/coverlet, the <c>coverlet.msbuild</c> package's
/// tasks): the app's build folder is copied to a temporary folder (the user's build is never modified), coverlet's
/// <c>InstrumentationTask</c> rewrites the copy's assemblies in place (line, branch and method hit counters flushed to a hits file
/// by the instrumented code on <c>AppDomain.ProcessExit</c>, i.e. when the app is stopped with SIGTERM), and
/// <see cref="CollectAsync"/> runs coverlet's <c>CoverageResultTask</c> to write Cobertura XML. Generated code is left out: source
/// files under <c>obj/</c>, <c>*.g.cs</c>, <c>*.generated.cs</c> and types marked <c>[GeneratedCode]</c> (source generators' output). Both tasks must run in one MSBuild
/// process (the second reads state the first keeps in memory), so one <c>dotnet msbuild</c> runs for the whole replay, waiting
/// between the two tasks for a file this class writes; it exits by itself if this process dies. The app may be started any number
/// of times from <see cref="AppCommand"/> (one start per test-set): hits add up.
/// </summary>
public sealed class CoverletSession : IAsyncDisposable
{
    /// <summary>Folder of coverlet's MSBuild tasks beside this assembly (copied from the coverlet.msbuild package at build).</summary>
    public static string TasksDirectory => Path.Combine(AppContext.BaseDirectory, "coverlet");

    private static readonly TimeSpan s_instrumentTimeout = TimeSpan.FromMinutes(5);
    private readonly string _work;
    private readonly Process _msbuild;
    private readonly StringBuilder _log;
    private bool _collected;

    private CoverletSession(string work, Process msbuild, StringBuilder log, string appCommand, DotnetAppCommand app)
    {
        _work = work;
        _msbuild = msbuild;
        _log = log;
        AppCommand = appCommand;
        App = app;
    }

    /// <summary>The app command with the app's path pointing at the instrumented copy.</summary>
    public string AppCommand { get; }

    /// <summary>The app as found in the original command.</summary>
    public DotnetAppCommand App { get; }

    /// <summary>
    /// Copies the app's build folder and instruments the copy. Throws <see cref="CoverageException"/> (one line, with the tail of
    /// MSBuild's output) when coverlet's tasks are missing, <c>dotnet msbuild</c> cannot run, or instrumentation fails.
    /// </summary>
    public static async Task<CoverletSession> StartAsync(DotnetAppCommand app, CoverageFilter filter, CancellationToken cancellationToken)
    {
        string tasks = Path.Combine(TasksDirectory, "coverlet.msbuild.tasks.dll");
        if (!File.Exists(tasks))
        {
            throw new CoverageException($"coverlet's MSBuild tasks are missing ({tasks}); reinstall the tool");
        }

        string work = System.IO.Directory.CreateTempSubdirectory("keploy-coverage-").FullName;
        try
        {
            string copy = Path.Combine(work, "app");
            CopyDirectory(app.Directory, copy);
            string entry = Path.Combine(copy, Path.GetFileName(app.EntryDll));
            string project = Path.Combine(work, "coverage.proj");
            File.WriteAllText(project, Project(tasks));

            ProcessStartInfo start = new(DotnetHost())
            {
                WorkingDirectory = work,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            foreach (string arg in new[]
            {
                "msbuild", project, "-t:KeployCoverage", "-nologo", "-nodeReuse:false", "-m:1", "-v:n",
                "-p:ModulePath=" + Escape(entry),
                "-p:IncludeFilter=" + Escape(CoverageFilter.ToCoverlet(filter.Include)),
                "-p:ExcludeFilter=" + Escape(CoverageFilter.ToCoverlet(filter.Exclude)),
                "-p:ReadyFile=" + Escape(Path.Combine(work, "ready")),
                "-p:GoFile=" + Escape(Path.Combine(work, "go")),
                "-p:ReportDir=" + Escape(Path.Combine(work, "out") + "/"),
                "-p:OwnerPid=" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            })
            {
                start.ArgumentList.Add(arg);
            }

            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            start.Environment["DOTNET_NOLOGO"] = "1";
            start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
            StringBuilder log = new();
            Process msbuild = new() { StartInfo = start };
            DataReceivedEventHandler onLine = (_, e) =>
            {
                if (e.Data is not null)
                {
                    lock (log)
                    {
                        if (log.Length < 256 * 1024)
                        {
                            log.AppendLine(e.Data);
                        }
                    }
                }
            };
            msbuild.OutputDataReceived += onLine;
            msbuild.ErrorDataReceived += onLine;
            try
            {
                msbuild.Start();
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                msbuild.Dispose();
                throw new CoverageException($"coverage needs the .NET SDK (`dotnet msbuild` runs coverlet): {e.Message}", e);
            }

            msbuild.BeginOutputReadLine();
            msbuild.BeginErrorReadLine();
            CoverletSession session = new(work, msbuild, log, app.WithEntryDirectory(copy), app);
            Stopwatch waited = Stopwatch.StartNew();
            while (!File.Exists(Path.Combine(work, "ready")))
            {
                if (msbuild.HasExited || waited.Elapsed > s_instrumentTimeout || cancellationToken.IsCancellationRequested)
                {
                    string why = msbuild.HasExited ? $"exited {msbuild.ExitCode}" : cancellationToken.IsCancellationRequested ? "cancelled" : $"not done within {s_instrumentTimeout.TotalMinutes:0} min";
                    string tail = session.LogTail();
                    await session.DisposeAsync().ConfigureAwait(false);
                    throw new CoverageException($"instrumenting {app.EntryDll} with coverlet failed ({why}){tail}");
                }

                await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
            }

            return session;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(work);
            throw new CoverageException($"could not copy {app.Directory} for coverage: {e.Message}", e);
        }
    }

    /// <summary>
    /// After the app has exited (every start of it): lets coverlet read the hits and write Cobertura XML; returns the path of
    /// <c>coverage.cobertura.xml</c> in the session's temporary folder (valid until <see cref="DisposeAsync"/>). Throws
    /// <see cref="CoverageException"/> when coverlet fails or writes no report (for example when the app never started).
    /// </summary>
    public async Task<string> CollectAsync(TimeSpan timeout)
    {
        _collected = true;
        File.WriteAllText(Path.Combine(_work, "go"), "report");
        using CancellationTokenSource cts = new(timeout);
        try
        {
            await _msbuild.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new CoverageException($"coverlet's report for {App.EntryDll} was not done within {timeout.TotalSeconds:0} s{LogTail()}");
        }

        string cobertura = Path.Combine(_work, "out", "coverage.cobertura.xml");
        if (_msbuild.ExitCode != 0 || !File.Exists(cobertura))
        {
            throw new CoverageException($"coverlet wrote no coverage report for {App.EntryDll} (exit {_msbuild.ExitCode}){LogTail()}");
        }

        return cobertura;
    }

    /// <summary>Stops MSBuild if it still waits (no report), deletes the instrumented copy and coverlet's state.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_collected && !_msbuild.HasExited)
        {
            File.WriteAllText(Path.Combine(_work, "go"), "abort");
        }

        try
        {
            using CancellationTokenSource cts = new(TimeSpan.FromSeconds(10));
            await _msbuild.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
        {
            try
            {
                _msbuild.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
        }

        string state = Path.Combine(_work, "ready");
        if (File.Exists(state))
        {
            string stateFile = File.ReadAllText(state).Trim();
            if (stateFile.Length > 0 && Path.IsPathRooted(stateFile) && stateFile.StartsWith(Path.GetTempPath(), StringComparison.Ordinal))
            {
                File.Delete(stateFile);
            }
        }

        _msbuild.Dispose();
        TryDelete(_work);
    }

    private string LogTail()
    {
        string text;
        lock (_log)
        {
            text = _log.ToString();
        }

        string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string[] errors = lines.Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Take(3).ToArray();
        string[] shown = errors.Length > 0 ? errors : lines.TakeLast(3).ToArray();
        return shown.Length == 0 ? "" : ": " + string.Join(" | ", shown);
    }

    /// <summary>
    /// The MSBuild project: instrument (coverlet keeps the state in memory), write the ready file (holding coverlet's state file
    /// path), wait for the go file (or for the owner to die), then report unless told to abort.
    /// </summary>
    private static string Project(string tasks)
    {
        string t = SecurityElement.Escape(tasks);
        return $$"""
            <Project>
              <UsingTask TaskName="Coverlet.MSbuild.Tasks.InstrumentationTask" AssemblyFile="{{t}}" />
              <UsingTask TaskName="Coverlet.MSbuild.Tasks.CoverageResultTask" AssemblyFile="{{t}}" />
              <Target Name="KeployCoverage">
                <Coverlet.MSbuild.Tasks.InstrumentationTask Path="$(ModulePath)" Include="$(IncludeFilter)" Exclude="$(ExcludeFilter)"
                    ExcludeByFile="**/obj/**/*.cs,**/*.g.cs,**/*.generated.cs" ExcludeByAttribute="GeneratedCodeAttribute"
                    IncludeTestAssembly="true" DisableManagedInstrumentationRestore="true" ExcludeAssembliesWithoutSources="MissingAll">
                  <Output TaskParameter="InstrumenterState" PropertyName="InstrumenterState" />
                </Coverlet.MSbuild.Tasks.InstrumentationTask>
                <WriteLinesToFile File="$(ReadyFile)" Lines="$(InstrumenterState)" Overwrite="true" />
                <Exec Command="while [ ! -e '$(GoFile)' ]; do kill -0 $(OwnerPid) 2&gt;/dev/null || exit 3; sleep 0.2; done" />
                <ReadLinesFromFile File="$(GoFile)">
                  <Output TaskParameter="Lines" PropertyName="KeployGo" />
                </ReadLinesFromFile>
                <Coverlet.MSbuild.Tasks.CoverageResultTask Condition="'$(KeployGo)' == 'report'" Output="$(ReportDir)" OutputFormat="cobertura"
                    InstrumenterState="$(InstrumenterState)" Threshold="0" ThresholdType="line" ThresholdStat="total" />
              </Target>
            </Project>
            """;
    }

    /// <summary>MSBuild escapes for a <c>-p:</c> value (semicolons and commas would split it; <c>%</c>, <c>$</c>, <c>@</c> are special).</summary>
    private static string Escape(string value) => value
        .Replace("%", "%25", StringComparison.Ordinal)
        .Replace(";", "%3B", StringComparison.Ordinal)
        .Replace(",", "%2C", StringComparison.Ordinal)
        .Replace("$", "%24", StringComparison.Ordinal)
        .Replace("@", "%40", StringComparison.Ordinal);

    /// <summary>The dotnet host running this tool when it is one, else <c>dotnet</c> from PATH.</summary>
    private static string DotnetHost()
    {
        string? self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }

    private static void CopyDirectory(string from, string to)
    {
        System.IO.Directory.CreateDirectory(to);
        foreach (string dir in System.IO.Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            System.IO.Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }

        foreach (string file in System.IO.Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)), overwrite: true);
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
