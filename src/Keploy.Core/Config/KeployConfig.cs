using System.Globalization;
using System.Text;
using Keploy.Core.Models;
using Keploy.Core.Storage;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Config;

/// <summary>
/// keploy.yml (Keploy <c>config/config.go</c>, defaults <c>config/default.go</c>; docs/keploy-reference.md §2). Properties carry
/// Keploy's defaults. Keys not modelled here are kept in <see cref="Raw"/> and written back by <see cref="GenerateYaml"/>.
/// Precedence (applied by the CLI): flags &gt; <c>KEPLOY_*</c> environment (<see cref="ApplyEnvironment(IReadOnlyDictionary{string, string?})"/>) &gt; keploy.yml &gt; defaults.
/// </summary>
public sealed class KeployConfig
{
    /// <summary>The last line of a generated keploy.yml (Keploy's text, including its typo).</summary>
    public const string FooterLine = "# Visit [https://keploy.io/docs/running-keploy/configuration-file/] to learn about using keploy through configration file.";

    /// <summary><c>path</c>: folder holding <c>keploy/</c>; empty = current directory.</summary>
    public string Path { get; set; } = "";

    /// <summary><c>command</c>: the app command.</summary>
    public string Command { get; set; } = "";

    /// <summary><c>appName</c>.</summary>
    public string AppName { get; set; } = "";

    /// <summary><c>port</c>: the app's port (0 = unknown).</summary>
    public int Port { get; set; }

    /// <summary><c>proxyPort</c> (16789).</summary>
    public int ProxyPort { get; set; } = 16789;

    /// <summary><c>dnsPort</c> (26789).</summary>
    public int DnsPort { get; set; } = 26789;

    /// <summary><c>incomingProxyPort</c> (36789).</summary>
    public int IncomingProxyPort { get; set; } = 36789;

    /// <summary><c>buildDelay</c>, seconds (30).</summary>
    public int BuildDelay { get; set; } = 30;

    /// <summary><c>debug</c>.</summary>
    public bool Debug { get; set; }

    /// <summary><c>disableANSI</c>.</summary>
    public bool DisableAnsi { get; set; }

    /// <summary><c>disableTele</c>.</summary>
    public bool DisableTele { get; set; }

    /// <summary><c>disableMapping</c> (HEAD false): when true, mappings.yaml is not written/used.</summary>
    public bool DisableMapping { get; set; }

    /// <summary><c>cmdType</c> (<c>native</c>).</summary>
    public string CmdType { get; set; } = "native";

    /// <summary><c>mysqlPorts</c>: destination ports that are MySQL besides the built-in 3306 and 4000 (Keploy v3).</summary>
    public List<int> MySqlPorts { get; set; } = new();

    /// <summary><c>bypassRules</c>: <c>[{path, host, port}]</c> relayed without recording.</summary>
    public List<BypassRule> BypassRules { get; set; } = new();

    /// <summary>The <c>test</c> section.</summary>
    public TestSection Test { get; set; } = new();

    /// <summary>The <c>record</c> section.</summary>
    public RecordSection Record { get; set; } = new();

    /// <summary>The mapping as loaded (null for a config built in code); unknown keys live here.</summary>
    public YamlMappingNode? Raw { get; private set; }

    /// <summary>The file it was loaded from, or null.</summary>
    public string? SourcePath { get; private set; }

