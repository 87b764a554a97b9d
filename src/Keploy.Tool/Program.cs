using System.CommandLine;
using System.CommandLine.Parsing;
using Keploy.Core.Diagnostics;
using Keploy.Core.Models;

namespace Keploy.Tool;

/// <summary>Entry point of <c>dotnet keploy</c> (the <c>dotnet-keploy</c> global tool).</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        RootCommand root = BuildRootCommand();
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            Console.Error.WriteLine(ParseErrorLine(parse));
            return (int)ExitCode.Failure;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null }).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            bool debug = parse.GetValue(CommandLineOptions.Debug);
            Console.Error.WriteLine($"dotnet keploy: error: {LogText.Escape(OneLine(ex))}");
            if (debug)
            {
                Console.Error.WriteLine(ex.ToString());
            }

            return (int)ExitCode.Failure;
        }
    }

    /// <summary>Builds the command tree; internal so tests can parse without running.</summary>
    internal static RootCommand BuildRootCommand()
    {
        RootCommand root = new("keploy for .NET: record real traffic as Keploy test cases and mocks with eBPF, and replay them.");
        root.Options.Add(CommandLineOptions.Debug);
        root.Options.Add(CommandLineOptions.DisableAnsi);

        Command record = new("record", "Run the app under capture: incoming HTTP calls become test cases, outgoing calls become mocks, under keploy/test-set-N.");
        AddShared(record);
        record.Options.Add(CommandLineOptions.RecordTimer);
        record.Options.Add(CommandLineOptions.NoSanitize);
        record.Options.Add(CommandLineOptions.IngressProxy);
        record.SetAction((parse, ct) => RecordCommand.RunAsync(parse, ct));
        root.Subcommands.Add(record);

        Command test = new("test", "Start the app with its outgoing calls served from mocks, replay every recorded test case and report pass or fail.");
        AddShared(test);
        foreach (Option option in new Option[]
                 {
                     CommandLineOptions.Delay, CommandLineOptions.HealthUrl, CommandLineOptions.HealthPollTimeout, CommandLineOptions.ApiTimeout,
                     CommandLineOptions.TestSets, CommandLineOptions.Host, CommandLineOptions.Port, CommandLineOptions.IgnoreOrdering,
                     CommandLineOptions.CompareAll, CommandLineOptions.DisableAutoHeaderNoise, CommandLineOptions.StrictMocks, CommandLineOptions.FreezeTime, CommandLineOptions.ReportFormat,
                     CommandLineOptions.SkipCoverage, CommandLineOptions.CoverageInclude, CommandLineOptions.CoverageExclude, CommandLineOptions.OpenApi,
                 })
        {
            test.Options.Add(option);
        }

        test.SetAction((parse, ct) => TestCommand.RunAsync(parse, ct));
        root.Subcommands.Add(test);

        Command sanitize = new("sanitize", "Replace the secrets of recorded test-sets by {{string .secret.<key> }} placeholders, their values going to each set's secret.yaml.");
        sanitize.Options.Add(CommandLineOptions.Path);
        sanitize.Options.Add(CommandLineOptions.TestSets);
        sanitize.SetAction(parse => SanitizeCommand.Run(parse));
        root.Subcommands.Add(sanitize);

        root.Subcommands.Add(ReportCommand.BuildReport());
        root.Subcommands.Add(ReportCommand.BuildDiff());
        root.Subcommands.Add(ImportCommand.BuildImport());
        root.Subcommands.Add(ImportCommand.BuildExport());

        Command config = new("config", "Work with keploy.yml.");
        config.Options.Add(CommandLineOptions.Generate);
        config.Options.Add(CommandLineOptions.Path);
        config.SetAction(parse => ConfigCommand.Run(parse));
        root.Subcommands.Add(config);
        root.Subcommands.Add(CertCommand.Build());
        return root;
    }

    /// <summary>
    /// The first parse error as one line followed by where help is (System.CommandLine would print every error and then the whole
    /// help): <c>dotnet keploy: error: Unrecognized command or argument '--no-such-flag'; see 'dotnet keploy test --help'</c>.
    /// </summary>
    internal static string ParseErrorLine(ParseResult parse)
    {
        // An unknown word is more telling than "Required command was not provided" (which comes first for `dotnet keploy recrod`).
        ParseError error = parse.Errors.FirstOrDefault(e => parse.UnmatchedTokens.Any(t => e.Message.Contains($"'{t}'", StringComparison.Ordinal)))
            ?? parse.Errors[0];
        string message = error.Message.ReplaceLineEndings(" ").TrimEnd('.', ' ');
        string command = parse.CommandResult.Command is RootCommand ? "dotnet keploy" : "dotnet keploy " + parse.CommandResult.Command.Name;
        return $"dotnet keploy: error: {LogText.Escape(message)}; see '{command} --help'";
    }

    /// <summary>The exception as one line: the message of a <see cref="KeployFormatException"/> already names file:line:column.</summary>
    internal static string OneLine(Exception ex)
    {
        string message = ex is AggregateException { InnerException: not null } agg ? agg.InnerException!.Message : ex.Message;
        return message.ReplaceLineEndings(" ");
    }

    private static void AddShared(Command command)
    {
        command.Options.Add(CommandLineOptions.Command);
        command.Options.Add(CommandLineOptions.Path);
        command.Options.Add(CommandLineOptions.ConfigPath);
        command.Options.Add(CommandLineOptions.ProxyPort);
        command.Options.Add(CommandLineOptions.DnsPort);
        command.Options.Add(CommandLineOptions.PassThroughPorts);
        command.Options.Add(CommandLineOptions.MySqlPorts);
    }
}
