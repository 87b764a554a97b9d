using Keploy.Core.Models;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Storage;

/// <summary>
/// <c>keploy/test-set-N/mappings.yaml</c> (<c>kind: TestMocksMapping</c>, Keploy <c>pkg/models/mappings.go</c>): which mocks each
/// test case used. Reads the legacy form (<c>mocks: mock-3,mock-4</c>, 2.10.x) and the HEAD form
/// (<c>mock_entries: [{name, kind, timestamp, reqTimestampMock, resTimestampMock}]</c>); writes the legacy form, which both read.
/// </summary>
public sealed class TestMocksMapping
{
    /// <summary>The test-set id (<c>test_set_id</c>).</summary>
    public string TestSetId { get; set; } = "";

    /// <summary>One entry per test case, in file order.</summary>
    public List<TestMockMappingEntry> Tests { get; } = new();

    /// <summary>Mock names of a test case, or null when the test case is not listed.</summary>
    public IReadOnlyList<string>? MocksOf(string testCaseId) => Tests.FirstOrDefault(t => t.TestCaseId == testCaseId)?.MockNames;

    /// <summary>Builds the mapping from a document root.</summary>
    /// <exception cref="KeployFormatException">The root is not a mapping or <c>tests</c> is not a sequence of mappings.</exception>
    public static TestMocksMapping FromNode(YamlNode root, SourceLocation location)
    {
        if (root is not YamlMappingNode map)
        {
            throw new KeployFormatException(location, "mappings.yaml: expected a mapping");
        }

        var result = new TestMocksMapping { TestSetId = YamlNodes.GetString(map, "test_set_id") ?? "" };
        YamlNode? tests = YamlNodes.Get(map, "tests");
        if (tests is null || (tests is YamlScalarNode s && YamlNodes.IsNull(s)))
        {
            return result;
        }

        if (tests is not YamlSequenceNode seq)
        {
            throw new KeployFormatException(KeployYaml.At(location.File, tests.Start), "'tests' must be a sequence");
        }

        foreach (YamlNode item in seq.Children)
        {
            if (item is not YamlMappingNode entry)
            {
                throw new KeployFormatException(KeployYaml.At(location.File, item.Start), "each 'tests' entry must be a mapping");
            }

            var e = new TestMockMappingEntry { TestCaseId = YamlNodes.GetString(entry, "id") ?? "" };
            string? legacy = YamlNodes.GetString(entry, "mocks");
            if (legacy is not null)
            {
                e.MockNames.AddRange(legacy.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            }
            else if (YamlNodes.GetSequence(entry, "mocks") is { } mockSeq)
            {
                e.MockNames.AddRange(mockSeq.Children.OfType<YamlScalarNode>().Select(n => n.Value ?? "").Where(n => n.Length > 0));
            }

            if (YamlNodes.GetSequence(entry, "mock_entries") is { } entries)
            {
                foreach (YamlMappingNode me in entries.Children.OfType<YamlMappingNode>())
                {
                    string? name = YamlNodes.GetString(me, "name");
                    if (!string.IsNullOrEmpty(name) && !e.MockNames.Contains(name))
                    {
                        e.MockNames.Add(name);
                    }
                }
            }

            result.Tests.Add(e);
        }

        return result;
    }

    /// <summary>The document root in Keploy's 2.10 layout (<c>version, kind: TestMocksMapping, test_set_id, tests: [{id, mocks}]</c>).</summary>
    public YamlMappingNode ToNode()
    {
        var tests = new YamlSequenceNode();
        foreach (TestMockMappingEntry e in Tests)
        {
            tests.Add(new YamlMappingNode
            {
                { "id", KeployYaml.Str(e.TestCaseId) },
                { "mocks", KeployYaml.Str(string.Join(',', e.MockNames)) },
            });
        }

        return new YamlMappingNode
        {
            { "version", KeployYaml.Str(KeployDocumentDefaults.Version) },
            { "kind", KeployYaml.Str("TestMocksMapping") },
            { "test_set_id", KeployYaml.Str(TestSetId) },
            { "tests", tests },
        };
    }
}

/// <summary>One test case's mocks in <see cref="TestMocksMapping"/>.</summary>
public sealed class TestMockMappingEntry
{
    /// <summary>The test case name (<c>id</c>).</summary>
    public string TestCaseId { get; set; } = "";

    /// <summary>The mock names, in recorded order.</summary>
    public List<string> MockNames { get; } = new();
}
