using System.Globalization;
using System.Text.RegularExpressions;
using Keploy.Core.Models;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Replay.Reporting;

/// <summary>Scalar and serialisation helpers for report YAML, following Go yaml.v3's output (Keploy <c>pkg/platform/yaml/yaml.go</c>).</summary>
public static partial class ReportYaml
{
    /// <summary>A string scalar: double-quoted when empty or when plain text would read back as a number, bool or null (<c>"5"</c>); literal block when multi-line.</summary>
    public static YamlScalarNode Str(string value)
    {
        if (value.Length == 0 || NonString().IsMatch(value))
        {
            return new YamlScalarNode(value) { Style = ScalarStyle.DoubleQuoted };
        }

        if (value.Contains('\n') && !value.Contains('\r') && !value.Contains('\t') && !HasTrailingSpaceLine(value))
        {
            return new YamlScalarNode(value) { Style = ScalarStyle.Literal };
        }

        return new YamlScalarNode(value);
    }

    /// <summary>A plain integer scalar.</summary>
    public static YamlScalarNode Int(long value) => new(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>A plain <c>true</c>/<c>false</c> scalar.</summary>
    public static YamlScalarNode Bool(bool value) => new(value ? "true" : "false");

    /// <summary>A plain RFC3339Nano timestamp scalar (<see cref="KeployTime.Format"/>).</summary>
    public static YamlScalarNode Time(DateTimeOffset value) => new(KeployTime.Format(value));

    /// <summary>An empty flow sequence (<c>[]</c>).</summary>
    public static YamlSequenceNode EmptySequence() => new() { Style = SequenceStyle.Flow };

    /// <summary>Deep copy of a node (styles and tags kept).</summary>
    public static YamlNode Clone(YamlNode node)
    {
        switch (node)
        {
            case YamlScalarNode s:
                return new YamlScalarNode(s.Value) { Style = s.Style, Tag = s.Tag };
            case YamlSequenceNode q:
                YamlSequenceNode seq = new() { Style = q.Style, Tag = q.Tag };
                foreach (YamlNode child in q.Children)
                {
                    seq.Add(Clone(child));
                }

                return seq;
            case YamlMappingNode m:
                YamlMappingNode map = new() { Style = m.Style, Tag = m.Tag };
                foreach (KeyValuePair<YamlNode, YamlNode> pair in m.Children)
                {
                    map.Add(Clone(pair.Key), Clone(pair.Value));
                }

                return map;
            default:
                return node;
        }
    }

    /// <summary>Serialises one document with 4-space indentation and indented sequences, as Keploy writes reports (no header comment).</summary>
    public static string ToYaml(YamlNode root)
    {
        using StringWriter writer = new(CultureInfo.InvariantCulture);
        Emitter emitter = new(writer, new EmitterSettings(4, int.MaxValue, false, 1024, false, true));
        new YamlStream(new YamlDocument(root)).Save(emitter, assignAnchors: false);
        string text = writer.ToString();
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    private static bool HasTrailingSpaceLine(string value)
    {
        foreach (string line in value.Split('\n'))
        {
            if (line.EndsWith(' '))
            {
                return true;
            }
        }

        return false;
    }

    [GeneratedRegex("^(~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?(\\.[0-9]+|[0-9][0-9_]*(\\.[0-9_]*)?)([eE][-+]?[0-9]+)?|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)|0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex NonString();
}
