using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Microsoft.Win32.SafeHandles;
using Keploy.Core.Models;
using Keploy.Core.Replay;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Storage;

/// <summary>
/// Keploy's on-disk layout under <c>&lt;path&gt;/keploy/</c> (docs/keploy-reference.md §3): <c>test-set-N/tests/*.yaml</c>,
/// <c>test-set-N/mocks.yaml</c>, <c>mappings.yaml</c>, <c>config.yaml</c>, and <c>reports/test-run-N/</c>.
/// </summary>
/// <remarks>Test cases, reports and whole-file rewrites are written atomically (temp file in the same folder, then rename).
/// New test-set and test-run folders are claimed with a rename, so concurrent recorders never share one.</remarks>
public sealed partial class TestSetStore
{
    private readonly object _nameLock = new();
    private readonly Dictionary<string, long> _nextTestNumber = new(StringComparer.Ordinal);

    /// <summary>Creates a store over <paramref name="path"/>, the folder that holds (or will hold) <c>keploy/</c>.</summary>
    public TestSetStore(string path)
    {
        RootPath = Path.GetFullPath(path);
        KeployDirectory = Path.Combine(RootPath, "keploy");
    }

    /// <summary>The folder holding <c>keploy/</c> (Keploy's <c>--path</c>).</summary>
    public string RootPath { get; }

    /// <summary><c>&lt;path&gt;/keploy</c>.</summary>
    public string KeployDirectory { get; }

    /// <summary><c>&lt;path&gt;/keploy/reports</c>.</summary>
    public string ReportsDirectory => Path.Combine(KeployDirectory, "reports");

    /// <summary>The folder of a test-set.</summary>
    public string TestSetDirectory(string testSetId) => Path.Combine(KeployDirectory, testSetId);

    /// <summary>The <c>tests</c> folder of a test-set.</summary>
    public string TestsDirectory(string testSetId) => Path.Combine(TestSetDirectory(testSetId), "tests");

    /// <summary>The test case journal of a test-set being recorded (<c>&lt;test-set&gt;/.tests.journal</c>, see <see cref="TestCaseJournal"/>).</summary>
    internal string JournalPath(string testSetId) => Path.Combine(TestSetDirectory(testSetId), TestCaseJournal.FileName);

    /// <summary>Where this store reports a journal record it dropped or could not materialise (one line each); stderr by default.</summary>
    public Action<string> Log { get; set; } = Console.Error.WriteLine;

    /// <summary>The <c>mocks.yaml</c> path of a test-set.</summary>
    public string MocksPath(string testSetId) => Path.Combine(TestSetDirectory(testSetId), "mocks.yaml");

    /// <summary>
    /// Test-set ids in natural order: every <c>test-set-N</c> folder, plus any other folder of <c>keploy/</c> that has <c>tests/</c>
    /// or <c>mocks.yaml</c> (mock sets of <c>keploy mock record --name</c>); <c>reports</c>/<c>testReports</c> are excluded.
    /// Empty when <c>keploy/</c> does not exist.
    /// </summary>
    public IReadOnlyList<string> ListTestSets()
    {
        if (!Directory.Exists(KeployDirectory))
        {
            return [];
        }

        var result = new List<string>();
        foreach (string dir in Directory.EnumerateDirectories(KeployDirectory))
        {
            string name = Path.GetFileName(dir);
            if (name.StartsWith('.') || name is "reports" or "testReports")
            {
                continue;
            }

            if (TestSetNumberRegex().IsMatch(name) || Directory.Exists(Path.Combine(dir, "tests")) || File.Exists(Path.Combine(dir, "mocks.yaml")))
            {
                result.Add(name);
            }
        }

        result.Sort(NaturalStringComparer.Instance);
        return result;
    }

