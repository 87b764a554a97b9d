using System.Globalization;
using Keploy.Core.Models;

namespace Keploy.Core.Tests.Models;

/// <summary><see cref="KeployTime.Format"/> against Go's RFC3339Nano layout, and against .NET's own format strings as the oracle.</summary>
public sealed class KeployTimeTests
{
    [Theory]
    [InlineData(2025, 10, 16, 10, 55, 58, 5334612, 0, "2025-10-16T10:55:58.5334612Z")]
    [InlineData(2026, 12, 3, 16, 0, 0, 1230000, 0, "2026-12-03T16:00:00.123Z")]
    [InlineData(2026, 1, 2, 3, 4, 5, 0, 0, "2026-01-02T03:04:05Z")]
    [InlineData(2026, 1, 2, 3, 4, 5, 1, 330, "2026-01-02T03:04:05.0000001+05:30")]
    [InlineData(2026, 7, 1, 23, 59, 59, 9000000, -180, "2026-07-01T23:59:59.9-03:00")]
    [InlineData(1, 1, 1, 0, 0, 0, 0, 0, "0001-01-01T00:00:00Z")]
    public void Format_WritesRfc3339Nano(int y, int mo, int d, int h, int mi, int s, long ticks, int offsetMinutes, string expected)
    {
        DateTimeOffset value = new DateTimeOffset(y, mo, d, h, mi, s, TimeSpan.FromMinutes(offsetMinutes)).AddTicks(ticks);
        Assert.Equal(expected, KeployTime.Format(value));
        Assert.True(KeployTime.TryParse(expected, out DateTimeOffset back));
        Assert.Equal(value, back);
    }

    [Fact]
    public void Format_MatchesTheFormatStringVersion_OnRandomInstants()
    {
        Random random = new(1203);
        for (int i = 0; i < 20_000; i++)
        {
            long ticks = (long)(random.NextDouble() * DateTime.MaxValue.AddDays(-2).Ticks) + TimeSpan.TicksPerDay;
            TimeSpan offset = TimeSpan.FromMinutes(random.Next(-14 * 60, 14 * 60 + 1));
            DateTimeOffset value = new(ticks, offset);
            string fraction = (value.Ticks % TimeSpan.TicksPerSecond).ToString("0000000", CultureInfo.InvariantCulture).TrimEnd('0');
            string expected = value.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)
                + (fraction.Length == 0 ? "" : "." + fraction)
                + (offset == TimeSpan.Zero ? "Z" : value.ToString("zzz", CultureInfo.InvariantCulture));
            Assert.Equal(expected, KeployTime.Format(value));
        }
    }
}
