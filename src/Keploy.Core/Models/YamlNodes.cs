using System.Globalization;
using YamlDotNet.Helpers;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Models;

/// <summary>Small null-tolerant helpers over YamlDotNet's representation model, used by every protocol's typed view.</summary>
public static class YamlNodes
{
    /// <summary>The child of <paramref name="map"/> at <paramref name="key"/> (exact key), or null.</summary>
    public static YamlNode? Get(YamlMappingNode? map, string key)
    {
        if (map is null)
        {
            return null;
        }

        IOrderedDictionary<YamlNode, YamlNode> children = map.Children;
        if (children.Count > 16)
        {
            return children.TryGetValue(new YamlScalarNode(key), out YamlNode? node) ? node : null;
        }

        // Small mappings (nearly all of a Keploy document): a scan, without the lookup node and hashing of the dictionary path.
        // A key matches as in the dictionary (YamlScalarNode equality: same value, same tag; the style does not count).
        for (int i = 0; i < children.Count; i++)
        {
            KeyValuePair<YamlNode, YamlNode> pair = children[i];
            if (pair.Key is YamlScalarNode k && k.Tag.IsEmpty && string.Equals(k.Value, key, StringComparison.Ordinal))
            {
                return pair.Value;
            }
        }

        return null;
    }

    /// <summary>The child mapping at <paramref name="key"/>, or null when absent or not a mapping.</summary>
    public static YamlMappingNode? GetMapping(YamlMappingNode? map, string key) => Get(map, key) as YamlMappingNode;

    /// <summary>The child sequence at <paramref name="key"/>, or null when absent or not a sequence.</summary>
    public static YamlSequenceNode? GetSequence(YamlMappingNode? map, string key) => Get(map, key) as YamlSequenceNode;

    /// <summary>The scalar text at <paramref name="key"/>, or null (also null for YAML <c>null</c>/<c>~</c> written plain).</summary>
    public static string? GetString(YamlMappingNode? map, string key)
    {
        if (Get(map, key) is not YamlScalarNode scalar)
        {
            return null;
        }

        return IsNull(scalar) ? null : scalar.Value;
    }

    /// <summary>The scalar text at a key compared case-insensitively (Keploy's timestamp keys come in three spellings).</summary>
    public static string? GetStringIgnoreCase(YamlMappingNode? map, string key)
    {
        if (map is null)
        {
            return null;
        }

        foreach (KeyValuePair<YamlNode, YamlNode> pair in map.Children)
        {
            if (pair.Key is YamlScalarNode k && string.Equals(k.Value, key, StringComparison.OrdinalIgnoreCase) && pair.Value is YamlScalarNode v)
            {
                return IsNull(v) ? null : v.Value;
            }
        }

        return null;
    }

    /// <summary>The integer at <paramref name="key"/>, or <paramref name="fallback"/> when absent or not an integer.</summary>
    public static long GetInt64(YamlMappingNode? map, string key, long fallback = 0)
    {
        string? text = GetString(map, key);
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) ? value : fallback;
    }

    /// <summary>True when the scalar is YAML null written plain (<c>null</c>, <c>~</c>, or empty).</summary>
    public static bool IsNull(YamlScalarNode scalar) => IsNull(scalar.Style, scalar.Value);

    /// <summary>True when a scalar of this style and text is YAML null written plain (<c>null</c>, <c>~</c>, or empty).</summary>
    public static bool IsNull(YamlDotNet.Core.ScalarStyle style, string? value)
    {
        return style == YamlDotNet.Core.ScalarStyle.Plain && (value is null or "" or "~" or "null" or "Null" or "NULL");
    }

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/>, replacing an existing entry in place (keeps key order).</summary>
    public static void Set(YamlMappingNode map, string key, YamlNode value)
    {
        map.Children[new YamlScalarNode(key)] = value;
    }

    /// <summary>A plain scalar for an integer (style <c>Plain</c>, so the writer does not quote it as a string; see <c>KeployYamlWriter</c>).</summary>
    public static YamlScalarNode Int(long value) => new(value.ToString(CultureInfo.InvariantCulture)) { Style = YamlDotNet.Core.ScalarStyle.Plain };
}
