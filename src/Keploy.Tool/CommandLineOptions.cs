using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Keploy.Tool;

/// <summary>
/// The flags of <c>record</c>, <c>test</c> and <c>config</c> with Keploy's names, defaults and camelCase aliases
/// (<c>cli/provider/cmd.go</c> <c>AddFlags</c>, <c>aliasNormalizeFunc</c>; keploy-reference §1.1). All-lower-case spellings such
/// as <c>--proxyport</c> are rejected, as in Keploy.
/// </summary>
internal static class CommandLineOptions
{
    public static readonly Option<bool> Debug = new("--debug") { Description = "Print debug logs and stack traces.", Recursive = true };

    public static readonly Option<bool> DisableAnsi = new("--disable-ansi", "--disableANSI") { Description = "Plain output without colours.", Recursive = true };

    public static readonly Option<string?> Command = new("--command", "-c") { Description = "Command that starts the app, run through /bin/sh -c inside the capture cgroup." };

    public static readonly Option<string?> Path = new("--path", "-p") { Description = "Folder that holds keploy/ (default: current directory)." };

    public static readonly Option<string?> ConfigPath = new("--config-path", "--configPath") { Description = "Folder that holds keploy.yml (default: current directory)." };

    /// <summary><c>--dns-port</c> (Keploy <c>dnsPort</c>): the DNS server's UDP port.</summary>
    public static readonly Option<int?> DnsPort = new("--dns-port", "--dnsPort") { Description = "UDP port of the DNS server the app's DNS queries are redirected to (default 26789; a free port when taken).", CustomParser = r => ParseInt(r, "--dns-port") };

    public static readonly Option<int?> ProxyPort = new("--proxy-port", "--proxyPort") { Description = "Port of the outgoing proxy the app's connections are redirected to (default 16789).", CustomParser = r => ParseInt(r, "--proxy-port") };

    public static readonly Option<string[]> PassThroughPorts = new("--pass-through-ports", "--passThroughPorts")
    {
        Description = "Destination ports never redirected (comma-separated or repeated; at most 10).",
        AllowMultipleArgumentsPerToken = true,
    };

    public static readonly Option<string[]> MySqlPorts = new("--mysql-ports", "--mysqlPorts")
    {
        Description = "Destination ports that are MySQL/MariaDB besides 3306 and 4000 (comma-separated or repeated).",
        AllowMultipleArgumentsPerToken = true,
    };

    public static readonly Option<string?> RecordTimer = new("--record-timer", "--recordTimer") { Description = "Stop recording after this long (Go duration: 30s, 5m)." };

    public static readonly Option<int?> Delay = new("--delay", "-d") { Description = "Longest wait in seconds for the app to accept connections before replay (default 5).", CustomParser = r => ParseInt(r, "--delay") };

    public static readonly Option<string?> HealthUrl = new("--health-url", "--healthUrl") { Description = "URL polled until it answers 2xx before replay starts." };

    public static readonly Option<string?> HealthPollTimeout = new("--health-poll-timeout", "--healthPollTimeout") { Description = "How long to poll --health-url (Go duration, default 60s)." };

    public static readonly Option<int?> ApiTimeout = new("--api-timeout", "--apiTimeout") { Description = "Timeout in seconds of each replayed request (default 5).", CustomParser = r => ParseInt(r, "--api-timeout") };

    public static readonly Option<string[]> TestSets = new("--test-sets", "-t", "--testsets")
    {
        Description = "Test-sets to replay (comma-separated or repeated; default all).",
        AllowMultipleArgumentsPerToken = true,
    };

    public static readonly Option<string?> Host = new("--host") { Description = "Host to send replayed requests to instead of the recorded one." };

    public static readonly Option<int?> Port = new("--port") { Description = "Port to send replayed requests to instead of the recorded one.", CustomParser = r => ParseInt(r, "--port") };

    public static readonly Option<bool?> IgnoreOrdering = new("--ignore-ordering", "--ignoreOrdering") { Description = "Ignore array order in JSON bodies (default true)." };

    public static readonly Option<bool?> StrictMocks = new("--strict-mocks", "--strictMocks")
    {
        Description = "Serve only exact mock matches: a call that differs from its mock only in generated values (uuids, times, noise) fails its test.",
    };

    public static readonly Option<bool?> CompareAll = new("--compare-all", "--compareAll") { Description = "Compare non-JSON bodies too." };

    public static readonly Option<bool?> DisableAutoHeaderNoise = new("--disableAutoHeaderNoise", "--disable-auto-header-noise") { Description = "Compare volatile headers (date, traceparent, ...) too." };

    /// <summary><c>record --ingress-proxy</c>: record incoming calls through a forwarder on the app's port instead of syscall capture.</summary>
    public static readonly Option<bool> IngressProxy = new("--ingress-proxy") { Description = "Record incoming calls through a forwarder on the app's port (the app is moved to another port) instead of copying its own socket syscalls with eBPF (the default, nothing in front of the app)." };

    /// <summary><c>record --no-sanitize</c>: write secrets as recorded instead of placeholders plus secret.yaml.</summary>
    public static readonly Option<bool> NoSanitize = new("--no-sanitize", "--noSanitize") { Description = "Record secrets (auth headers, cookies, tokens, passwords) in plain text instead of {{string .secret.<key> }} placeholders with their values in secret.yaml." };

