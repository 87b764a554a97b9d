using System.CommandLine;
using Keploy.Core.Sanitize;
using Keploy.Core.Storage;

namespace Keploy.Tool;

/// <summary>
/// <c>dotnet keploy sanitize [-p DIR] [-t test-set-0,...]</c>: replaces the secrets of existing test-sets (all when <c>-t</c> is not
/// given) by <c>{{string .secret.Key }}</c> placeholders and moves their values to each set's <c>secret.yaml</c> (Keploy's
/// <c>keploy sanitize</c>). Safe to run again.
/// </summary>
internal static class SanitizeCommand
{
    public static int Run(ParseResult parse)
    {
        ToolConsole console = new(ansi: !parse.GetValue(CommandLineOptions.DisableAnsi) && ToolConsole.DefaultAnsi(), debug: parse.GetValue(CommandLineOptions.Debug));
        TestSetStore store = new(parse.GetValue(CommandLineOptions.Path) ?? ".");
        List<string> all = store.ListTestSets().ToList();
        List<string> selected = CommandLineOptions.SplitList(parse.GetValue(CommandLineOptions.TestSets));
        List<string> missing = selected.Where(s => !all.Contains(s, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            console.Error($"no test-set named {string.Join(", ", missing)} under {store.KeployDirectory}");
            return (int)ExitCode.Failure;
        }

        List<string> sets = selected.Count > 0 ? selected : all;
        if (sets.Count == 0)
        {
            console.Error($"no test-sets under {store.KeployDirectory}");
            return (int)ExitCode.Failure;
        }

        foreach (string set in sets)
        {
            SanitizeSummary summary = TestSetSanitizer.Sanitize(store, set);
            console.Info($"{set}: {summary.TestCases} test case(s) and {summary.Mocks} mock(s) sanitized; {summary.Secrets} secret(s) in {summary.SecretPath}");
        }

        return (int)ExitCode.Success;
    }
}
