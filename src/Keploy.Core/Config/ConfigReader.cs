using System.Globalization;
using Keploy.Core.Models;
using Keploy.Core.Storage;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Config;

/// <summary>Typed reads from keploy.yml nodes; a wrong type throws <see cref="KeployFormatException"/> at the value's line and column.</summary>
internal sealed class ConfigReader
{
    private readonly string _file;

    public ConfigReader(string file)
    {
        _file = file;
    }

    private KeployFormatException Error(YamlNode node, string key, string expected) =>
        new(KeployYaml.At(_file, node.Start), $"{key}: expected {expected}, found {Found(node)}");

    private static string Found(YamlNode node) => node is YamlScalarNode s ? $"'{s.Value}'" : "a " + KeployYaml.Describe(node);

    private static bool IsNull(YamlNode? node) => node is null || (node is YamlScalarNode s && YamlNodes.IsNull(s) && s.Value != "");

    public YamlMappingNode? Mapping(YamlNode? node, string key)
    {
        if (node is null || (node is YamlScalarNode s && YamlNodes.IsNull(s)))
        {
            return null;
        }

        return node as YamlMappingNode ?? throw Error(node, key, "a mapping");
    }

    public YamlSequenceNode? Sequence(YamlMappingNode map, string key)
    {
        YamlNode? node = YamlNodes.Get(map, key);
        if (node is null || (node is YamlScalarNode s && YamlNodes.IsNull(s)))
        {
            return null;
        }

        return node as YamlSequenceNode ?? throw Error(node, key, "a sequence");
    }

    public void String(YamlMappingNode map, string key, Action<string> set)
    {
        YamlNode? node = YamlNodes.Get(map, key);
        if (node is null)
        {
            return;
        }

        if (node is not YamlScalarNode s)
        {
            throw Error(node, key, "a string");
        }

        set(s.Style == ScalarStyle.Plain && YamlNodes.IsNull(s) ? "" : s.Value ?? "");
    }

    public void Int(YamlMappingNode map, string key, Action<int> set)
    {
        YamlNode? node = YamlNodes.Get(map, key);
        if (node is null || IsNull(node))
        {
            return;
        }

        if (node is YamlScalarNode s && int.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v))
        {
            set(v);
            return;
        }

        throw Error(node, key, "an integer");
    }

    /// <summary>A sequence of integers (<c>mysqlPorts: [3307, 13306]</c>); absent or null leaves it unset.</summary>
    public void IntList(YamlMappingNode map, string key, Action<List<int>> set)
    {
        if (Sequence(map, key) is not { } seq)
        {
            return;
        }

        List<int> list = new();
        foreach (YamlNode item in seq.Children)
        {
            list.Add(item is YamlScalarNode s && int.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v)
                ? v
                : throw Error(item, key + "[]", "an integer"));
        }

        set(list);
    }

    public void Bool(YamlMappingNode map, string key, Action<bool> set)
    {
        YamlNode? node = YamlNodes.Get(map, key);
        if (node is null || IsNull(node))
        {
            return;
        }

        if (node is YamlScalarNode s)
        {
            switch (s.Value)
            {
                case "true" or "True" or "TRUE":
                    set(true);
                    return;
                case "false" or "False" or "FALSE":
                    set(false);
                    return;
            }
        }

        throw Error(node, key, "true or false");
    }

    public void Duration(YamlMappingNode map, string key, Action<TimeSpan> set)
    {
        YamlNode? node = YamlNodes.Get(map, key);
        if (node is null || IsNull(node))
        {
            return;
        }

        if (node is YamlScalarNode s && GoDuration.TryParse(s.Value, out TimeSpan d))
        {
            set(d);
            return;
        }

        throw Error(node, key, "a duration like 60s, 1m30s or 500ms");
    }

    public List<string> StringList(YamlNode node, string key)
    {
        if (IsNull(node))
        {
            return new List<string>();
        }

        if (node is not YamlSequenceNode seq)
        {
            throw Error(node, key, "a sequence of strings");
        }

        var list = new List<string>();
        foreach (YamlNode item in seq.Children)
        {
            list.Add(item is YamlScalarNode s ? s.Value ?? "" : throw Error(item, key + "[]", "a string"));
        }

        return list;
    }

    /// <summary><c>{test-set-1: [test-1, test-2], test-set-2: []}</c>.</summary>
    public void SetMap(YamlMappingNode map, string key, Action<Dictionary<string, List<string>>> set)
    {
        YamlMappingNode? m = Mapping(YamlNodes.Get(map, key), key);
        if (m is null)
        {
            return;
        }

        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (KeyValuePair<YamlNode, YamlNode> pair in m.Children)
        {
            string name = pair.Key is YamlScalarNode k ? k.Value ?? "" : throw Error(pair.Key, key, "a test-set name (scalar) as key");
            result[name] = StringList(pair.Value, key + "." + name);
        }

        set(result);
    }

    /// <summary>A <see cref="NoiseMap"/>: <c>{section: {path: [regex...]}}</c>.</summary>
    public NoiseMap Noise(YamlNode? node, string key)
    {
        var noise = new NoiseMap();
        YamlMappingNode? m = Mapping(node, key);
        if (m is null)
        {
            return noise;
        }

        foreach (KeyValuePair<YamlNode, YamlNode> section in m.Children)
        {
            string sectionName = (section.Key as YamlScalarNode)?.Value ?? "";
            var paths = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            YamlMappingNode? pm = Mapping(section.Value, key + "." + sectionName);
            if (pm is not null)
            {
                foreach (KeyValuePair<YamlNode, YamlNode> p in pm.Children)
                {
                    string path = (p.Key as YamlScalarNode)?.Value ?? "";
                    paths[path] = StringList(p.Value, key + "." + sectionName + "." + path);
                }
            }

            noise[sectionName] = paths;
        }

        return noise;
    }
}