    public static readonly Option<bool?> FreezeTime = new("--freeze-time", "--freezeTime")
    {
        Description = "Run the app with its clock at each test's recorded time (libfaketime through LD_PRELOAD; apt-get install libfaketime).",
    };

    /// <summary><c>test --skip-coverage</c> (Keploy's flag; keploy.yml <c>test.skipCoverage</c>): no code coverage of the app.</summary>
    public static readonly Option<bool?> SkipCoverage = new("--skip-coverage", "--skipCoverage") { Description = "Do not collect code coverage of the app during the replay." };

    public static readonly Option<string[]> CoverageInclude = new("--coverage-include", "--coverageInclude")
    {
        Description = "Assemblies to measure (names, wildcards or coverlet filters such as [Orders]*; comma-separated or repeated; default: the app's own assemblies, those with local sources).",
        AllowMultipleArgumentsPerToken = true,
    };

    public static readonly Option<string[]> CoverageExclude = new("--coverage-exclude", "--coverageExclude")
    {
        Description = "Assemblies never measured (names, wildcards or coverlet filters; comma-separated or repeated).",
        AllowMultipleArgumentsPerToken = true,
    };

    public static readonly Option<string?> OpenApi = new("--openapi", "--openApi")
    {
        Description = "The app's OpenAPI document (JSON or YAML) for API schema coverage (default: fetched from the running app's /openapi/v1.json or /swagger/v1/swagger.json).",
    };

    public static readonly Option<bool> Generate = new("--generate") { Description = "Write a keploy.yml with Keploy's defaults." };

    /// <summary>
    /// Parser of the whole-number options: the value as an int, or a parse error naming the option and the text given
    /// (System.CommandLine's own message names the CLR type, <c>System.Nullable`1[System.Int32]</c>). Ranges are checked later, once,
    /// by <see cref="Settings.Validate"/>, for flags, environment variables and keploy.yml alike.
    /// </summary>
    private static int? ParseInt(ArgumentResult result, string optionName)
    {
        if (result.Tokens.Count == 0)
        {
            result.AddError($"{optionName} needs a whole number");
            return null;
        }

        string text = result.Tokens[^1].Value;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
        {
            return value;
        }

        result.AddError($"{optionName}: '{text}' is not a whole number");
        return null;
    }

    public static readonly Option<string?> ReportFormat = new("--report-format", "--reportFormat")
    {
        Description = "Also write the run as: junit (keploy/reports/test-run-N/junit.xml). The HTML report is always written.",
    };

    public static readonly Option<string?> ReportPath = new("--report-path", "-r", "--reportPath") { Description = "Report to print: a test-run folder, a test-set-M-report.yaml, or a run id (test-run-3); default the latest run." };

    public static readonly Option<bool> Summary = new("--summary") { Description = "Print only the summary table." };

    public static readonly Option<string[]> TestCases = new("--test-case", "--tc", "--testCase")
    {
        Description = "Only these test cases (comma-separated or repeated); printed with their details.",
        AllowMultipleArgumentsPerToken = true,
    };

    public static readonly Option<string?> Format = new("--format") { Description = "Output format: text (default), junit (XML on stdout) or html (writes report.html in the run folder)." };

    public static readonly Option<bool> Full = new("--full") { Description = "Print the whole request, expected and actual bodies of each shown test." };

    /// <summary>True when the user typed the option (not a default).</summary>
    public static bool IsGiven(ParseResult result, Option option) => result.GetResult(option) is { Implicit: false };

    /// <summary>Splits list options given as "a,b" and/or repeated.</summary>
    public static List<string> SplitList(IEnumerable<string>? values) =>
        (values ?? Array.Empty<string>())
            .SelectMany(v => v.Split(new[] { ',', ' ' }, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToList();

    /// <summary>Parses a list of ports; throws <see cref="FormatException"/> naming the bad one.</summary>
    public static List<int> ParsePorts(IEnumerable<string> values, string optionName)
    {
        List<int> ports = new();
        foreach (string value in values)
        {
            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            {
                throw new FormatException($"{optionName}: '{value}' is not a port number (1-65535)");
            }

            ports.Add(port);
        }

        if (ports.Count > 10)
        {
            throw new FormatException($"{optionName}: at most 10 ports can be passed through (the kernel map holds 10), got {ports.Count}");
        }

        return ports;
    }

    /// <summary>Parses a Go duration (<c>300ms</c>, <c>30s</c>, <c>1m30s</c>, <c>2h</c>) or plain seconds.</summary>
    public static TimeSpan ParseDuration(string text, string what)
    {
        string s = text.Trim();
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        TimeSpan total = TimeSpan.Zero;
        int i = 0;
        while (i < s.Length)
        {
            int start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            int unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i]))
            {
                i++;
            }

            if (start == unitStart || unitStart == i ||
                !double.TryParse(s.AsSpan(start, unitStart - start), NumberStyles.Float, CultureInfo.InvariantCulture, out double n))
            {
                throw new FormatException($"{what}: '{text}' is not a duration (examples: 500ms, 30s, 1m30s)");
            }

            total += s[unitStart..i] switch
            {
                "ns" => TimeSpan.FromTicks((long)(n / 100)),
                "us" or "µs" => TimeSpan.FromTicks((long)(n * 10)),
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                _ => throw new FormatException($"{what}: unknown unit '{s[unitStart..i]}' in '{text}' (use ms, s, m, h)"),
            };
        }

        return total;
    }
}
