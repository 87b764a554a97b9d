using Keploy.Core.Models;
using Keploy.Core.Storage;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Config;

/// <summary>The <c>test</c> section of keploy.yml (Keploy <c>config.Test</c>) with Keploy's defaults.</summary>
public sealed class TestSection
{
    /// <summary><c>selectedTests</c>: test-set id to test names; an empty list selects the whole set. Empty map = everything.</summary>
    public Dictionary<string, List<string>> SelectedTests { get; set; } = new(StringComparer.Ordinal);

    /// <summary><c>ignoredTests</c>: same shape as <see cref="SelectedTests"/>.</summary>
    public Dictionary<string, List<string>> IgnoredTests { get; set; } = new(StringComparer.Ordinal);

    /// <summary><c>globalNoise</c>: <c>{global: NoiseMap, test-sets: {id: NoiseMap}}</c>.</summary>
    public GlobalNoiseConfig GlobalNoise { get; set; } = new();

    /// <summary><c>replaceWith</c> as read (<c>{global: {url: {old: new}, port: {8080: 9090}}, test-sets: {...}}</c>), or null.</summary>
    public YamlMappingNode? ReplaceWith { get; set; }

    /// <summary><c>delay</c>: seconds to wait for the app before replay when no health URL is set (5).</summary>
    public int Delay { get; set; } = 5;

    /// <summary><c>healthUrl</c>: polled until it answers before replay; empty = none.</summary>
    public string HealthUrl { get; set; } = "";

    /// <summary><c>healthPollTimeout</c>: Go duration (60s).</summary>
    public TimeSpan HealthPollTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary><c>apiTimeout</c>: seconds per replayed request (5).</summary>
    public int ApiTimeout { get; set; } = 5;

    /// <summary><c>host</c> the app listens on for replay (<c>localhost</c>).</summary>
    public string Host { get; set; } = "localhost";

    /// <summary><c>port</c> override for replay (0 = the recorded one).</summary>
    public int Port { get; set; }

    /// <summary><c>ignoreOrdering</c>: array order is ignored in body comparison (true).</summary>
    public bool IgnoreOrdering { get; set; } = true;

    /// <summary><c>mocking</c>: serve outgoing calls from mocks (true).</summary>
    public bool Mocking { get; set; } = true;

    /// <summary><c>strictMocks</c> (this tool's key, not Keploy's; read, never written by <c>config --generate</c>): only exact mock matches.</summary>
    public bool StrictMocks { get; set; }

    /// <summary><c>compareAll</c>.</summary>
    public bool CompareAll { get; set; }

    /// <summary><c>disableAutoHeaderNoise</c>.</summary>
    public bool DisableAutoHeaderNoise { get; set; }

    /// <summary><c>strictMockWindow</c> (true; env <c>KEPLOY_STRICT_MOCK_WINDOW</c> overrides).</summary>
    public bool StrictMockWindow { get; set; } = true;

    /// <summary><c>removeUnusedMocks</c>.</summary>
    public bool RemoveUnusedMocks { get; set; }

    /// <summary><c>skipCoverage</c>.</summary>
    public bool SkipCoverage { get; set; }

    /// <summary>
    /// <c>coverageInclude</c> (this tool's key; read, never written by <c>config --generate</c>): assemblies whose coverage is
    /// collected (names, wildcards or coverlet filters); empty = the app's own assemblies.
    /// </summary>
    public List<string> CoverageInclude { get; set; } = new();

    /// <summary><c>coverageExclude</c> (this tool's key): assemblies never measured.</summary>
    public List<string> CoverageExclude { get; set; } = new();

    /// <summary><c>openapi</c> (this tool's key): path of the app's OpenAPI document for API schema coverage; empty = fetch it from the app.</summary>
    public string OpenApi { get; set; } = "";

    /// <summary><c>language</c>.</summary>
    public string Language { get; set; } = "";

    /// <summary><c>mustPass</c>.</summary>
    public bool MustPass { get; set; }

    /// <summary><c>maxFailAttempts</c> (5).</summary>
    public int MaxFailAttempts { get; set; } = 5;

    /// <summary><c>maxFlakyChecks</c> (1).</summary>
    public int MaxFlakyChecks { get; set; } = 1;

    /// <summary>
    /// <c>freezeTime</c> (false): run the app with its clock at each test's recorded request time (libfaketime; see
    /// <c>Keploy.Core.Replay.FrozenClock</c>). The flag <c>--freeze-time</c> sets it too.
    /// </summary>
    public bool FreezeTime { get; set; }

    /// <summary><c>mongoPassword</c>.</summary>
    public string MongoPassword { get; set; } = "";

