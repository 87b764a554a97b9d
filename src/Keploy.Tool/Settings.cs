using System.CommandLine;
using System.Globalization;
using Keploy.Core.Config;
using Keploy.Core.Replay;

namespace Keploy.Tool;

/// <summary>
/// The settings of one command after Keploy's precedence (<c>PreProcessFlags</c>): flags, then <c>KEPLOY_*</c> environment
/// variables, then <c>&lt;config-path&gt;/keploy.yml</c>, then defaults. Environment names are the keploy.yml key in upper snake
/// case with <c>KEPLOY_</c> in front (<c>proxyPort</c> → <c>KEPLOY_PROXY_PORT</c>, <c>test.delay</c> → <c>KEPLOY_TEST_DELAY</c>).
/// Throws <see cref="Keploy.Core.Models.KeployFormatException"/> (file:line:column) for a malformed keploy.yml and
/// <see cref="FormatException"/> for a malformed flag or variable.
/// </summary>
internal sealed class Settings
{
    public required ToolConsole Console { get; init; }

    public string Path { get; init; } = ".";

    public string? Command { get; init; }

    public int ProxyPort { get; init; } = 16789;

    public List<int> PassThroughPorts { get; init; } = new();

    public TimeSpan? RecordTimer { get; init; }

    public TimeSpan Delay { get; init; } = TimeSpan.FromSeconds(5);

    public string? HealthUrl { get; init; }

    public TimeSpan HealthPollTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan ApiTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public List<string> TestSets { get; init; } = new();

    public string? Host { get; init; }

    public int Port { get; init; }

    public bool IgnoreOrdering { get; init; } = true;

    public bool CompareAll { get; init; }

    public bool DisableAutoHeaderNoise { get; init; }

    public GlobalNoiseConfig GlobalNoise { get; init; } = new();

    public static Settings Resolve(ParseResult parse, bool isTest)
    {
        string configDir = parse.GetValue(CommandLineOptions.ConfigPath) ?? Env("CONFIG_PATH") ?? ".";
        string configFile = System.IO.Path.Combine(configDir, "keploy.yml");
        KeployConfig config = File.Exists(configFile) ? KeployConfig.Load(configFile) : new KeployConfig();

        bool debug = parse.GetValue(CommandLineOptions.Debug) || Bool("DEBUG") == true || config.Debug;
        bool disableAnsi = parse.GetValue(CommandLineOptions.DisableAnsi) || Bool("DISABLE_ANSI") == true || config.DisableANSI;
        ToolConsole console = new(ansi: !disableAnsi && ToolConsole.DefaultAnsi(), debug: debug);

        string path = parse.GetValue(CommandLineOptions.Path) ?? Env("PATH_") ?? NonEmpty(config.Path) ?? ".";
        List<int> passThrough = CommandLineOptions.IsGiven(parse, CommandLineOptions.PassThroughPorts)
            ? CommandLineOptions.ParsePorts(CommandLineOptions.SplitList(parse.GetValue(CommandLineOptions.PassThroughPorts)), "--pass-through-ports")
            : Env("PASS_THROUGH_PORTS") is string envPorts
                ? CommandLineOptions.ParsePorts(CommandLineOptions.SplitList(new[] { envPorts }), "KEPLOY_PASS_THROUGH_PORTS")
                : config.BypassRules.Where(r => r.Port > 0 && string.IsNullOrEmpty(r.Host) && string.IsNullOrEmpty(r.Path)).Select(r => r.Port).ToList();

        string? recordTimerText = parse.GetValue(CommandLineOptions.RecordTimer) ?? Env("RECORD_RECORD_TIMER");
        TimeSpan? recordTimer = recordTimerText is not null
            ? CommandLineOptions.ParseDuration(recordTimerText, "--record-timer")
            : config.Record.RecordTimer;
        if (recordTimer is { Ticks: <= 0 })
        {
            recordTimer = null;
        }

        List<string> testSets = CommandLineOptions.IsGiven(parse, CommandLineOptions.TestSets)
            ? CommandLineOptions.SplitList(parse.GetValue(CommandLineOptions.TestSets))
            : Env("TEST_SETS") is string envSets ? CommandLineOptions.SplitList(new[] { envSets }) : config.Test.SelectedTests.Keys.ToList();

        return new Settings
        {
            Console = console,
            Path = path,
            Command = parse.GetValue(CommandLineOptions.Command) ?? Env("COMMAND") ?? NonEmpty(config.Command),
            ProxyPort = parse.GetValue(CommandLineOptions.ProxyPort) ?? Int("PROXY_PORT") ?? (config.ProxyPort > 0 ? config.ProxyPort : 16789),
            PassThroughPorts = passThrough,
            RecordTimer = recordTimer,
            Delay = TimeSpan.FromSeconds(parse.GetValue(CommandLineOptions.Delay) ?? Int("TEST_DELAY") ?? config.Test.Delay),
            HealthUrl = parse.GetValue(CommandLineOptions.HealthUrl) ?? Env("TEST_HEALTH_URL") ?? NonEmpty(config.Test.HealthUrl),
            HealthPollTimeout = parse.GetValue(CommandLineOptions.HealthPollTimeout) is string hpt
                ? CommandLineOptions.ParseDuration(hpt, "--health-poll-timeout")
                : config.Test.HealthPollTimeout,
            ApiTimeout = TimeSpan.FromSeconds(parse.GetValue(CommandLineOptions.ApiTimeout) ?? Int("TEST_API_TIMEOUT") ?? config.Test.ApiTimeout),
            TestSets = testSets,
            Host = parse.GetValue(CommandLineOptions.Host) ?? Env("TEST_HOST"),
            Port = parse.GetValue(CommandLineOptions.Port) ?? Int("TEST_PORT") ?? config.Test.Port,
            IgnoreOrdering = parse.GetValue(CommandLineOptions.IgnoreOrdering) ?? Bool("TEST_IGNORE_ORDERING") ?? config.Test.IgnoreOrdering,
            CompareAll = parse.GetValue(CommandLineOptions.CompareAll) ?? Bool("TEST_COMPARE_ALL") ?? config.Test.CompareAll,
            DisableAutoHeaderNoise = parse.GetValue(CommandLineOptions.DisableAutoHeaderNoise) ?? Bool("TEST_DISABLE_AUTO_HEADER_NOISE") ?? config.Test.DisableAutoHeaderNoise,
            GlobalNoise = config.Test.GlobalNoise,
        };
    }

    public ReplayOptions ToReplayOptions() => new()
    {
        Path = Path,
        AppCommand = Command,
        Delay = Delay,
        HealthUrl = HealthUrl,
        HealthPollTimeout = HealthPollTimeout,
        ApiTimeout = ApiTimeout,
        ProxyPort = ProxyPort,
        PassThroughPorts = PassThroughPorts,
        Host = Host,
        Port = Port,
        GlobalNoise = GlobalNoise,
        IgnoreOrdering = IgnoreOrdering,
        CompareAll = CompareAll,
        DisableAutoHeaderNoise = DisableAutoHeaderNoise,
    };

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    private static string? Env(string name) => NonEmpty(Environment.GetEnvironmentVariable("KEPLOY_" + name.TrimEnd('_')));

    private static int? Int(string name)
    {
        string? text = Env(name);
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new FormatException($"KEPLOY_{name}: '{text}' is not a whole number");
    }

    private static bool? Bool(string name)
    {
        string? text = Env(name);
        return text is null ? null : text is "1" or "true" or "True" or "TRUE";
    }
}
