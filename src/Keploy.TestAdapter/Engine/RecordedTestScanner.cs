using Keploy.Core.Models;
using Keploy.Core.Storage;
using YamlDotNet.RepresentationModel;

namespace Keploy.TestAdapter.Engine;

/// <summary>
/// Finds <c>keploy/&lt;set&gt;/tests/*.yaml</c> under a folder and reads just the <c>name</c> key of each file. Kept small on purpose:
/// it only lists cases; the replay engine reads the files fully. Swap for the storage API when it lands.
/// </summary>
internal static class RecordedTestScanner
{
    /// <summary>Lists recorded tests, ordered by set then by file name (natural order: test-2 before test-10).</summary>
    /// <param name="root">Folder that contains <c>keploy/</c>.</param>
    /// <param name="sourceRoot">Project folder the output copies came from, or null.</param>
    public static IReadOnlyList<RecordedTest> Scan(string root, string? sourceRoot)
    {
        string keployDir = Path.Combine(root, "keploy");
        List<RecordedTest> tests = new();
        if (!Directory.Exists(keployDir))
        {
            return tests;
        }

        foreach (string setDir in Directory.EnumerateDirectories(keployDir).OrderBy(d => Path.GetFileName(d), NaturalComparer.Instance))
        {
            string testsDir = Path.Combine(setDir, "tests");
            if (!Directory.Exists(testsDir))
            {
                continue;
            }

            string setId = Path.GetFileName(setDir);
            foreach (string file in Directory.EnumerateFiles(testsDir, "*.yaml").OrderBy(f => Path.GetFileName(f), NaturalComparer.Instance))
            {
                string fileName = Path.GetFileNameWithoutExtension(file);
                if (fileName.EndsWith(".received", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                string source = MapToSource(file, root, sourceRoot);
                (string name, string? error) = ReadName(file, source, fileName);
                tests.Add(new RecordedTest(setId, fileName, name, Path.GetFullPath(file), source, error));
            }
        }

        return tests;
    }

    /// <summary>Maps <c>&lt;root&gt;/keploy/...</c> to <c>&lt;sourceRoot&gt;/keploy/...</c> when that file exists.</summary>
    public static string MapToSource(string outputFile, string root, string? sourceRoot)
    {
        string full = Path.GetFullPath(outputFile);
        if (string.IsNullOrEmpty(sourceRoot))
        {
            return full;
        }

        string relative = Path.GetRelativePath(Path.GetFullPath(root), full);
        string candidate = Path.GetFullPath(Path.Combine(sourceRoot, relative));
        return File.Exists(candidate) ? candidate : full;
    }

    private static (string Name, string? Error) ReadName(string file, string displayPath, string fallback)
    {
        try
        {
            // The bounded reader every Keploy document passes (nesting depth, alias expansion, size): discovery of a hostile file
            // is one failing test with file:line:column, never a stack overflow of the test host.
            (YamlNode Root, SourceLocation Location)? first = null;
            foreach ((YamlNode Root, SourceLocation Location) document in KeployYaml.ReadNodes(file))
            {
                first = document;
                break;
            }

            if (first?.Root is not YamlMappingNode mapping)
            {
                return (fallback, $"{displayPath}:1:1: not a Keploy test case (expected a mapping with version, kind, name, spec)");
            }

            if (mapping.Children.TryGetValue(new YamlScalarNode("name"), out YamlNode? node) && node is YamlScalarNode { Value: { Length: > 0 } name })
            {
                return (name, null);
            }

            return (fallback, null);
        }
        catch (KeployFormatException e)
        {
            string message = e.Message.StartsWith(e.Location.ToString(), StringComparison.Ordinal) ? e.Message[e.Location.ToString().Length..] : ": " + e.Message;
            return (fallback, $"{displayPath}:{e.Location.Line}:{e.Location.Column}{message}");
        }
        catch (IOException e)
        {
            return (fallback, $"{displayPath}: {e.Message}");
        }
    }

    /// <summary>Orders strings with embedded numbers numerically (test-2 &lt; test-10).</summary>
    private sealed class NaturalComparer : IComparer<string>
    {
        public static readonly NaturalComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            x ??= "";
            y ??= "";
            int i = 0;
            int j = 0;
            while (i < x.Length && j < y.Length)
            {
                if (char.IsDigit(x[i]) && char.IsDigit(y[j]))
                {
                    int si = i;
                    int sj = j;
                    while (i < x.Length && char.IsDigit(x[i]))
                    {
                        i++;
                    }

                    while (j < y.Length && char.IsDigit(y[j]))
                    {
                        j++;
                    }

                    string a = x[si..i].TrimStart('0');
                    string b = y[sj..j].TrimStart('0');
                    int c = a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);
                    if (c != 0)
                    {
                        return c;
                    }
                }
                else
                {
                    int c = x[i].CompareTo(y[j]);
                    if (c != 0)
                    {
                        return c;
                    }

                    i++;
                    j++;
                }
            }

            return (x.Length - i).CompareTo(y.Length - j);
        }
    }
}