    /// <summary>Loads keploy.yml.</summary>
    /// <exception cref="KeployFormatException">Malformed YAML, a root that is not a mapping, or a value of the wrong type
    /// (message <c>file:line:column: proxyPort: expected an integer, found 'abc'</c>).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static KeployConfig Load(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        YamlNode? root = KeployYaml.ReadSingle(full);
        KeployConfig config = FromNode(root, full);
        config.SourcePath = full;
        return config;
    }

    /// <summary>Parses keploy.yml text; <paramref name="fileName"/> is used in error locations.</summary>
    /// <exception cref="KeployFormatException">As <see cref="Load"/>.</exception>
    public static KeployConfig Parse(string text, string fileName = "keploy.yml")
    {
        YamlNode? root = null;
        foreach ((YamlNode node, SourceLocation location) in KeployYaml.ReadNodes(new StringReader(text), fileName))
        {
            if (root is not null)
            {
                throw new KeployFormatException(location, "expected one YAML document, found more");
            }

            root = node;
        }

        return FromNode(root, fileName);
    }

    private static KeployConfig FromNode(YamlNode? root, string file)
    {
        var config = new KeployConfig();
        if (root is null)
        {
            return config;
        }

        var r = new ConfigReader(file);
        YamlMappingNode map = r.Mapping(root, "(root)")!;
        config.Raw = map;
        r.String(map, "path", v => config.Path = v);
        r.String(map, "command", v => config.Command = v);
        r.String(map, "appName", v => config.AppName = v);
        r.Int(map, "port", v => config.Port = v);
        r.Int(map, "proxyPort", v => config.ProxyPort = v);
        r.Int(map, "dnsPort", v => config.DnsPort = v);
        r.Int(map, "incomingProxyPort", v => config.IncomingProxyPort = v);
        r.Int(map, "buildDelay", v => config.BuildDelay = v);
        r.Bool(map, "debug", v => config.Debug = v);
        r.Bool(map, "disableANSI", v => config.DisableAnsi = v);
        r.Bool(map, "disableTele", v => config.DisableTele = v);
        r.Bool(map, "disableMapping", v => config.DisableMapping = v);
        r.String(map, "cmdType", v => config.CmdType = v);
        r.IntList(map, "mysqlPorts", v => config.MySqlPorts = v);
        if (r.Sequence(map, "bypassRules") is { } rules)
        {
            foreach (YamlNode item in rules.Children)
            {
                YamlMappingNode rule = r.Mapping(item, "bypassRules[]")!;
                var b = new BypassRule();
                r.String(rule, "path", v => b.Path = v);
                r.String(rule, "host", v => b.Host = v);
                r.Int(rule, "port", v => b.Port = v);
                config.BypassRules.Add(b);
            }
        }

        if (r.Mapping(YamlNodes.Get(map, "test"), "test") is { } test)
        {
            config.Test.Read(r, test);
        }

        if (r.Mapping(YamlNodes.Get(map, "record"), "record") is { } record)
        {
            config.Record.Read(r, record);
        }

        return config;
    }

    /// <summary>
    /// Writes keploy.yml like <c>keploy config --generate</c>: header line, Keploy's keys in Keploy's order with this config's values
    /// (unknown keys of <see cref="Raw"/> kept), a blank line, then <see cref="FooterLine"/>. 4-space indent.
    /// </summary>
    public string GenerateYaml()
    {
        var template = (YamlMappingNode)KeployYaml.ReadNodes(new StringReader(KeployConfigTemplate.Yaml), "template").Single().Root;
        if (Raw is not null)
        {
            Merge(template, Raw);
        }

        Set(template, "path", KeployYaml.Str(Path));
        Set(template, "appName", KeployYaml.Str(AppName));
        Set(template, "command", KeployYaml.Str(Command));
        Set(template, "port", KeployYaml.Int(Port));
        Set(template, "dnsPort", KeployYaml.Int(DnsPort));
        Set(template, "proxyPort", KeployYaml.Int(ProxyPort));
        Set(template, "incomingProxyPort", KeployYaml.Int(IncomingProxyPort));
        Set(template, "debug", KeployYaml.Bool(Debug));
        Set(template, "disableTele", KeployYaml.Bool(DisableTele));
        Set(template, "disableANSI", KeployYaml.Bool(DisableAnsi));
        Set(template, "buildDelay", KeployYaml.Int(BuildDelay));
        Set(template, "disableMapping", KeployYaml.Bool(DisableMapping));
        Set(template, "cmdType", KeployYaml.Str(CmdType));
        var rules = new YamlSequenceNode();
        foreach (BypassRule b in BypassRules)
        {
            rules.Add(new YamlMappingNode { { "path", KeployYaml.Str(b.Path) }, { "host", KeployYaml.Str(b.Host) }, { "port", KeployYaml.Int(b.Port) } });
        }

        Set(template, "bypassRules", rules);
        if (MySqlPorts.Count > 0)
        {
            var ports = new YamlSequenceNode { Style = YamlDotNet.Core.Events.SequenceStyle.Flow };
            foreach (int p in MySqlPorts)
            {
                ports.Add(KeployYaml.Int(p));
            }

            Set(template, "mysqlPorts", ports);
        }
        Test.Write(SubMap(template, "test"));
        Record.Write(SubMap(template, "record"));

        var sb = new StringBuilder();
        sb.Append(KeployYaml.HeaderLine).Append('\n');
        KeployYamlWriter.WriteDocument(sb, template, KeployYaml.MockIndent);
        sb.Append('\n').Append(FooterLine).Append('\n');
        return sb.ToString();
    }

    /// <summary>
    /// Applies <c>KEPLOY_*</c> environment variables (the layer between flags and keploy.yml). Names are the keploy.yml key in
    /// upper snake case, prefixed with the section for <c>test</c>/<c>record</c> keys: <c>KEPLOY_PATH</c>, <c>KEPLOY_COMMAND</c>,
    /// <c>KEPLOY_APP_NAME</c>, <c>KEPLOY_PORT</c>, <c>KEPLOY_PROXY_PORT</c>, <c>KEPLOY_DNS_PORT</c>, <c>KEPLOY_INCOMING_PROXY_PORT</c>,
    /// <c>KEPLOY_DEBUG</c>, <c>KEPLOY_DISABLE_ANSI</c>, <c>KEPLOY_DISABLE_TELE</c>, <c>KEPLOY_DISABLE_MAPPING</c>,
    /// <c>KEPLOY_TEST_DELAY</c>, <c>KEPLOY_TEST_API_TIMEOUT</c>, <c>KEPLOY_TEST_HEALTH_URL</c>, <c>KEPLOY_TEST_HEALTH_POLL_TIMEOUT</c>,
    /// <c>KEPLOY_TEST_HOST</c>, <c>KEPLOY_TEST_PORT</c>, <c>KEPLOY_TEST_IGNORE_ORDERING</c>, <c>KEPLOY_TEST_MOCKING</c>,
    /// <c>KEPLOY_TEST_COMPARE_ALL</c>, <c>KEPLOY_TEST_DISABLE_AUTO_HEADER_NOISE</c>, <c>KEPLOY_TEST_REMOVE_UNUSED_MOCKS</c>,
    /// <c>KEPLOY_TEST_MUST_PASS</c>, <c>KEPLOY_TEST_FREEZE_TIME</c>, <c>KEPLOY_RECORD_RECORD_TIMER</c>, and Keploy's own <c>KEPLOY_STRICT_MOCK_WINDOW=0|1</c>.
    /// Booleans accept <c>true/false/1/0</c>. Unset or empty variables are ignored.
    /// </summary>
    /// <returns>The names of the variables applied.</returns>
    /// <exception cref="FormatException">A variable has a value of the wrong type (one-line message naming it).</exception>
    public IReadOnlyList<string> ApplyEnvironment(IReadOnlyDictionary<string, string?> environment)
    {
        var applied = new List<string>();
        void S(string name, Action<string> set) { if (Env(environment, name) is { } v) { set(v); applied.Add(name); } }
        void I(string name, Action<int> set) => S(name, v => set(int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : throw new FormatException($"{name}: expected an integer, found '{v}'")));
        void B(string name, Action<bool> set) => S(name, v => set(v.Trim().ToLowerInvariant() switch
        {
            "1" or "true" => true,
            "0" or "false" => false,
            _ => throw new FormatException($"{name}: expected true/false/1/0, found '{v}'"),
        }));
        void D(string name, Action<TimeSpan> set) => S(name, v => set(GoDuration.TryParse(v, out TimeSpan d) ? d : throw new FormatException($"{name}: expected a duration like 60s or 1m30s, found '{v}'")));

        S("KEPLOY_PATH", v => Path = v);
        S("KEPLOY_COMMAND", v => Command = v);
        S("KEPLOY_APP_NAME", v => AppName = v);
        I("KEPLOY_PORT", v => Port = v);
        I("KEPLOY_PROXY_PORT", v => ProxyPort = v);
        I("KEPLOY_DNS_PORT", v => DnsPort = v);
        I("KEPLOY_INCOMING_PROXY_PORT", v => IncomingProxyPort = v);
        B("KEPLOY_DEBUG", v => Debug = v);
        B("KEPLOY_DISABLE_ANSI", v => DisableAnsi = v);
        B("KEPLOY_DISABLE_TELE", v => DisableTele = v);
        B("KEPLOY_DISABLE_MAPPING", v => DisableMapping = v);
        I("KEPLOY_TEST_DELAY", v => Test.Delay = v);
        I("KEPLOY_TEST_API_TIMEOUT", v => Test.ApiTimeout = v);
        S("KEPLOY_TEST_HEALTH_URL", v => Test.HealthUrl = v);
        D("KEPLOY_TEST_HEALTH_POLL_TIMEOUT", v => Test.HealthPollTimeout = v);
        S("KEPLOY_TEST_HOST", v => Test.Host = v);
        I("KEPLOY_TEST_PORT", v => Test.Port = v);
        B("KEPLOY_TEST_IGNORE_ORDERING", v => Test.IgnoreOrdering = v);
        B("KEPLOY_TEST_MOCKING", v => Test.Mocking = v);
        B("KEPLOY_TEST_COMPARE_ALL", v => Test.CompareAll = v);
        B("KEPLOY_TEST_STRICT_MOCKS", v => Test.StrictMocks = v);
        B("KEPLOY_TEST_DISABLE_AUTO_HEADER_NOISE", v => Test.DisableAutoHeaderNoise = v);
        B("KEPLOY_TEST_REMOVE_UNUSED_MOCKS", v => Test.RemoveUnusedMocks = v);
        B("KEPLOY_TEST_MUST_PASS", v => Test.MustPass = v);
        B("KEPLOY_STRICT_MOCK_WINDOW", v => Test.StrictMockWindow = v);
        B("KEPLOY_TEST_FREEZE_TIME", v => Test.FreezeTime = v);
        D("KEPLOY_RECORD_RECORD_TIMER", v => Record.RecordTimer = v);
        return applied;
    }

    /// <summary><see cref="ApplyEnvironment(IReadOnlyDictionary{string, string?})"/> over the process environment.</summary>
    public IReadOnlyList<string> ApplyEnvironment()
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            if (e.Key is string k && k.StartsWith("KEPLOY_", StringComparison.Ordinal))
            {
                env[k] = e.Value as string;
            }
        }

        return ApplyEnvironment(env);
    }

    private static string? Env(IReadOnlyDictionary<string, string?> env, string name) =>
        env.TryGetValue(name, out string? v) && !string.IsNullOrEmpty(v) ? v : null;

    internal static void Set(YamlMappingNode map, string key, YamlNode value) => map.Children[new YamlScalarNode(key)] = value;

    internal static YamlMappingNode SubMap(YamlMappingNode map, string key)
    {
        if (YamlNodes.Get(map, key) is YamlMappingNode m)
        {
            m.Style = YamlDotNet.Core.Events.MappingStyle.Any;
            return m;
        }

        var created = new YamlMappingNode();
        Set(map, key, created);
        return created;
    }

    // Deep merge: mappings merge key by key (template order first, new keys appended); anything else replaces.
    private static void Merge(YamlMappingNode target, YamlMappingNode source)
    {
        foreach (KeyValuePair<YamlNode, YamlNode> pair in source.Children)
        {
            if (target.Children.TryGetValue(pair.Key, out YamlNode? existing) && existing is YamlMappingNode tm && pair.Value is YamlMappingNode sm && sm.Children.Count > 0)
            {
                Merge(tm, sm);
            }
            else
            {
                target.Children[pair.Key] = pair.Value;
            }
        }
    }
}

/// <summary>One <c>bypassRules</c> entry (Keploy <c>config.BypassRule</c>): traffic matching is passed through unrecorded.</summary>
public sealed class BypassRule
{
    /// <summary>URL path regex.</summary>
    public string Path { get; set; } = "";

    /// <summary>Host regex.</summary>
    public string Host { get; set; } = "";

    /// <summary>Destination port (0 = any).</summary>
    public int Port { get; set; }
}
