using Keploy.Core.Storage;

namespace Keploy.Core.Import.Curl;

/// <summary>
/// The steps of <c>import curl</c>: every curl command of the given files, in order. A text file holds commands one per line
/// (backslash-newline continuations, <c>#</c> comments); a Keploy test case file (<c>.yaml</c>/<c>.yml</c>) contributes its
/// top-level <c>curl:</c> block, so recorded test-sets (Keploy's or ours) can be re-imported against another build.
/// </summary>
public static class CurlImportSource
{
    /// <summary>Reads the commands of <paramref name="files"/> (<c>-</c> reads standard input).</summary>
    /// <exception cref="ImportException">A file cannot be read, or a command cannot be split (the message names file:line).</exception>
    public static List<ImportStep> Steps(IEnumerable<string> files, TextReader? stdin = null)
    {
        List<ImportStep> steps = new();
        foreach (string file in files)
        {
            if (file.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            {
                foreach (Models.TestCase testCase in KeployYaml.ReadTestCases(file))
                {
                    if (string.IsNullOrWhiteSpace(testCase.Curl))
                    {
                        throw new ImportException($"{file}: test case {testCase.Name} has no curl block");
                    }

                    steps.Add(new CurlStep(testCase.Curl!, $"curl {testCase.Name}", $"{file}: {testCase.Name}"));
                }

                continue;
            }

            string text;
            try
            {
                text = file == "-" ? (stdin ?? Console.In).ReadToEnd() : File.ReadAllText(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ImportException($"{file}: cannot read: {ex.Message}", ex);
            }

            foreach ((string command, int line) in CurlCommand.SplitCommands(text))
            {
                steps.Add(new CurlStep(command, $"curl #{steps.Count + 1}", $"{(file == "-" ? "stdin" : file)}:{line}"));
            }
        }

        return steps;
    }

    private sealed class CurlStep : ImportStep
    {
        private readonly string _command;

        public CurlStep(string command, string name, string where)
        {
            _command = command;
            Name = name;
            Where = where;
        }

        public override string Name { get; }

        public override string Where { get; }

        public override ImportedRequest Build() => CurlCommand.Parse(_command, Name, Where);
    }
}
