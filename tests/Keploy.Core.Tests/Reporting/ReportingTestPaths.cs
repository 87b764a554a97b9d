using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Tests.Reporting;

internal static class ReportingTestPaths
{
    public static string Fixtures => TestPaths.Fixtures;

    public static YamlMappingNode Load(string relative)
    {
        YamlStream stream = new();
        using StreamReader reader = new(Path.Combine(Fixtures, relative));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    public static YamlNode Get(YamlNode node, params object[] path)
    {
        foreach (object p in path)
        {
            node = p is int i ? ((YamlSequenceNode)node).Children[i] : ((YamlMappingNode)node).Children[new YamlScalarNode((string)p)];
        }

        return node;
    }

    /// <summary>Structural equality: same keys in the same order, same scalar values (styles ignored).</summary>
    public static void AssertSameTree(YamlNode expected, YamlNode actual, string path = "$")
    {
        switch (expected)
        {
            case YamlScalarNode es:
                YamlScalarNode asn = Assert.IsType<YamlScalarNode>(actual);
                Assert.True(es.Value == asn.Value, $"{path}: expected '{es.Value}' actual '{asn.Value}'");
                break;
            case YamlSequenceNode eq:
                YamlSequenceNode aq = Assert.IsType<YamlSequenceNode>(actual);
                Assert.True(eq.Children.Count == aq.Children.Count, $"{path}: expected {eq.Children.Count} items, actual {aq.Children.Count}");
                for (int i = 0; i < eq.Children.Count; i++)
                {
                    AssertSameTree(eq.Children[i], aq.Children[i], $"{path}[{i}]");
                }

                break;
            case YamlMappingNode em:
                YamlMappingNode am = Assert.IsType<YamlMappingNode>(actual);
                Assert.Equal(em.Children.Keys.Select(k => ((YamlScalarNode)k).Value), am.Children.Keys.Select(k => ((YamlScalarNode)k).Value));
                foreach (KeyValuePair<YamlNode, YamlNode> pair in em.Children)
                {
                    AssertSameTree(pair.Value, am.Children[pair.Key], $"{path}.{((YamlScalarNode)pair.Key).Value}");
                }

                break;
        }
    }
}