    /// <summary>
    /// Creates <c>keploy/test-set-N</c> (with an empty <c>tests/</c>), N = one past the highest existing N (0 when none), and
    /// returns its id. The folder is prepared under a temporary name and renamed into place; a rename that loses a race to
    /// another recorder moves on to N+1.
    /// </summary>
    /// <exception cref="IOException">The folder cannot be created.</exception>
    public string CreateNextTestSet() => CreateNextNumbered(KeployDirectory, "test-set-", "tests");

    /// <summary>Creates <c>keploy/reports/test-run-N</c> (N = one past the highest) the same way and returns its full path.</summary>
    public string CreateNextTestRun() => Path.Combine(ReportsDirectory, CreateNextNumbered(ReportsDirectory, "test-run-", null));

    /// <summary>The test case files of a set (<c>tests/*.yaml</c>, <c>*.yml</c>) in natural order of file name.</summary>
    /// <remarks>A test case journal left by a recorder that was killed (<see cref="RecoverTestCaseJournal"/>) is materialised first.</remarks>
    public IReadOnlyList<string> ListTestCaseFiles(string testSetId)
    {
        RecoverTestCaseJournal(testSetId);
        string dir = TestsDirectory(testSetId);
        if (!Directory.Exists(dir))
        {
            return [];
        }

        var files = Directory.EnumerateFiles(dir)
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
            .Where(f => !Path.GetFileName(f).StartsWith('.'))
            .ToList();
        files.Sort((a, b) => NaturalStringComparer.Instance.Compare(Path.GetFileName(a), Path.GetFileName(b)));
        return files;
    }

    /// <summary>Reads the test cases of a set in natural file-name order (test-1, test-2, test-10).</summary>
    /// <exception cref="KeployFormatException">A file is malformed (file:line:column).</exception>
    public IEnumerable<TestCase> ReadTestCases(string testSetId)
    {
        foreach (string file in ListTestCaseFiles(testSetId))
        {
            foreach (TestCase tc in KeployYaml.ReadTestCases(file))
            {
                yield return tc;
            }
        }
    }

    /// <summary>Streams the mocks of a set from <c>mocks.yaml</c>; empty when the file does not exist.</summary>
    /// <exception cref="KeployFormatException">The file is malformed (file:line:column).</exception>
    public IEnumerable<Mock> ReadMocks(string testSetId)
    {
        string path = MocksPath(testSetId);
        return File.Exists(path) ? KeployYaml.ReadMocks(path) : [];
    }

    /// <summary>
    /// The mocks of <c>mocks.yaml</c> as replay keeps them (<see cref="MockCompaction.ForReplay"/>: an Http mock holds its typed
    /// view, not its YAML tree), lazily, in file order; none when there is no mocks.yaml.
    /// </summary>
    /// <exception cref="KeployFormatException">A malformed mock (file:line:column).</exception>
    public IEnumerable<Mock> ReadMocksForReplay(string testSetId)
    {
        string path = MocksPath(testSetId);
        return File.Exists(path) ? KeployYaml.ReadMocks(path, MockCompaction.ForReplay, MockCompaction.TryReadForReplay) : [];
    }

    /// <summary>
    /// Loads a test-set for replay, as <c>dotnet keploy test</c> does: every test case of <c>tests/</c> (selected by
    /// <paramref name="include"/>) and every mock of <c>mocks.yaml</c>, each read within <see cref="YamlLimits.Default"/> and checked
    /// by <see cref="KeployDocumentValidator"/>. Mocks are kept compact where replay allows (<see cref="MockCompaction.ForReplay"/>).
    /// </summary>
    /// <exception cref="KeployFormatException">A file is malformed, empty, cut short, past a limit, or holds a field that does not parse (file:line:column).</exception>
    public LoadedTestSet Load(string testSetId, Func<TestCase, bool>? include = null)
    {
        List<TestCase> tests = ReadTestCases(testSetId).Where(t => include is null || include(t)).ToList();
        return new LoadedTestSet(testSetId, tests, ReadMocksForReplay(testSetId).ToList());
    }

