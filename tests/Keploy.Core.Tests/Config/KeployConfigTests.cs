using Keploy.Core.Config;
using Keploy.Core.Models;
using Keploy.Core.Storage;
using Keploy.Core.Tests.Storage;

namespace Keploy.Core.Tests.Config;

public class KeployConfigTests
{
    private static string FixtureConfig => Path.Combine(StorageTestPaths.Fixtures, "samples-go", "ps-cache-postgres", "keploy.yml");

    [Fact]
    public void Defaults_AreKeploys()
    {
        var c = new KeployConfig();
        Assert.Equal(16789, c.ProxyPort);
        Assert.Equal(26789, c.DnsPort);
        Assert.Equal(36789, c.IncomingProxyPort);
        Assert.True(c.Test.IgnoreOrdering);
        Assert.True(c.Test.Mocking);
        Assert.True(c.Test.StrictMockWindow);
        Assert.Equal(5, c.Test.Delay);
        Assert.Equal(5, c.Test.ApiTimeout);
        Assert.Equal(TimeSpan.FromSeconds(60), c.Test.HealthPollTimeout);
        Assert.Equal("localhost", c.Test.Host);
    }

    [Fact]
    public void FixtureKeployYml_Loads()
    {
        KeployConfig c = KeployConfig.Load(FixtureConfig);
        Assert.Equal("ps-cache-postgres", c.AppName);
        Assert.Equal("./server", c.Command);
        Assert.Equal(16789, c.ProxyPort);
        Assert.Equal("default@123", c.Test.MongoPassword);
        Assert.True(c.Test.IgnoreOrdering);
        Assert.Equal(TimeSpan.Zero, c.Record.RecordTimer);
        Assert.Empty(c.Test.GlobalNoise.Global);
        Assert.Equal(FixtureConfig, c.SourcePath);
    }

    [Fact]
    public void Generated_RoundTrips_AndKeepsUnknownKeys()
    {
        KeployConfig c = KeployConfig.Load(FixtureConfig);
        c.ProxyPort = 17000;
        c.Test.HealthPollTimeout = TimeSpan.FromSeconds(90);
        c.Test.GlobalNoise.Global["body"] = new() { ["updated_at"] = [] };
        c.Test.GlobalNoise.TestSets["test-set-1"] = new NoiseMap { ["header"] = new() { ["Date"] = ["^Thu"] } };
        c.Test.SelectedTests["test-set-1"] = ["test-1", "test-2"];
        c.Record.Filters.Add(new RecordFilter { Path = "^/health", FilterPolicy = "exclude" });
        string text = c.GenerateYaml();

        string[] lines = text.TrimEnd('\n').Split('\n');
        Assert.Equal(KeployYaml.HeaderLine, lines[0]);
        Assert.Equal(KeployConfig.FooterLine, lines[^1]);
        Assert.Contains("\nmockDownload:\n    registryIds: []\n", text); // unknown key of the fixture kept
        Assert.Contains("\n    healthPollTimeout: 1m30s\n", text);

        KeployConfig back = KeployConfig.Parse(text);
        Assert.Equal(17000, back.ProxyPort);
        Assert.Equal(TimeSpan.FromSeconds(90), back.Test.HealthPollTimeout);
        Assert.Equal(["updated_at"], back.Test.GlobalNoise.Global["body"].Keys);
        Assert.Equal(["^Thu"], back.Test.GlobalNoise.TestSets["test-set-1"]["header"]["Date"]);
        Assert.Equal(["test-1", "test-2"], back.Test.SelectedTests["test-set-1"]);
        Assert.Equal("^/health", Assert.Single(back.Record.Filters).Path);
        Assert.Equal(text, back.GenerateYaml());
    }

    [Fact]
    public void DefaultGenerated_ParsesToDefaults()
    {
        string text = new KeployConfig().GenerateYaml();
        Assert.StartsWith(KeployYaml.HeaderLine + "\npath: \"\"\nappName: \"\"\n", text);
        Assert.EndsWith("inCi: false\n\n" + KeployConfig.FooterLine + "\n", text);
        KeployConfig back = KeployConfig.Parse(text);
        Assert.True(back.Test.IgnoreOrdering);
        Assert.Equal(TimeSpan.FromSeconds(60), back.Test.HealthPollTimeout);
        Assert.Contains("\n    healthPollTimeout: 1m0s\n", text);
        Assert.Contains("\n    recordTimer: 0s\n", text);
    }

