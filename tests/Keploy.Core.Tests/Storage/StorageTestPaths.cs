using System.Text;
using Keploy.Core.Storage;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Tests.Storage;

/// <summary>Fixture paths and node-tree comparison for the storage tests.</summary>
internal static class StorageTestPaths
{
    public static string RepoRoot => TestPaths.RepoRoot;

    public static string Fixtures => TestPaths.Fixtures;

    public static IEnumerable<string> FixtureYamlFiles() =>
        Directory.EnumerateFiles(Fixtures, "*.y*ml", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal);

    public static string NewTempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "keploy-storage-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A canonical text of a node tree: keys in order, scalar values, tags, and whether a plain scalar resolves to a non-string.</summary>
    public static string Canonical(YamlNode node)
    {
        var sb = new StringBuilder();
        Append(sb, node);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, YamlNode node)
    {
        string tag = node.Tag.IsEmpty || node.Tag.IsNonSpecific ? "" : "<" + node.Tag.Value + ">";
        switch (node)
        {
            case YamlScalarNode s:
                string value = s.Value ?? "";
                bool typed = s.Style == ScalarStyle.Plain && KeployYaml.ResolvesToNonString(value);
                sb.Append(tag).Append(typed ? "T:" : "S:").Append(value.Replace("\\", "\\\\").Replace("\n", "\\n")).Append('\n');
                break;
            case YamlSequenceNode q:
                sb.Append(tag).Append("[\n");
                foreach (YamlNode item in q.Children)
                {
                    Append(sb, item);
                }

                sb.Append("]\n");
                break;
            case YamlMappingNode m:
                sb.Append(tag).Append("{\n");
                foreach (KeyValuePair<YamlNode, YamlNode> pair in m.Children)
                {
                    sb.Append("key ");
                    Append(sb, pair.Key);
                    Append(sb, pair.Value);
                }

                sb.Append("}\n");
                break;
        }
    }
}
