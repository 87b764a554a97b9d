using System.CommandLine;
using Keploy.Core.Config;
using Keploy.Core.Replay;

namespace Keploy.Tool;

/// <summary>
/// The settings of one command after Keploy's precedence (<c>PreProcessFlags</c>): flags, then <c>KEPLOY_*</c> environment
/// variables (<see cref="KeployConfig.ApplyEnvironment()"/>: the keploy.yml key in upper snake case, <c>KEPLOY_PROXY_PORT</c>,
/// <c>KEPLOY_TEST_DELAY</c>), then <c>&lt;config-path&gt;/keploy.yml</c>, then defaults.
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

    /// <summary>MySQL ports besides 3306 and 4000 (<c>--mysql-ports</c>, keploy.yml <c>mysqlPorts</c>).</summary>
    public List<int> MySqlPorts { get; init; } = new();

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

    public bool StrictMocks { get; init; }

    public bool DisableAutoHeaderNoise { get; init; }

    public GlobalNoiseConfig GlobalNoise { get; init; } = new();

    public bool FreezeTime { get; init; }

    public static Settings Resolve(ParseResult parse, bool isTest)
    {
        string configDir = parse.GetValue(CommandLineOptions.ConfigPath) ?? ".";
        string configFile = System.IO.Path.Combine(configDir, "keploy.yml");
        KeployConfig config = File.Exists(configFile) ? KeployConfig.Load(configFile) : new KeployConfig();
        config.ApplyEnvironment();

        bool debug = parse.GetValue(CommandLineOptions.Debug) || config.Debug;
        bool disableAnsi = parse.GetValue(CommandLineOptions.DisableAnsi) || config.DisableAnsi;
        ToolConsole console = new(ansi: !disableAnsi && ToolConsole.DefaultAnsi(), debug: debug);

        List<int> passThrough = CommandLineOptions.IsGiven(parse, CommandLineOptions.PassThroughPorts)
            ? CommandLineOptions.ParsePorts(CommandLineOptions.SplitList(parse.GetValue(CommandLineOptions.PassThroughPorts)), "--pass-through-ports")
            : config.BypassRules.Where(r => r.Port > 0 && string.IsNullOrEmpty(r.Host) && string.IsNullOrEmpty(r.Path)).Select(r => r.Port).ToList();

        List<int> mysqlPorts = CommandLineOptions.IsGiven(parse, CommandLineOptions.MySqlPorts)
            ? CommandLineOptions.ParsePorts(CommandLineOptions.SplitList(parse.GetValue(CommandLineOptions.MySqlPorts)), "--mysql-ports")
            : config.MySqlPorts;

        string? recordTimerText = parse.GetValue(CommandLineOptions.RecordTimer);
        TimeSpan? recordTimer = recordTimerText is not null
            ? CommandLineOptions.ParseDuration(recordTimerText, "--record-timer")
            : config.Record.RecordTimer;
        if (recordTimer is { Ticks: < 0 })
        {
            throw new FormatException($"record timer must not be negative (--record-timer or keploy.yml record.recordTimer), got {recordTimerText ?? recordTimer.ToString()}");
        }

        if (recordTimer is { Ticks: 0 })
        {
            recordTimer = null; // Keploy: 0 means no timer
        }

        List<string> testSets = CommandLineOptions.IsGiven(parse, CommandLineOptions.TestSets)
            ? CommandLineOptions.SplitList(parse.GetValue(CommandLineOptions.TestSets))
            : config.Test.SelectedTests.Keys.ToList();

        Settings settings = new()
        {
            Console = console,
            Path = parse.GetValue(CommandLineOptions.Path) ?? NonEmpty(config.Path) ?? ".",
            Command = parse.GetValue(CommandLineOptions.Command) ?? NonEmpty(config.Command),
            ProxyPort = parse.GetValue(CommandLineOptions.ProxyPort) ?? config.ProxyPort,
            PassThroughPorts = passThrough,
            MySqlPorts = mysqlPorts,
            RecordTimer = recordTimer,
            Delay = TimeSpan.FromSeconds(parse.GetValue(CommandLineOptions.Delay) ?? config.Test.Delay),
            HealthUrl = parse.GetValue(CommandLineOptions.HealthUrl) ?? NonEmpty(config.Test.HealthUrl),
            HealthPollTimeout = parse.GetValue(CommandLineOptions.HealthPollTimeout) is string hpt
                ? CommandLineOptions.ParseDuration(hpt, "--health-poll-timeout")
                : config.Test.HealthPollTimeout,
            ApiTimeout = TimeSpan.FromSeconds(parse.GetValue(CommandLineOptions.ApiTimeout) ?? config.Test.ApiTimeout),
            TestSets = testSets,
            Host = parse.GetValue(CommandLineOptions.Host),
            Port = parse.GetValue(CommandLineOptions.Port) ?? config.Test.Port,
            IgnoreOrdering = parse.GetValue(CommandLineOptions.IgnoreOrdering) ?? config.Test.IgnoreOrdering,
            CompareAll = parse.GetValue(CommandLineOptions.CompareAll) ?? config.Test.CompareAll,
            StrictMocks = parse.GetValue(CommandLineOptions.StrictMocks) ?? config.Test.StrictMocks,
            DisableAutoHeaderNoise = parse.GetValue(CommandLineOptions.DisableAutoHeaderNoise) ?? config.Test.DisableAutoHeaderNoise,
            GlobalNoise = config.Test.GlobalNoise,
            FreezeTime = parse.GetValue(CommandLineOptions.FreezeTime) ?? config.Test.FreezeTime,
        };
        settings.Validate();
        return settings;
    }

    /// <summary>
    /// Checks every range once, whichever source (flag, <c>KEPLOY_*</c> variable, keploy.yml) a value came from, so a bad value fails
    /// before anything runs (no cgroup, no app, no report). Throws <see cref="FormatException"/> with one line naming the setting.
    /// </summary>
    public void Validate()
    {
        if (ProxyPort is < 1 or > 65535)
        {
            throw new FormatException($"proxy port must be 1-65535 (--proxy-port, KEPLOY_PROXY_PORT or keploy.yml proxyPort), got {ProxyPort}");
        }

        if (Port is < 0 or > 65535)
        {
            throw new FormatException($"port must be 1-65535, or 0 for the recorded one (--port or keploy.yml test.port), got {Port}");
        }

        if (PassThroughPorts.FirstOrDefault(p => p is < 1 or > 65535) is int badPort and not 0)
        {
            throw new FormatException($"pass-through port must be 1-65535 (--pass-through-ports or keploy.yml bypassRules), got {badPort}");
        }

        if (MySqlPorts.FirstOrDefault(p => p is < 1 or > 65535) is int badMySql and not 0)
        {
            throw new FormatException($"MySQL port must be 1-65535 (--mysql-ports or keploy.yml mysqlPorts), got {badMySql}");
        }

        if (Delay < TimeSpan.Zero)
        {
            throw new FormatException($"delay must be 0 or more seconds (--delay or keploy.yml test.delay), got {Delay.TotalSeconds:0}");
        }

        if (ApiTimeout <= TimeSpan.Zero)
        {
            throw new FormatException($"API timeout must be more than 0 seconds (--api-timeout or keploy.yml test.apiTimeout), got {ApiTimeout.TotalSeconds:0}");
        }

        if (HealthPollTimeout <= TimeSpan.Zero)
        {
            throw new FormatException($"health poll timeout must be more than 0 (--health-poll-timeout or keploy.yml test.healthPollTimeout), got {HealthPollTimeout}");
        }

        if (HealthUrl is not null && !(Uri.TryCreate(HealthUrl, UriKind.Absolute, out Uri? health) && health.Scheme is "http" or "https"))
        {
            throw new FormatException($"health URL must be an absolute http:// or https:// URL (--health-url or keploy.yml test.healthUrl), got '{HealthUrl}'");
        }
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
        MySqlPorts = MySqlPorts,
        Host = Host,
        Port = Port,
        GlobalNoise = GlobalNoise,
        IgnoreOrdering = IgnoreOrdering,
        CompareAll = CompareAll,
        StrictMocks = StrictMocks,
        DisableAutoHeaderNoise = DisableAutoHeaderNoise,
        FreezeTime = FreezeTime,
    };

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
