using System.Globalization;
using Keploy.Core.Config;
using Keploy.Core.Replay;

namespace Keploy.Core.Tests.Replay;

/// <summary>The libfaketime timestamp file and environment of <c>--freeze-time</c>, and its keploy.yml / KEPLOY_* switches.</summary>
public class FrozenClockTests
{
    [Theory]
    [InlineData(-86400.25, "-86400.250")]
    [InlineData(3.0004, "+3.000")]
    [InlineData(0, "+0.000")]
    [InlineData(-0.0004, "+0.000")]
    public void Offsets_use_libfaketimes_relative_syntax_with_a_dot(double seconds, string expected)
    {
        CultureInfo saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");   // a comma culture must not leak into the file
            Assert.Equal(expected, FrozenClock.FormatOffset(TimeSpan.FromSeconds(seconds)));
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void MoveTo_writes_the_offset_from_the_real_clock_and_Dispose_removes_the_file()
    {
        if (FrozenClock.FindLibrary() is null)
        {
            Assert.Fail("libfaketime is not installed (scripts/install-deps.sh installs it)");
        }

        string file;
        using (FrozenClock clock = FrozenClock.Create())
        {
            file = clock.TimestampFile;
            Assert.Equal("+0.000", File.ReadAllText(file).Trim());
            Assert.Equal(file, clock.Environment["FAKETIME_TIMESTAMP_FILE"]);
            Assert.Equal("1", clock.Environment["FAKETIME_NO_CACHE"]);
            Assert.StartsWith(clock.Library, clock.Environment["LD_PRELOAD"], StringComparison.Ordinal);
            Assert.False(clock.Environment.ContainsKey("FAKETIME_DONT_FAKE_MONOTONIC"));

            DateTimeOffset recorded = DateTimeOffset.UtcNow - TimeSpan.FromDays(30);
            clock.MoveTo(recorded);
            double offset = double.Parse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture);
            Assert.InRange(offset, -30 * 86400 - 60, -30 * 86400 + 1);
            Assert.Equal(recorded, clock.Target);
        }

        Assert.False(File.Exists(file));
    }

    [Fact]
    public void FreezeTime_comes_from_keploy_yml_and_KEPLOY_TEST_FREEZE_TIME()
    {
        Assert.False(new KeployConfig().Test.FreezeTime);
        KeployConfig fromYaml = KeployConfig.Parse("test:\n    freezeTime: true\n");
        Assert.True(fromYaml.Test.FreezeTime);

        KeployConfig fromEnv = new();
        fromEnv.ApplyEnvironment(new Dictionary<string, string?> { ["KEPLOY_TEST_FREEZE_TIME"] = "1" });
        Assert.True(fromEnv.Test.FreezeTime);
    }
}
