using Keploy.Core.Models;
using Keploy.Core.Storage;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Config;

/// <summary>The <c>record</c> section of keploy.yml (Keploy <c>config.Record</c>) with Keploy's defaults.</summary>
public sealed class RecordSection
{
    /// <summary><c>recordTimer</c>: stop recording after this long; zero = until stopped. Go duration (<c>0s</c>).</summary>
    public TimeSpan RecordTimer { get; set; }

    /// <summary><c>filters</c>: which incoming requests become test cases (Keploy <c>models.Filter</c>).</summary>
    public List<RecordFilter> Filters { get; set; } = new();

    /// <summary><c>sync</c>.</summary>
    public bool Sync { get; set; }

    /// <summary><c>memoryLimit</c> (MB, 0 = none).</summary>
    public int MemoryLimit { get; set; }

    /// <summary><c>testCaseNaming</c>: <c>descriptive</c> (v3 default) or <c>sequential</c>.</summary>
    public string TestCaseNaming { get; set; } = "descriptive";

    internal void Read(ConfigReader r, YamlMappingNode map)
    {
        r.Duration(map, "recordTimer", v => RecordTimer = v);
        r.Bool(map, "sync", v => Sync = v);
        r.Int(map, "memoryLimit", v => MemoryLimit = v);
        r.String(map, "testCaseNaming", v => TestCaseNaming = v);
        if (r.Sequence(map, "filters") is { } filters)
        {
            foreach (YamlNode item in filters.Children)
            {
                YamlMappingNode f = r.Mapping(item, "filters[]")!;
                var filter = new RecordFilter();
                r.String(f, "path", v => filter.Path = v);
                r.String(f, "host", v => filter.Host = v);
                r.Int(f, "port", v => filter.Port = v);
                if (YamlNodes.Get(f, "urlMethods") is { } methods)
                {
                    filter.UrlMethods = r.StringList(methods, "urlMethods");
                }

                if (r.Mapping(YamlNodes.Get(f, "headers"), "headers") is { } headers)
                {
                    foreach (KeyValuePair<YamlNode, YamlNode> h in headers.Children)
                    {
                        filter.Headers[((YamlScalarNode)h.Key).Value ?? ""] = (h.Value as YamlScalarNode)?.Value ?? "";
                    }
                }

                r.String(f, "matchType", v => filter.MatchType = v);
                r.String(f, "filterPolicy", v => filter.FilterPolicy = v);
                Filters.Add(filter);
            }
        }
    }

    internal void Write(YamlMappingNode map)
    {
        var filters = new YamlSequenceNode();
        foreach (RecordFilter f in Filters)
        {
            var node = new YamlMappingNode { { "path", KeployYaml.Str(f.Path) }, { "host", KeployYaml.Str(f.Host) }, { "port", KeployYaml.Int(f.Port) } };
            node.Add("urlMethods", new YamlSequenceNode(f.UrlMethods.Select(m => (YamlNode)KeployYaml.Str(m))));
            var headers = new YamlMappingNode();
            foreach (KeyValuePair<string, string> h in f.Headers)
            {
                headers.Add(KeployYaml.Str(h.Key), KeployYaml.Str(h.Value));
            }

            node.Add("headers", headers);
            node.Add("matchType", KeployYaml.Str(f.MatchType));
            node.Add("filterPolicy", KeployYaml.Str(f.FilterPolicy));
            filters.Add(node);
        }

        KeployConfig.Set(map, "filters", filters);
        KeployConfig.Set(map, "recordTimer", KeployYaml.Str(GoDuration.Format(RecordTimer)));
        KeployConfig.Set(map, "sync", KeployYaml.Bool(Sync));
        KeployConfig.Set(map, "memoryLimit", KeployYaml.Int(MemoryLimit));
        KeployConfig.Set(map, "testCaseNaming", KeployYaml.Str(TestCaseNaming));
    }
}

/// <summary>
/// One <c>record.filters[]</c> entry (Keploy <c>pkg/models/instrument.go</c> <c>Filter</c>): an exclude match always wins; if any
/// include filter exists, requests matching none are dropped.
/// </summary>
public sealed class RecordFilter
{
    /// <summary>URL regex.</summary>
    public string Path { get; set; } = "";

    /// <summary>Host regex.</summary>
    public string Host { get; set; } = "";

    /// <summary>Port (0 = any).</summary>
    public int Port { get; set; }

    /// <summary>HTTP methods (empty = any).</summary>
    public List<string> UrlMethods { get; set; } = new();

    /// <summary>Header name to value regex.</summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary><c>OR</c> (default) or <c>AND</c> across the criteria.</summary>
    public string MatchType { get; set; } = "";

    /// <summary><c>exclude</c> (default) or <c>include</c>.</summary>
    public string FilterPolicy { get; set; } = "";
}
