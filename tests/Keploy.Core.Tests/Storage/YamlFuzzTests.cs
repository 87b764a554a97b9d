using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Storage;

namespace Keploy.Core.Tests.Storage;

/// <summary>
/// Feeds generated bad YAML to the loader that <c>dotnet keploy test</c> uses (<see cref="TestSetStore.Load"/>, then the Http
/// views the replay builds) and requires, for every file, a one-line <see cref="KeployFormatException"/> naming
/// <c>file:line:column</c>, no other exception, within bounded allocation and time.
/// </summary>
public partial class YamlFuzzTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Seed = 20261201;

    /// <summary>Allocation allowed for loading one bad file (the largest fixture is a few hundred KB).</summary>
    private const long MaxAllocatedBytesPerCase = 96L * 1024 * 1024;

    private static readonly TimeSpan MaxTimePerCase = TimeSpan.FromSeconds(20);

    [Fact]
    public void ThousandsOfBadFiles_EachGiveOneLineFileLineColumnError_InBoundedMemoryAndTime()
    {
        List<BadCase> cases = Generate(new Random(Seed)).ToList();
        Assert.True(cases.Count >= 1000, $"only {cases.Count} cases generated");
        Dictionary<string, int> perKind = cases.GroupBy(c => c.Kind).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(new[] { "truncated", "wrong-type", "alias-bomb", "deep-nesting", "binary" }, k => Assert.True(perKind.GetValueOrDefault(k) >= 50, $"{k}: {perKind.GetValueOrDefault(k)} cases"));

        string root = StorageTestPaths.NewTempDir();
        var failures = new List<string>();
        var timePerKind = new Dictionary<string, TimeSpan>();
        long worstBytes = 0;
        TimeSpan worstTime = TimeSpan.Zero;
        int index = 0;
        foreach (BadCase c in cases)
        {
            string dir = Path.Combine(root, "case-" + index++);
            var store = new TestSetStore(dir);
            string set = "test-set-0";
            Directory.CreateDirectory(store.TestsDirectory(set));
            string badPath = c.InMocks ? store.MocksPath(set) : Path.Combine(store.TestsDirectory(set), "test-1.yaml");
            File.WriteAllBytes(badPath, c.Bytes);
            if (c.InMocks)
            {
                File.WriteAllText(Path.Combine(store.TestsDirectory(set), "test-1.yaml"), ValidTest);
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            Stopwatch sw = Stopwatch.StartNew();
            Exception? thrown = null;
            try
            {
                LoadLikeReplay(store, set);
            }
            catch (Exception ex)
            {
                thrown = ex;
            }

            sw.Stop();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            worstBytes = Math.Max(worstBytes, allocated);
            worstTime = sw.Elapsed > worstTime ? sw.Elapsed : worstTime;
            timePerKind[c.Kind] = timePerKind.GetValueOrDefault(c.Kind) + sw.Elapsed;
            string label = $"{c.Kind} ({c.Description})";
            if (thrown is null)
            {
                failures.Add($"{label}: loaded without an error");
            }
            else if (thrown is not KeployFormatException kfe)
            {
                failures.Add($"{label}: {thrown.GetType().Name}: {thrown.Message}");
            }
            else if (!Regex.IsMatch(kfe.Message, "^" + Regex.Escape(badPath) + @":\d+:\d+: \S") || kfe.Message.Contains('\n') || kfe.Message.Contains('\r'))
            {
                failures.Add($"{label}: not a one-line '{badPath}:line:column: ...' error: {kfe.Message}");
            }

            if (allocated > MaxAllocatedBytesPerCase)
            {
                failures.Add($"{label}: allocated {allocated / (1024 * 1024)} MB");
            }

            if (sw.Elapsed > MaxTimePerCase)
            {
                failures.Add($"{label}: took {sw.Elapsed.TotalSeconds:F1} s");
            }

            Directory.Delete(dir, recursive: true);
        }

        output.WriteLine($"{cases.Count} cases; worst {worstBytes / 1024} KB allocated, {worstTime.TotalMilliseconds:F0} ms; "
            + string.Join(", ", timePerKind.Select(p => $"{p.Key}: {perKind[p.Key]} in {p.Value.TotalSeconds:F1} s")));
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} cases failed (worst {worstBytes / 1024} KB, {worstTime.TotalMilliseconds:F0} ms):\n" + string.Join("\n", failures.Take(40)));
        Assert.True(worstBytes < MaxAllocatedBytesPerCase);
    }

    [Fact]
    public void EveryRealTestSet_StillLoads()
    {
        // The checks must not reject what Keploy and this tool write: every fixture and sample test-set loads.
        IEnumerable<string> roots = Directory.EnumerateDirectories(StorageTestPaths.Fixtures, "keploy", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateDirectories(Path.Combine(StorageTestPaths.RepoRoot, "samples"), "keploy", SearchOption.AllDirectories))
            .Where(d => !d.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Select(d => Path.GetDirectoryName(d)!);
        int sets = 0, tests = 0, mocks = 0;
        foreach (string root in roots)
        {
            var store = new TestSetStore(root);
            foreach (string set in store.ListTestSets())
            {
                if (store.ListTestCaseFiles(set).Count == 0 && !File.Exists(store.MocksPath(set)))
                {
                    continue;
                }

                LoadedTestSet loaded = store.Load(set);
                sets++;
                tests += loaded.Tests.Count;
                mocks += loaded.Mocks.Count;
            }
        }

        Assert.True(sets >= 10 && tests >= 40 && mocks >= 300, $"{sets} sets, {tests} tests, {mocks} mocks");
    }

    [Fact]
    public void LineBoundaryTruncationsOfATestFile_BeforeCreated_AreErrors()
    {
        // A cut right after a newline still ends with one; the required fields catch every cut that loses what a replay needs.
        string[] lines = ValidTest.Split('\n');
        int created = Array.FindIndex(lines, l => l.StartsWith("  created:", StringComparison.Ordinal));
        Assert.True(created > 5);
        string dir = StorageTestPaths.NewTempDir();
        var store = new TestSetStore(dir);
        Directory.CreateDirectory(store.TestsDirectory("test-set-0"));
        string path = Path.Combine(store.TestsDirectory("test-set-0"), "test-1.yaml");
        for (int keep = 0; keep < created; keep++)
        {
            File.WriteAllText(path, string.Concat(lines.Take(keep).Select(l => l + "\n")));
            var ex = Assert.Throws<KeployFormatException>(() => LoadLikeReplay(store, "test-set-0"));
            Assert.StartsWith(path + ":", ex.Message);
        }

        File.WriteAllText(path, ValidTest);
        Assert.Single(store.Load("test-set-0").Tests);
    }

    [Theory]
    [InlineData("status_code: 200", "status_code: \"abc\"", "spec.resp.status_code: expected an integer 100..999, found 'abc'")]
    [InlineData("status_code: 200", "status_code: 12345678901234567890", "spec.resp.status_code: expected an integer 100..999")]
    [InlineData("status_code: 200", "status_code: 2000", "spec.resp.status_code")]
    [InlineData("  created: 1760612158", "  created: soon", "spec.created: expected an integer, found 'soon'")]
    [InlineData("    timestamp: 2025-10-16T10:55:58.533Z", "    timestamp: yesterday", "spec.req.timestamp: expected an RFC3339 timestamp")]
    [InlineData("    proto_major: 1", "    proto_major: one", "spec.req.proto_major")]
    [InlineData("  app_port: 8080", "  app_port: 99999", "spec.app_port")]
    public void TypedFieldsThatDoNotParse_AreErrorsNotDefaults(string good, string bad, string expected)
    {
        Assert.Contains(good + "\n", ValidTest);
        string dir = StorageTestPaths.NewTempDir();
        var store = new TestSetStore(dir);
        Directory.CreateDirectory(store.TestsDirectory("test-set-0"));
        string path = Path.Combine(store.TestsDirectory("test-set-0"), "test-1.yaml");
        File.WriteAllText(path, ReplaceFirst(ValidTest, good, bad));
        var ex = Assert.Throws<KeployFormatException>(() => store.Load("test-set-0"));
        int line = ValidTest[..ValidTest.IndexOf(good, StringComparison.Ordinal)].Count(ch => ch == '\n') + 1;
        Assert.StartsWith($"{path}:{line}:", ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void WrongTypeInAMock_IsAnError()
    {
        string dir = StorageTestPaths.NewTempDir();
        var store = new TestSetStore(dir);
        Directory.CreateDirectory(store.TestsDirectory("test-set-0"));
        File.WriteAllText(Path.Combine(store.TestsDirectory("test-set-0"), "test-1.yaml"), ValidTest);
        File.WriteAllText(store.MocksPath("test-set-0"), ReplaceFirst(ValidMock, "status_code: 200", "status_code: \"abc\""));
        var ex = Assert.Throws<KeployFormatException>(() => store.Load("test-set-0"));
        Assert.StartsWith(store.MocksPath("test-set-0") + ":", ex.Message);
        Assert.Contains("status_code", ex.Message);
        File.WriteAllText(store.MocksPath("test-set-0"), ValidMock);
        Assert.Single(store.Load("test-set-0").Mocks);
    }

    [Fact]
    public void EmptyTestFile_IsAnError()
    {
        string dir = StorageTestPaths.NewTempDir();
        var store = new TestSetStore(dir);
        Directory.CreateDirectory(store.TestsDirectory("test-set-0"));
        string path = Path.Combine(store.TestsDirectory("test-set-0"), "test-1.yaml");
        foreach (string text in new[] { "", "\n", "# Generated by Keploy (3-dev)\n", "---\n" })
        {
            File.WriteAllText(path, text);
            var ex = Assert.Throws<KeployFormatException>(() => store.Load("test-set-0"));
            Assert.StartsWith(path + ":1:1: ", ex.Message);
        }
    }

    [Fact]
    public void AliasBomb_InNoise_FailsFastWithTheLimit()
    {
        string dir = StorageTestPaths.NewTempDir();
        var store = new TestSetStore(dir);
        Directory.CreateDirectory(store.TestsDirectory("test-set-0"));
        string path = Path.Combine(store.TestsDirectory("test-set-0"), "test-1.yaml");
        File.WriteAllText(path, ReplaceFirst(ValidTest, "    noise:\n", "    noise:\n" + AliasBomb(9, 9, "      ") + "      x: *a8\n"));
        Assert.True(new FileInfo(path).Length < 3000);
        Stopwatch sw = Stopwatch.StartNew();
        var ex = Assert.Throws<KeployFormatException>(() => store.Load("test-set-0"));
        Assert.Contains("aliases expanded (limit", ex.Message);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), sw.Elapsed.ToString());
    }

    [Fact]
    public void DeepNesting_35000Levels_IsAnErrorNotAStackOverflow()
    {
        string dir = StorageTestPaths.NewTempDir();
        var store = new TestSetStore(dir);
        Directory.CreateDirectory(store.TestsDirectory("test-set-0"));
        string path = Path.Combine(store.TestsDirectory("test-set-0"), "test-1.yaml");
        File.WriteAllText(path, ReplaceFirst(ValidTest, "  objects: []\n", "  objects: " + new string('[', 35000) + new string(']', 35000) + "\n"));
        var ex = Assert.Throws<KeployFormatException>(() => store.Load("test-set-0"));
        Assert.Matches(@":\d+:\d+: nested deeper than 200 levels \(limit\)$", ex.Message);
    }

    [Fact]
    public void DocumentSizeLimit_StopsReadingAHugeScalar()
    {
        var limits = new YamlLimits { MaxDocumentChars = 4096 };
        string text = "kind: Http\nspec:\n  body: " + new string('x', 1 << 20) + "\n";
        var ex = Assert.Throws<KeployFormatException>(() => KeployYaml.ReadNodes(new StringReader(text), "big.yaml", limits).ToList());
        Assert.StartsWith("big.yaml:", ex.Message);
        Assert.Contains("document longer than 4096 characters (limit)", ex.Message);
        // Each document of a multi-document file has its own budget.
        string two = "a: " + new string('x', 3000) + "\n---\nb: " + new string('y', 3000) + "\n";
        Assert.Equal(2, KeployYaml.ReadNodes(new StringReader(two), "two.yaml", limits).Count());
    }

    [Theory]
    [InlineData("test:\n  globalNoise:\n    global:\n{BOMB}      body: {x: *a8}\n", "aliases expanded (limit")]
    [InlineData("test:\n  selectedTests: {DEEP}\n", "nested deeper than 200 levels (limit)")]
    [InlineData("test:\n  selectedTests:\n    [a]: [test-1]\n", "a test-set name (scalar) as key")]
    [InlineData("proxyPort: 123456789012345678901\n", "proxyPort: expected an integer")]
    public void KeployYml_PassesTheSameLimits(string text, string expected)
    {
        string dir = StorageTestPaths.NewTempDir();
        string path = Path.Combine(dir, "keploy.yml");
        File.WriteAllText(path, text.Replace("{BOMB}", AliasBomb(9, 9, "      ").Replace("a0:", "x0:"), StringComparison.Ordinal)
            .Replace("{DEEP}", new string('[', 35000) + new string(']', 35000), StringComparison.Ordinal));
        var ex = Assert.Throws<KeployFormatException>(() => Keploy.Core.Config.KeployConfig.Load(path));
        Assert.Matches("^" + Regex.Escape(path) + @":\d+:\d+: ", ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    /// <summary>The replay's load: <see cref="TestSetStore.Load"/>, then the typed Http views built for tests and mocks.</summary>
    private static void LoadLikeReplay(TestSetStore store, string set)
    {
        LoadedTestSet loaded = store.Load(set);
        foreach (TestCase t in loaded.Tests.Where(t => t.Kind == "Http"))
        {
            _ = HttpSpec.FromTestCase(t);
        }

        foreach (Mock m in loaded.Mocks.Where(m => m.Kind == "Http"))
        {
            _ = HttpSpec.FromMock(m);
        }
    }

    private sealed record BadCase(string Kind, string Description, byte[] Bytes, bool InMocks);

    private static IEnumerable<BadCase> Generate(Random random)
    {
        List<string> files = FixtureFiles().ToList();
        Assert.True(files.Count >= 20, $"{files.Count} fixture files");

        // Truncations: cuts in the middle of a line (a cut right after a newline may be a valid, shorter mocks.yaml).
        foreach (string file in files)
        {
            byte[] bytes = File.ReadAllBytes(file);
            bool mocks = Path.GetFileName(file) == "mocks.yaml";
            for (int i = 0; i < 14; i++)
            {
                int cut = random.Next(1, bytes.Length);
                if (bytes[cut - 1] == (byte)'\n')
                {
                    cut--;
                }

                if (cut <= 0)
                {
                    continue;
                }

                yield return new BadCase("truncated", $"{file} at byte {cut}", bytes[..cut], mocks);
            }
        }

        // Wrong types in typed fields, in tests and mocks.
        string[] badInts = ["\"abc\"", "abc", "12345678901234567890", "-99999999999999999999", "1e3", "2.5", "[200]", "{a: 1}", "0x", "\"200\"", "'200'", "true"];
        (string Pattern, string Name)[] intFields =
        [
            (@"(?m)^(\s*status_code: ).*$", "status_code"),
            (@"(?m)^(\s*proto_major: ).*$", "proto_major"),
            (@"(?m)^(\s*created: ).*$", "created"),
        ];
        string[] badTimes = ["yesterday", "2025-13-45T99:99:99Z", "\"\"x", "[1, 2]", "{t: 1}", "2025-10-16Tnoon"];
        foreach ((string text, bool mocks) in new[] { (ValidTest, false), (ValidMock, true) })
        {
            foreach ((string pattern, string name) in intFields)
            {
                foreach (string bad in badInts)
                {
                    yield return new BadCase("wrong-type", $"{name}: {bad}", Utf8(Regex.Replace(text, pattern, m => m.Groups[1].Value + bad, RegexOptions.None, TimeSpan.FromSeconds(5))), mocks);
                }
            }

            foreach (string bad in badTimes)
            {
                yield return new BadCase("wrong-type", $"timestamp: {bad}", Utf8(Regex.Replace(text, @"(?m)^(\s*timestamp: ).*$", m => m.Groups[1].Value + bad)), mocks);
            }

            foreach (string bad in new[] { "[a, b]", "scalar", "{a: [1]}", "{a: {b: c}}" })
            {
                yield return new BadCase("wrong-type", $"header: {bad}", Utf8(ReplaceFirst(text, "header:\n", "header: " + bad + "\nxheader:\n")), mocks);
            }

            foreach (string bad in new[] { "[a]", "{a: b}" })
            {
                yield return new BadCase("wrong-type", $"body: {bad}", Utf8(Regex.Replace(text, @"(?m)^(\s*body: ).*$", m => m.Groups[1].Value + bad)), mocks);
            }

            foreach (string key in new[] { "req", "resp", "method", "url", "status_code" })
            {
                yield return new BadCase("wrong-type", $"missing {key}", Utf8(Regex.Replace(text, @"(?m)^(\s*)" + key + ":", m => m.Groups[1].Value + "x" + key + ":")), mocks);
            }
        }

        foreach (string bad in new[] { "scalar", "[[a]]", "{a: {b: c}}", "{a: [[x]]}", "{? [a] : []}", "[{a: b}]" })
        {
            yield return new BadCase("wrong-type", $"noise: {bad}", Utf8(ReplaceFirst(ValidTest, "    noise:\n", "    noise: " + bad + "\n    xnoise:\n")), false);
        }

        for (int i = 0; i < 60; i++)
        {
            int a = random.Next(0, 256), b = random.Next(0, 65536);
            string bad = random.Next(4) switch { 0 => "!!binary " + a, 1 => a + "." + b, 2 => "\"" + b + "x\"", _ => (b * 1000003L).ToString() + "123456789012345" };
            yield return new BadCase("wrong-type", $"status_code: {bad}", Utf8(ReplaceFirst(ValidTest, "status_code: 200", "status_code: " + bad)), false);
        }

        // Alias bombs in noise, url_params, headers and mocks.
        for (int i = 0; i < 120; i++)
        {
            int width = random.Next(6, 12);
            int depth = (int)Math.Ceiling(8 / Math.Log10(width)) + random.Next(0, 3); // width^depth > 10^8: past the 10^7 limit
            string bomb = AliasBomb(width, depth, "      ");
            string last = "*a" + (depth - 1);
            (string Where, string Text, bool Mocks) target = (i % 4) switch
            {
                0 => ("noise", ReplaceFirst(ValidTest, "    noise:\n", "    noise:\n" + bomb + "      x: " + last + "\n"), false),
                1 => ("url_params", ReplaceFirst(ValidTest, "    url: http://localhost:8080/items/1\n", "    url: http://localhost:8080/items/1\n    url_params:\n" + bomb + "      q: " + last + "\n"), false),
                2 => ("objects", ReplaceFirst(ValidTest, "  objects: []\n", "  objects:\n" + Indent(bomb, "  ") + "    - " + last + "\n"), false),
                _ => ("mock metadata", ReplaceFirst(ValidMock, "    metadata:\n", "    metadata:\n" + Indent(bomb, "  ") + "        x: " + last + "\n"), true),
            };
            yield return new BadCase("alias-bomb", $"{target.Where} {width}^{depth}", Utf8(target.Text), target.Mocks);
        }

        // Deep nesting: flow and block, in several places.
        for (int i = 0; i < 120; i++)
        {
            int depth = random.Next(201, 40000);
            string nested = (i % 3) switch
            {
                0 => new string('[', depth) + new string(']', depth),
                1 => string.Concat(Enumerable.Repeat("{a: ", depth)) + "1" + new string('}', depth),
                _ => new string('[', depth), // unclosed as well
            };
            string text = (i % 2) == 0
                ? ReplaceFirst(ValidTest, "  objects: []\n", "  objects: " + nested + "\n")
                : ReplaceFirst(ValidTest, "    noise:\n", "    noise:\n      deep: " + nested + "\n");
            yield return new BadCase("deep-nesting", $"{(i % 3 == 0 ? "flow seq" : i % 3 == 1 ? "flow map" : "unclosed")} depth {depth}", Utf8(text), false);
        }

        for (int i = 0; i < 20; i++)
        {
            int depth = random.Next(201, 1200);
            var sb = new StringBuilder(ValidTest.Replace("  objects: []\n", "  objects:\n", StringComparison.Ordinal));
            sb.Append("xdeep:\n");
            for (int d = 1; d < depth; d++)
            {
                sb.Append(' ', d).Append("k:\n");
            }

            yield return new BadCase("deep-nesting", $"block depth {depth}", Utf8(sb.ToString()), false);
        }

        // Binary garbage, raw and after a valid-looking start.
        for (int i = 0; i < 150; i++)
        {
            byte[] garbage = new byte[random.Next(1, 4096)];
            random.NextBytes(garbage);
            if (i % 3 == 1)
            {
                garbage = [.. Utf8(ValidTest[..random.Next(20, ValidTest.Length)]), .. garbage];
            }

            garbage[0] = garbage[0] is (byte)'\n' or (byte)' ' or (byte)'#' or (byte)'\r' or (byte)'\t' ? (byte)0x01 : garbage[0];
            yield return new BadCase("binary", $"{garbage.Length} bytes, variant {i % 3}", garbage, false);
        }
    }

    private static IEnumerable<string> FixtureFiles()
    {
        IEnumerable<string> shared = Directory.EnumerateFiles(StorageTestPaths.Fixtures, "*.yaml", SearchOption.AllDirectories);
        IEnumerable<string> samples = Directory.EnumerateFiles(Path.Combine(StorageTestPaths.RepoRoot, "samples"), "*.yaml", SearchOption.AllDirectories)
            .Where(p => p.Contains(Path.DirectorySeparatorChar + "keploy" + Path.DirectorySeparatorChar, StringComparison.Ordinal));
        return shared.Concat(samples)
            .Where(p => p.Contains(Path.DirectorySeparatorChar + "tests" + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.GetFileName(p) == "mocks.yaml")
            .Where(p => !p.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .OrderBy(p => p, StringComparer.Ordinal);
    }

    /// <summary><c>a0: &amp;a0 [x, x, ...]</c>, then each level a list of <paramref name="width"/> aliases of the one before.</summary>
    private static string AliasBomb(int width, int depth, string indent)
    {
        var sb = new StringBuilder();
        sb.Append(indent).Append("a0: &a0 [").Append(string.Join(", ", Enumerable.Repeat("x", width))).Append("]\n");
        for (int level = 1; level < depth; level++)
        {
            sb.Append(indent).Append('a').Append(level).Append(": &a").Append(level).Append(" [")
              .Append(string.Join(", ", Enumerable.Repeat("*a" + (level - 1), width))).Append("]\n");
        }

        return sb.ToString();
    }

    private static string Indent(string text, string indent) =>
        string.Concat(text.Split('\n').Where(l => l.Length > 0).Select(l => indent + l + "\n"));

    private static string ReplaceFirst(string text, string what, string with)
    {
        int i = text.IndexOf(what, StringComparison.Ordinal);
        Assert.True(i >= 0, $"'{what}' not in the template");
        return string.Concat(text.AsSpan(0, i), with, text.AsSpan(i + what.Length));
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private const string ValidTest = """
        # Generated by Keploy (3-dev)
        version: api.keploy.io/v1beta1
        kind: Http
        name: test-1
        spec:
          metadata: {}
          req:
            method: GET
            proto_major: 1
            proto_minor: 1
            url: http://localhost:8080/items/1
            header:
              Accept: '*/*'
              Host: localhost:8080
            body: ""
            timestamp: 2025-10-16T10:55:58.533Z
          resp:
            status_code: 200
            header:
              Content-Type: application/json
            body: '{"id":1}'
            status_message: OK
            proto_major: 0
            proto_minor: 0
            timestamp: 2025-10-16T10:55:58.534Z
          objects: []
          assertions:
            noise:
              header.Date: []
          created: 1760612158
          app_port: 8080
        curl: |
          curl --request GET \
            --url http://localhost:8080/items/1

        """;

    private const string ValidMock = """
        # Generated by Keploy (3-dev)
        version: api.keploy.io/v1beta1
        kind: Http
        name: mock-0
        spec:
            metadata:
                name: Http
                type: HTTP_CLIENT
            req:
                method: GET
                proto_major: 1
                proto_minor: 1
                url: http://catalog:5001/items/1
                header:
                    Host: catalog:5001
                body: ""
                timestamp: 0001-01-01T00:00:00Z
            resp:
                status_code: 200
                header:
                    Content-Type: application/json
                body: '{"id":1}'
                status_message: OK
                proto_major: 0
                proto_minor: 0
                timestamp: 0001-01-01T00:00:00Z
            objects: []
            created: 1760612158
            reqTimestampMock: 2025-10-16T10:55:58.533461222Z
            resTimestampMock: 2025-10-16T10:55:58.534Z

        """;
}