    /// <summary>The raw <c>config.yaml</c> of a set (<c>preScript</c>, <c>postScript</c>, <c>appCommand</c>, <c>template</c>, <c>metadata</c>, <c>mockRegistry</c>), or null.</summary>
    /// <exception cref="KeployFormatException">The file is malformed or not a mapping.</exception>
    public YamlMappingNode? ReadTestSetConfig(string testSetId)
    {
        string path = Path.Combine(TestSetDirectory(testSetId), "config.yaml");
        if (!File.Exists(path))
        {
            return null;
        }

        YamlNode? root = KeployYaml.ReadSingle(path);
        if (root is null)
        {
            return null;
        }

        return root as YamlMappingNode ?? throw new KeployFormatException(KeployYaml.At(path, root.Start), "config.yaml: expected a mapping");
    }

    /// <summary>The set's <c>mappings.yaml</c>, or null when absent.</summary>
    /// <exception cref="KeployFormatException">The file is malformed.</exception>
    public TestMocksMapping? ReadMappings(string testSetId)
    {
        string path = Path.Combine(TestSetDirectory(testSetId), "mappings.yaml");
        if (!File.Exists(path))
        {
            return null;
        }

        foreach ((YamlNode root, SourceLocation location) in KeployYaml.ReadNodes(path))
        {
            return TestMocksMapping.FromNode(root, location);
        }

        return null;
    }

    /// <summary>Writes the set's <c>mappings.yaml</c> atomically (4-space indent).</summary>
    public void WriteMappings(string testSetId, TestMocksMapping mapping)
    {
        KeployYaml.CreateDirectory(TestSetDirectory(testSetId));
        KeployYaml.WriteAllTextAtomic(Path.Combine(TestSetDirectory(testSetId), "mappings.yaml"), KeployYaml.FormatFile([mapping.ToNode()], KeployYaml.MockIndent));
    }

