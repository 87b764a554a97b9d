using System.CommandLine;
using Keploy.Core.Config;

namespace Keploy.Tool;

/// <summary><c>dotnet keploy config --generate [-p DIR]</c>: writes keploy.yml with Keploy's defaults (refuses to overwrite).</summary>
internal static class ConfigCommand
{
    public static int Run(ParseResult parse)
    {
        ToolConsole console = new(ansi: !parse.GetValue(CommandLineOptions.DisableAnsi) && ToolConsole.DefaultAnsi(), debug: parse.GetValue(CommandLineOptions.Debug));
        if (!parse.GetValue(CommandLineOptions.Generate))
        {
            console.Error("config: nothing to do; use --generate to write keploy.yml");
            return (int)ExitCode.Failure;
        }

        string dir = parse.GetValue(CommandLineOptions.Path) ?? ".";
        Keploy.Core.Storage.KeployYaml.CreateDirectory(dir);
        string file = Path.Combine(dir, "keploy.yml");
        if (File.Exists(file))
        {
            console.Error($"{file} already exists; remove it first to generate a new one");
            return (int)ExitCode.Failure;
        }

        Keploy.Core.Storage.KeployYaml.WriteAllTextAtomic(file, new KeployConfig().GenerateYaml()); // mode 0600
        console.Info($"config file generated: {Path.GetFullPath(file)}");
        return (int)ExitCode.Success;
    }
}
