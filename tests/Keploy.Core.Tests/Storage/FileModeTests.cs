using System.Globalization;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Storage;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Tests.Storage;

/// <summary>Every file the storage layer writes is 0600 and every folder it creates 0700 (less the umask when stricter).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class FileModeTests
{
    [Fact]
    public void EverythingWritten_IsPrivateToTheUser()
    {
        int umask = CurrentUmask();
        UnixFileMode fileMode = (UnixFileMode)(0x180 & ~umask);
        UnixFileMode dirMode = (UnixFileMode)(0x1C0 & ~umask);

        string root = Path.Combine(StorageTestPaths.NewTempDir(), "project");
        var store = new TestSetStore(root);
        string set = store.CreateNextTestSet();
        TestCase tc = HttpSpec.CreateTestCase("test-1", new HttpRequestRecord { Method = "GET", Url = "http://localhost/x" }, new HttpResponseRecord { StatusCode = 200 }, null, 80);
        store.WriteTestCase(set, tc);
        tc.Name = "test-2";
        store.WriteTestCase(set, tc, flushToDisk: false); // the O_TMPFILE + linkat path
        tc.Name = "test-3";
        store.WriteTestCase(set, tc, flushToDisk: false);
        store.WriteTestCase(set, tc, flushToDisk: false); // the name exists: temp file + rename
        using (MockFileWriter writer = store.OpenMockWriter(set))
        {
            writer.Record(new Mock { Kind = "Generic", Spec = new YamlMappingNode { { "created", KeployYaml.Int(1) } } });
        }

        store.WriteMappings(set, new TestMocksMapping());
        string run = store.CreateNextTestRun();
        TestSetStore.WriteReport(run, set, new YamlMappingNode { { "status", "PASSED" } });
        TestSetStore.WriteCoverage(run, new YamlMappingNode { { "total", "0" } });
        string rewritten = store.CreateNextTestSet();
        store.RewriteMocks(rewritten, []);

        List<string> files = Directory.EnumerateFiles(store.KeployDirectory, "*", SearchOption.AllDirectories).ToList();
        List<string> dirs = Directory.EnumerateDirectories(store.KeployDirectory, "*", SearchOption.AllDirectories).Append(store.KeployDirectory).Append(root).ToList();
        Assert.True(files.Count >= 8, string.Join(", ", files));
        Assert.All(files, f => Assert.True(File.GetUnixFileMode(f) == fileMode, $"{f}: {File.GetUnixFileMode(f)}, expected {fileMode}"));
        Assert.All(dirs, d => Assert.True(File.GetUnixFileMode(d) == dirMode, $"{d}: {File.GetUnixFileMode(d)}, expected {dirMode}"));
    }

    /// <summary>The process umask, from <c>/proc/self/status</c> (reading it with umask(2) would change it for other tests).</summary>
    internal static int CurrentUmask()
    {
        string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Umask:", StringComparison.Ordinal));
        return line is null ? 0x12 : Convert.ToInt32(line["Umask:".Length..].Trim(), 8);
    }
}