    /// <summary>
    /// Reserves the next free test name <c>&lt;prefix&gt;-N</c> in a set (N from 1, past every existing file and earlier reservation
    /// of this store). Thread-safe.
    /// </summary>
    public string NextTestName(string testSetId, string prefix = "test")
    {
        lock (_nameLock)
        {
            string key = testSetId + "\0" + prefix;
            if (!_nextTestNumber.TryGetValue(key, out long next))
            {
                next = 1;
                foreach (string file in ListTestCaseFiles(testSetId))
                {
                    string name = Path.GetFileNameWithoutExtension(file);
                    if (name.StartsWith(prefix + "-", StringComparison.Ordinal)
                        && long.TryParse(name.AsSpan(prefix.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long n) && n >= next)
                    {
                        next = n + 1;
                    }
                }
            }

            _nextTestNumber[key] = next + 1;
            return prefix + "-" + next.ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>
    /// Writes a test case to <c>tests/&lt;name&gt;.yaml</c> atomically (2-space indent, header line) and sets
    /// <see cref="TestCase.FilePath"/>. Returns the path.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty or not a plain file name.</exception>
    public string WriteTestCase(string testSetId, TestCase testCase) => WriteTestCase(testSetId, testCase, flushToDisk: true);

    /// <summary>
    /// <see cref="WriteTestCase(string, TestCase)"/> with a choice of durability: with <paramref name="flushToDisk"/> false the
    /// temp file is renamed into place without an fsync (still atomic for readers and against a crash of this process; an OS
    /// crash may lose it until <see cref="FlushToDisk"/> runs). Record mode's background writer uses false and syncs in batches.
    /// </summary>
    internal string WriteTestCase(string testSetId, TestCase testCase, bool flushToDisk)
    {
        ArgumentNullException.ThrowIfNull(testCase);
        if (string.IsNullOrEmpty(testCase.Name) || testCase.Name.IndexOfAny(['/', '\\', '\0']) >= 0 || testCase.Name is "." or "..")
        {
            throw new ArgumentException($"test case name '{testCase.Name}' is not a valid file name", nameof(testCase));
        }

        string dir = TestsDirectory(testSetId);
        KeployYaml.CreateDirectory(dir);
        string path = Path.Combine(dir, testCase.Name + ".yaml");
        testCase.FilePath = path;
        KeployYaml.WriteAllTextAtomic(path, KeployYaml.FormatTestCase(testCase), flushToDisk);

        return path;
    }

    /// <summary>
    /// Materialises the test case journal a killed recorder left in the test-set (every whole record becomes
    /// <c>tests/&lt;name&gt;.yaml</c>, a torn last record is dropped with one line to <see cref="Log"/>, then the journal is
    /// deleted). Nothing happens without a journal or while a live recorder holds it. Returns the files written.
    /// </summary>
    public int RecoverTestCaseJournal(string testSetId)
    {
        string journal = JournalPath(testSetId);
        if (!File.Exists(journal))
        {
            return 0;
        }

        try
        {
            return TestCaseJournal.Recover(journal, TestsDirectory(testSetId), Log);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log($"{journal}: could not materialise the test cases recorded in it: {ex.Message}");
            return 0;
        }
    }

    /// <summary>Creates the test-set's test case journal, locked for this recorder (record mode's <see cref="Record.TestCaseWriter"/>).</summary>
    /// <exception cref="IOException">It cannot be created or another recorder holds it.</exception>
    internal TestCaseJournal OpenTestCaseJournal(string testSetId)
    {
        KeployYaml.CreateDirectory(TestsDirectory(testSetId));
        return TestCaseJournal.Create(JournalPath(testSetId));
    }

    /// <summary>Writes <c>tests/&lt;name&gt;.yaml</c> from already formatted bytes, atomically, not fsynced (see <see cref="FlushToDisk"/>).</summary>
    /// <exception cref="ArgumentException">The name is not a plain file name.</exception>
    internal string WriteTestCaseFile(string testSetId, string name, ReadOnlySpan<byte> content)
    {
        if (!TestCaseJournal.IsPlainName(name))
        {
            throw new ArgumentException($"test case name '{name}' is not a valid file name", nameof(name));
        }

        string path = Path.Combine(TestsDirectory(testSetId), name + ".yaml");
        KeployYaml.WriteAllBytesAtomic(path, content, flushToDisk: false);
        return path;
    }

    /// <summary>
    /// Flushes every file system buffer of the file system holding the test-set to disk (Linux <c>syncfs(2)</c> on the tests
    /// folder; elsewhere an fsync of each test case file). Makes test cases written with <c>flushToDisk: false</c> durable.
    /// </summary>
    internal void FlushToDisk(string testSetId)
    {
        string dir = TestsDirectory(testSetId);
        if (!Directory.Exists(dir))
        {
            return;
        }

        if (OperatingSystem.IsLinux() && SyncFileSystem(dir))
        {
            return;
        }

        foreach (string file in Directory.EnumerateFiles(dir, "*.yaml"))
        {
            using FileStream fs = new(file, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            fs.Flush(flushToDisk: true);
        }
    }

    private static bool SyncFileSystem(string dir)
    {
        int fd = LibC.Open(dir, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            return false;
        }

        try
        {
            return LibC.SyncFs(fd) == 0;
        }
        finally
        {
            _ = LibC.Close(fd);
        }
    }

    private static partial class LibC
    {
        [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Open(string path, int flags);

        [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
        internal static partial int SyncFs(int fd);

        [LibraryImport("libc", EntryPoint = "close")]
        internal static partial int Close(int fd);
    }

    /// <summary>Opens the appending mock writer of a set (creates the folder). Dispose it when recording stops.</summary>
    public MockFileWriter OpenMockWriter(string testSetId)
    {
        KeployYaml.CreateDirectory(TestSetDirectory(testSetId));
        return new MockFileWriter(MocksPath(testSetId));
    }

    /// <summary>Replaces a set's <c>mocks.yaml</c> with <paramref name="mocks"/> atomically (for <c>--remove-unused-mocks</c>).</summary>
    public void RewriteMocks(string testSetId, IEnumerable<Mock> mocks)
    {
        KeployYaml.CreateDirectory(TestSetDirectory(testSetId));
        KeployYaml.WriteAllTextAtomic(MocksPath(testSetId), KeployYaml.FormatMocks(mocks));
    }

    /// <summary>Writes <c>&lt;testRunDirectory&gt;/&lt;testSetId&gt;-report.yaml</c> atomically (4-space indent, header line). Returns the path.</summary>
    public static string WriteReport(string testRunDirectory, string testSetId, YamlMappingNode report)
    {
        KeployYaml.CreateDirectory(testRunDirectory);
        string path = Path.Combine(testRunDirectory, testSetId + "-report.yaml");
        KeployYaml.WriteAllTextAtomic(path, KeployYaml.FormatFile([report], KeployYaml.MockIndent));
        return path;
    }

    /// <summary>Writes <c>&lt;testRunDirectory&gt;/coverage.yaml</c> atomically. Returns the path.</summary>
    public static string WriteCoverage(string testRunDirectory, YamlMappingNode coverage)
    {
        KeployYaml.CreateDirectory(testRunDirectory);
        string path = Path.Combine(testRunDirectory, "coverage.yaml");
        KeployYaml.WriteAllTextAtomic(path, KeployYaml.FormatFile([coverage], KeployYaml.MockIndent));
        return path;
    }

    /// <summary>Parses N of <c>&lt;prefix&gt;N</c>; false for anything else.</summary>
    internal static bool TryParseNumber(string name, string prefix, out long number)
    {
        number = 0;
        return name.StartsWith(prefix, StringComparison.Ordinal) && name.Length > prefix.Length
            && long.TryParse(name.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }

    private static string CreateNextNumbered(string parent, string prefix, string? placeholderChild)
    {
        KeployYaml.CreateDirectory(parent);
        long next = 0;
        foreach (string dir in Directory.EnumerateDirectories(parent))
        {
            if (TryParseNumber(Path.GetFileName(dir), prefix, out long n) && n >= next)
            {
                next = n + 1;
            }
        }

        for (int attempt = 0; attempt < 1000; attempt++, next++)
        {
            string name = prefix + next.ToString(CultureInfo.InvariantCulture);
            string target = Path.Combine(parent, name);
            if (Directory.Exists(target))
            {
                continue;
            }

            // A non-empty temp folder: rename(2) onto an existing folder then fails (ENOTEMPTY/EEXIST) instead of replacing it.
            string temp = Path.Combine(parent, "." + name + "." + Guid.NewGuid().ToString("N") + ".tmp");
            KeployYaml.CreateDirectory(Path.Combine(temp, placeholderChild ?? ".keploy-claim"));
            try
            {
                Directory.Move(temp, target);
            }
            catch (IOException)
            {
                Directory.Delete(temp, recursive: true);
                continue;
            }

            if (placeholderChild is null)
            {
                Directory.Delete(Path.Combine(target, ".keploy-claim"));
            }

            return name;
        }

        throw new IOException($"{parent}: could not claim a free '{prefix}N' folder");
    }

    [GeneratedRegex(@"^test-set-\d+$")]
    private static partial Regex TestSetNumberRegex();
}

/// <summary>A test-set as loaded for replay (<see cref="TestSetStore.Load"/>).</summary>
/// <param name="TestSetId">The folder name under <c>keploy/</c>.</param>
/// <param name="Tests">The selected test cases, in natural file-name order.</param>
/// <param name="Mocks">Every mock of <c>mocks.yaml</c>, in file order.</param>
public sealed record LoadedTestSet(string TestSetId, List<TestCase> Tests, List<Mock> Mocks);