    internal void Read(ConfigReader r, YamlMappingNode map)
    {
        r.SetMap(map, "selectedTests", v => SelectedTests = v);
        r.SetMap(map, "ignoredTests", v => IgnoredTests = v);
        if (r.Mapping(YamlNodes.Get(map, "globalNoise"), "globalNoise") is { } gn)
        {
            GlobalNoise = new GlobalNoiseConfig { Global = r.Noise(YamlNodes.Get(gn, "global"), "globalNoise.global") };
            if (r.Mapping(YamlNodes.Get(gn, "test-sets"), "globalNoise.test-sets") is { } sets)
            {
                foreach (KeyValuePair<YamlNode, YamlNode> pair in sets.Children)
                {
                    string id = (pair.Key as YamlScalarNode)?.Value ?? "";
                    GlobalNoise.TestSets[id] = r.Noise(pair.Value, "globalNoise.test-sets." + id);
                }
            }
        }

        ReplaceWith = r.Mapping(YamlNodes.Get(map, "replaceWith"), "replaceWith");
        r.Int(map, "delay", v => Delay = v);
        r.String(map, "healthUrl", v => HealthUrl = v);
        r.Duration(map, "healthPollTimeout", v => HealthPollTimeout = v);
        r.Int(map, "apiTimeout", v => ApiTimeout = v);
        r.String(map, "host", v => Host = v);
        r.Int(map, "port", v => Port = v);
        r.Bool(map, "ignoreOrdering", v => IgnoreOrdering = v);
        r.Bool(map, "mocking", v => Mocking = v);
        r.Bool(map, "compareAll", v => CompareAll = v);
        r.Bool(map, "strictMocks", v => StrictMocks = v);
        r.Bool(map, "disableAutoHeaderNoise", v => DisableAutoHeaderNoise = v);
        r.Bool(map, "strictMockWindow", v => StrictMockWindow = v);
        r.Bool(map, "removeUnusedMocks", v => RemoveUnusedMocks = v);
        r.Bool(map, "skipCoverage", v => SkipCoverage = v);
        if (YamlNodes.Get(map, "coverageInclude") is { } include)
        {
            CoverageInclude = r.StringList(include, "coverageInclude");
        }

        if (YamlNodes.Get(map, "coverageExclude") is { } exclude)
        {
            CoverageExclude = r.StringList(exclude, "coverageExclude");
        }

        r.String(map, "openapi", v => OpenApi = v);
        r.String(map, "language", v => Language = v);
        r.Bool(map, "mustPass", v => MustPass = v);
        r.Int(map, "maxFailAttempts", v => MaxFailAttempts = v);
        r.Int(map, "maxFlakyChecks", v => MaxFlakyChecks = v);
        r.String(map, "mongoPassword", v => MongoPassword = v);
        r.Bool(map, "freezeTime", v => FreezeTime = v);
    }

    internal void Write(YamlMappingNode map)
    {
        KeployConfig.Set(map, "selectedTests", SetMapNode(SelectedTests));
        var gn = new YamlMappingNode { { "global", NoiseNode(GlobalNoise.Global) } };
        var sets = new YamlMappingNode();
        foreach (KeyValuePair<string, NoiseMap> pair in GlobalNoise.TestSets)
        {
            sets.Add(KeployYaml.Str(pair.Key), NoiseNode(pair.Value));
        }

        gn.Add("test-sets", sets);
        KeployConfig.Set(map, "globalNoise", gn);
        if (ReplaceWith is not null)
        {
            KeployConfig.Set(map, "replaceWith", ReplaceWith);
        }

        KeployConfig.Set(map, "delay", KeployYaml.Int(Delay));
        KeployConfig.Set(map, "healthUrl", KeployYaml.Str(HealthUrl));
        KeployConfig.Set(map, "healthPollTimeout", KeployYaml.Str(GoDuration.Format(HealthPollTimeout)));
        KeployConfig.Set(map, "host", KeployYaml.Str(Host));
        KeployConfig.Set(map, "port", KeployYaml.Int(Port));
        KeployConfig.Set(map, "apiTimeout", KeployYaml.Int(ApiTimeout));
        KeployConfig.Set(map, "skipCoverage", KeployYaml.Bool(SkipCoverage));
        KeployConfig.Set(map, "ignoreOrdering", KeployYaml.Bool(IgnoreOrdering));
        KeployConfig.Set(map, "mongoPassword", KeployYaml.Str(MongoPassword));
        KeployConfig.Set(map, "language", KeployYaml.Str(Language));
        KeployConfig.Set(map, "removeUnusedMocks", KeployYaml.Bool(RemoveUnusedMocks));
        KeployConfig.Set(map, "mocking", KeployYaml.Bool(Mocking));
        KeployConfig.Set(map, "ignoredTests", SetMapNode(IgnoredTests));
        KeployConfig.Set(map, "mustPass", KeployYaml.Bool(MustPass));
        KeployConfig.Set(map, "maxFailAttempts", KeployYaml.Int(MaxFailAttempts));
        KeployConfig.Set(map, "maxFlakyChecks", KeployYaml.Int(MaxFlakyChecks));
        KeployConfig.Set(map, "compareAll", KeployYaml.Bool(CompareAll));
        KeployConfig.Set(map, "disableAutoHeaderNoise", KeployYaml.Bool(DisableAutoHeaderNoise));
        KeployConfig.Set(map, "strictMockWindow", KeployYaml.Bool(StrictMockWindow));
        if (FreezeTime)
        {
            // Not in Keploy's generated template: written only when set, so a default file stays Keploy's.
            KeployConfig.Set(map, "freezeTime", KeployYaml.Bool(FreezeTime));
        }
    }

    private static YamlMappingNode SetMapNode(Dictionary<string, List<string>> sets)
    {
        var node = new YamlMappingNode();
        foreach (KeyValuePair<string, List<string>> pair in sets)
        {
            node.Add(KeployYaml.Str(pair.Key), new YamlSequenceNode(pair.Value.Select(v => (YamlNode)KeployYaml.Str(v))));
        }

        return node;
    }

    private static YamlMappingNode NoiseNode(NoiseMap noise)
    {
        var node = new YamlMappingNode();
        foreach (KeyValuePair<string, Dictionary<string, List<string>>> section in noise)
        {
            var paths = new YamlMappingNode();
            foreach (KeyValuePair<string, List<string>> p in section.Value)
            {
                paths.Add(KeployYaml.Str(p.Key), new YamlSequenceNode(p.Value.Select(v => (YamlNode)KeployYaml.Str(v))));
            }

            node.Add(KeployYaml.Str(section.Key), paths);
        }

        return node;
    }
}