    [Fact]
    public void WrongType_GivesLineAndColumnOfTheValue()
    {
        var ex = Assert.Throws<KeployFormatException>(() => KeployConfig.Parse("appName: x\nproxyPort: abc\n", "/p/keploy.yml"));
        Assert.Equal(new SourceLocation("/p/keploy.yml", 2, 12), ex.Location);
        Assert.Equal("/p/keploy.yml:2:12: proxyPort: expected an integer, found 'abc'", ex.Message);

        ex = Assert.Throws<KeployFormatException>(() => KeployConfig.Parse("test:\n    delay: 5\n    healthPollTimeout: soon\n"));
        Assert.Equal(new SourceLocation("keploy.yml", 3, 24), ex.Location);

        ex = Assert.Throws<KeployFormatException>(() => KeployConfig.Parse("test:\n    ignoreOrdering: maybe\n"));
        Assert.Equal(new SourceLocation("keploy.yml", 2, 21), ex.Location);
    }

    [Fact]
    public void MalformedYaml_GivesFileLineColumn()
    {
        string dir = StorageTestPaths.NewTempDir();
        string path = Path.Combine(dir, "keploy.yml");
        File.WriteAllText(path, "path: \"\"\ntest:\n    delay: 5\n  apiTimeout: 5\n");
        var ex = Assert.Throws<KeployFormatException>(() => KeployConfig.Load(path));
        Assert.Equal(path, ex.Location.File);
        Assert.Equal(4, ex.Location.Line);
        Assert.Equal(3, ex.Location.Column);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void UnknownKeys_DoNotFail()
    {
        KeployConfig c = KeployConfig.Parse("futureKey: {a: 1}\ntest:\n    futureTestKey: [x]\n    delay: 7\n");
        Assert.Equal(7, c.Test.Delay);
        string text = c.GenerateYaml();
        Assert.Contains("\nfutureKey: {a: 1}\n", text);
        Assert.Contains("\n    futureTestKey: [x]\n", text);
    }

    [Theory]
    [InlineData("60s", 60_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("500ms", 500)]
    [InlineData("1.5s", 1500)]
    [InlineData("1h", 3_600_000)]
    [InlineData("0", 0)]
    public void GoDurations_Parse(string text, long milliseconds)
    {
        Assert.True(GoDuration.TryParse(text, out TimeSpan value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(60_000, "1m0s")]
    [InlineData(90_000, "1m30s")]
    [InlineData(500, "500ms")]
    [InlineData(3_600_000, "1h0m0s")]
    [InlineData(1500, "1.5s")]
    public void GoDurations_FormatLikeGo(long milliseconds, string expected)
    {
        Assert.Equal(expected, GoDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [Theory]
    [InlineData("60")]
    [InlineData("5x")]
    [InlineData("s")]
    public void GoDurations_RejectBadText(string text)
    {
        Assert.False(GoDuration.TryParse(text, out _));
    }

    [Fact]
    public void Environment_OverridesFileValues()
    {
        KeployConfig c = KeployConfig.Parse("proxyPort: 16000\ntest:\n    delay: 9\n");
        IReadOnlyList<string> applied = c.ApplyEnvironment(new Dictionary<string, string?>
        {
            ["KEPLOY_PROXY_PORT"] = "17789",
            ["KEPLOY_TEST_HEALTH_POLL_TIMEOUT"] = "2m",
            ["KEPLOY_STRICT_MOCK_WINDOW"] = "0",
            ["KEPLOY_DEBUG"] = "",
        });
        Assert.Equal(17789, c.ProxyPort);
        Assert.Equal(9, c.Test.Delay);
        Assert.Equal(TimeSpan.FromMinutes(2), c.Test.HealthPollTimeout);
        Assert.False(c.Test.StrictMockWindow);
        Assert.False(c.Debug);
        Assert.Equal(["KEPLOY_PROXY_PORT", "KEPLOY_TEST_HEALTH_POLL_TIMEOUT", "KEPLOY_STRICT_MOCK_WINDOW"], applied);

        var bad = Assert.Throws<FormatException>(() => c.ApplyEnvironment(new Dictionary<string, string?> { ["KEPLOY_PROXY_PORT"] = "x" }));
        Assert.Equal("KEPLOY_PROXY_PORT: expected an integer, found 'x'", bad.Message);
    }
}
