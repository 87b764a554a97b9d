using System.Security.Cryptography;
using System.Text;
using Keploy.Core.Storage;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Tests.Storage;

/// <summary>
/// Byte-identity of the YAML emit (issue 12): every recorded fixture under ../shared/keploy-fixtures, read and formatted again,
/// and a set of freshly built nodes covering every scalar style decision, hash to what the writer produced before the emit was
/// optimised (hashes taken from the previous writer, commit "bench/RecordCost: mock build and format stages").
/// </summary>
public class KeployYamlGoldenTests
{
    private const string FixturesHash = "51D2202E280EF9B614C17E20D1571AB2760553122BD0BCB02104817EA00E216C";
    private const string FreshHash = "1CFAD42C8040E393906A5C81B4101721F2FAD92DEF5E8ADC34D4F7CAABDBEBC1";

    [Fact]
    public void EveryFixture_FormatsToTheSameBytesAsThePreviousWriter()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        int files = 0;
        foreach (string file in StorageTestPaths.FixtureYamlFiles().OrderBy(f => f, StringComparer.Ordinal))
        {
            string relative = Path.GetRelativePath(StorageTestPaths.Fixtures, file);
            int indent = relative.Contains("/tests/", StringComparison.Ordinal) ? KeployYaml.TestIndent : KeployYaml.MockIndent;
            string text = KeployYaml.FormatFile(KeployYaml.ReadNodes(file).Select(d => d.Root), indent);
            sha.AppendData(Encoding.UTF8.GetBytes(relative + "\n" + text));
            files++;
        }

        Assert.True(files > 10, $"only {files} fixture files found under {StorageTestPaths.Fixtures}");
        string hash = Convert.ToHexString(sha.GetHashAndReset());
        Assert.True(hash == FixturesHash, "fixture hash " + hash);
    }

    public static IEnumerable<string> Texts() =>
    [
        "", "29", "-5", "0x1F", "1.5e3", "true", "yes", "null", "~", "2024-01-02", "2024-01-02T03:04:05.123Z", "1:20", "<<",
        "plain text", "*/*", "- item", "-x", ": a", "a: b", "a #b", "a#b", "#c", "[x]", "x,y", "{a}", "'q'", "it's", "\"dq\"",
        " lead", "trail ", "a\nb", "a\nb\n", "a\n\n", "\n", "\nlead", "a \nb", "a\n b", "tab\there", "nul\0", "bell\a", "esc\u001b",
        "nbsp\u00a0x", "nel\u0085", "ls\u2028", "\ufeffbom", "emoji \U0001F600", "\ud800lone", "caf\u00e9", "---", "...x", "?", "? a",
        "%x", "@x", "`x", "!x", "&a", "|", ">", new string('x', 200), new string('1', 200), "line\r\nwin", "x\ty\n",
    ];

    [Fact]
    public void FreshNodes_EveryStyleDecision_FormatToTheSameBytesAsThePreviousWriter()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (int indent in new[] { 2, 4 })
        {
            foreach (string text in Texts())
            {
                foreach (ScalarStyle style in new[] { ScalarStyle.Any, ScalarStyle.Plain, ScalarStyle.SingleQuoted, ScalarStyle.DoubleQuoted, ScalarStyle.Literal, ScalarStyle.Folded })
                {
                    YamlScalarNode Node() => new(text) { Style = style };
                    var flow = new YamlSequenceNode(Node(), KeployYaml.Int(3)) { Style = YamlDotNet.Core.Events.SequenceStyle.Flow };
                    var flowMap = new YamlMappingNode { Style = YamlDotNet.Core.Events.MappingStyle.Flow };
                    flowMap.Add("a", Node());
                    var root = new YamlMappingNode
                    {
                        { "value", Node() },
                        { Node(), "as key" },
                        { "seq", new YamlSequenceNode(Node(), new YamlMappingNode { { "k", Node() }, { "j", Node() } }) },
                        { "flow", flow },
                        { "flowmap", flowMap },
                        { "nested", new YamlMappingNode { { "inner", new YamlSequenceNode(new YamlNode[] { new YamlSequenceNode(new YamlNode[] { Node() }) }) } } },
                        { "tagged", new YamlScalarNode(text) { Tag = "tag:yaml.org,2002:int", Style = style } },
                        { "binary", KeployYaml.Binary(Encoding.UTF8.GetBytes(text + text + text + text)) },
                        { "ints", KeployYaml.FlowInts(Encoding.UTF8.GetBytes(text.Length > 8 ? text[..8] : text)) },
                        { "empty", new YamlMappingNode() },
                        { "emptyseq", new YamlSequenceNode() },
                    };
                    string written;
                    try
                    {
                        written = KeployYamlWriter.ToText(root, indent);
                    }
                    catch (Exception ex)
                    {
                        written = "error " + ex.GetType().Name;
                    }

                    sha.AppendData(Encoding.UTF8.GetBytes(written));
                }
            }
        }

        string hash = Convert.ToHexString(sha.GetHashAndReset());
        Assert.True(hash == FreshHash, "fresh hash " + hash);
    }
}
