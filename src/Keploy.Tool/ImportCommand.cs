using System.CommandLine;
using Keploy.Core.Capture;
using Keploy.Core.Import;
using Keploy.Core.Import.Curl;
using Keploy.Core.Import.Postman;
using Keploy.Core.Storage;

namespace Keploy.Tool;

/// <summary>
/// <c>dotnet keploy import postman|curl</c> and <c>dotnet keploy export postman</c> (Keploy's <c>cli/import.go</c>,
/// <c>cli/export.go</c>): test cases from a Postman v2.1 collection or from curl commands, in a new test-set; a test-set as a
/// Postman collection. With <c>-c</c> the app runs under record while the requests are sent to it at <c>--base-path</c>, so its
/// outgoing calls become mocks as in <c>record</c>.
/// </summary>
internal static class ImportCommand
{
    private static readonly Argument<string?> Collection = new("collection") { Description = "The Postman collection (v2.1 or v2.0 JSON).", Arity = ArgumentArity.ZeroOrOne };

    private static readonly Argument<string[]> CurlFiles = new("files")
    {
        Description = "Files of curl commands (one per line, backslash continuations), Keploy test case files (their curl: block), or - for standard input.",
        Arity = ArgumentArity.OneOrMore,
    };

    private static readonly Option<string?> BasePath = new("--base-path", "--basePath") { Description = "URL the requests are sent to (replaces each request's scheme, host and port), e.g. http://127.0.0.1:8080." };

    private static readonly Option<string?> Environment = new("--environment", "-e") { Description = "A Postman environment file whose variables the collection uses." };

    private static readonly Option<string?> Output = new("--output", "-o") { Description = "export: the collection file to write (default: <test-set>.postman_collection.json beside keploy/)." };

    public static Command BuildImport()
    {
        Command import = new("import", "Make test cases from a Postman collection or curl commands.");
        Command postman = new("postman", "Test cases from a Postman collection: saved example responses where present, else the app's answers (--base-path, or -c to record the app with its mocks).");
        postman.Arguments.Add(Collection);
        postman.Options.Add(Environment);
        AddImportOptions(postman);
        postman.SetAction((parse, ct) => RunAsync(parse, isPostman: true, ct));
        import.Subcommands.Add(postman);

        Command curl = new("curl", "Test cases from curl commands, sent to the app (--base-path, or -c to record the app with its mocks).");
        curl.Arguments.Add(CurlFiles);
        AddImportOptions(curl);
        curl.SetAction((parse, ct) => RunAsync(parse, isPostman: false, ct));
        import.Subcommands.Add(curl);
        return import;
    }

    public static Command BuildExport()
    {
        Command export = new("export", "Write test-sets in other tools' formats.");
        Command postman = new("postman", "Write a test-set (the latest, or -t) as a Postman v2.1 collection with the recorded responses as saved examples.");
        postman.Options.Add(CommandLineOptions.Path);
        postman.Options.Add(CommandLineOptions.TestSets);
        postman.Options.Add(Output);
        postman.SetAction(parse => Export(parse));
        export.Subcommands.Add(postman);
        return export;
    }

    private static void AddImportOptions(Command command)
    {
        command.Options.Add(BasePath);
        command.Options.Add(CommandLineOptions.Command);
        command.Options.Add(CommandLineOptions.Path);
        command.Options.Add(CommandLineOptions.ConfigPath);
        command.Options.Add(CommandLineOptions.ProxyPort);
        command.Options.Add(CommandLineOptions.PassThroughPorts);
        command.Options.Add(CommandLineOptions.MySqlPorts);
        command.Options.Add(CommandLineOptions.ApiTimeout);
        command.Options.Add(CommandLineOptions.Delay);
        command.Options.Add(CommandLineOptions.NoSanitize);
    }

    private static async Task<int> RunAsync(ParseResult parse, bool isPostman, CancellationToken cancellationToken)
    {
        Settings settings = Settings.Resolve(parse, isTest: false);
        ToolConsole console = settings.Console;

        // Keploy's spelling `import postman -p collection.json`: -p names the collection there; here -p is the folder of keploy/.
        string keployFolder = settings.Path;
        string? collection = isPostman ? parse.GetValue(Collection) : null;
        if (isPostman && collection is null && File.Exists(keployFolder))
        {
            collection = keployFolder;
            keployFolder = ".";
        }

        if (isPostman && collection is null)
        {
            console.Error("import postman needs the collection: dotnet keploy import postman <collection.json> [--base-path URL | -c CMD --base-path URL]");
            return (int)ExitCode.Failure;
        }

        string? command = parse.GetValue(CommandLineOptions.Command);
        if (command is not null && CapturePrerequisites.FindProblem() is { } problem)
        {
            console.Error(problem);
            return (int)ExitCode.Failure;
        }

        ImportOptions options = new()
        {
            Path = keployFolder,
            BasePath = parse.GetValue(BasePath),
            AppCommand = command,
            // Each request waits for the app's real dependencies (the first HTTPS call, a cold database): 30 s unless given.
            ApiTimeout = CommandLineOptions.IsGiven(parse, CommandLineOptions.ApiTimeout) ? settings.ApiTimeout : TimeSpan.FromSeconds(30),
            AppStartTimeout = CommandLineOptions.IsGiven(parse, CommandLineOptions.Delay) ? settings.Delay : TimeSpan.FromSeconds(60),
            Sanitize = !parse.GetValue(CommandLineOptions.NoSanitize),
            ProxyPort = settings.ProxyPort,
            PassThroughPorts = settings.PassThroughPorts,
            MySqlPorts = settings.MySqlPorts,
            Debug = console.Debug ? console.DebugLine : null,
        };
        using ShutdownSignals stop = new(cancellationToken);
        ImportRunner runner = new(options, line => console.Info(line));
        ImportSummary summary;
        try
        {
            if (isPostman)
            {
                PostmanImportSource source = new(collection!, parse.GetValue(Environment), line => console.Warn(line));
                console.Info($"importing {source.Collection.Requests.Count} request(s) of '{source.Collection.Name}'");
                summary = await runner.RunAsync(source.Steps, stop.Token).ConfigureAwait(false);
            }
            else
            {
                List<ImportStep> steps = CurlImportSource.Steps(parse.GetValue(CurlFiles) ?? Array.Empty<string>());
                console.Info($"importing {steps.Count} curl command(s)");
                summary = await runner.RunAsync(_ => steps, stop.Token).ConfigureAwait(false);
            }
        }
        catch (ImportException ex)
        {
            console.Error(ex.Message);
            return (int)ExitCode.Failure;
        }
        catch (CaptureException ex)
        {
            console.Error(ex.Message);
            return (int)ExitCode.Failure;
        }

        string mocks = command is null ? "" : $" and {summary.Mocks} mock(s)";
        string saved = summary.FromSaved > 0 ? $" ({summary.FromSaved} from saved responses)" : "";
        string skipped = summary.Skipped > 0 ? $"; {summary.Skipped} request(s) skipped" : "";
        console.Info($"imported {summary.TestCases} test case(s){saved}{mocks} into keploy/{summary.TestSetId}{skipped}");
        return summary.Skipped > 0 ? (int)ExitCode.Failure : (int)ExitCode.Success;
    }

    private static int Export(ParseResult parse)
    {
        ToolConsole console = new(ansi: !parse.GetValue(CommandLineOptions.DisableAnsi) && ToolConsole.DefaultAnsi(), debug: parse.GetValue(CommandLineOptions.Debug));
        TestSetStore store = new(parse.GetValue(CommandLineOptions.Path) ?? ".");
        List<string> all = store.ListTestSets().ToList();
        List<string> selected = CommandLineOptions.SplitList(parse.GetValue(CommandLineOptions.TestSets));
        if (all.Count == 0)
        {
            console.Error($"no test-sets under {store.KeployDirectory}");
            return (int)ExitCode.Failure;
        }

        if (selected.FirstOrDefault(s => !all.Contains(s, StringComparer.Ordinal)) is { } missing)
        {
            console.Error($"no test-set named {missing} under {store.KeployDirectory}");
            return (int)ExitCode.Failure;
        }

        string? output = parse.GetValue(Output);
        List<string> sets = selected.Count > 0 ? selected : new List<string> { all[^1] };
        if (output is not null && sets.Count > 1)
        {
            console.Error("--output names one file; export one test-set at a time with -t");
            return (int)ExitCode.Failure;
        }

        foreach (string set in sets)
        {
            (string json, int exported, int leftOut) = PostmanExporter.Export(store, set);
            string path = output ?? Path.Combine(store.RootPath, $"{set}.postman_collection.json");
            KeployYaml.WriteAllTextAtomic(path, json);
            console.Info($"exported {exported} test case(s) of {set} to {path}{(leftOut > 0 ? $" ({leftOut} non-HTTP test case(s) left out)" : "")}");
        }

        return (int)ExitCode.Success;
    }
}
