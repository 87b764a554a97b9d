using Keploy.Core.Protocols.Http;
using Keploy.Core.Replay.Comparison;

namespace Keploy.Core.Tests.Comparison;

public class AutoNoiseTests
{
    private static readonly DateTimeOffset Now = new(2025, 10, 16, 10, 55, 58, TimeSpan.Zero);

    [Fact]
    public void DetectsRfc1123DateHeaderAndIsoTimestampsInJson()
    {
        HttpResponseRecord r = new()
        {
            Body = HttpBody.FromText(
                "{\"id\":42,\"guid\":\"3f2504e0-4f89-11d3-9a0c-0305e82c3301\",\"count\":1760612158123456,\"created\":\"2025-10-16T10:55:58.1234567\"," +
                "\"items\":[{\"updated_at\":\"2025-10-16T10:55:58Z\",\"price\":12.5}],\"epoch\":1760612100,\"day\":\"2025-10-16\"}"),
        };
        r.Header["Date"] = "Thu, 16 Oct 2025 10:55:58 GMT";
        r.Header["Content-Length"] = "145";
        r.Header["ETag"] = "\"abc\"";

        SortedDictionary<string, List<string>> noise = AutoNoise.Detect(r, Now);
        Assert.Equal(["body.created", "body.day", "body.epoch", "body.items.updated_at", "header.Date"], noise.Keys);
        Assert.All(noise.Values, Assert.Empty);
    }

    [Theory]
    [InlineData("Thu, 16 Oct 2025 10:55:58 GMT", true)]
    [InlineData("Thu, 16 Oct 2025 10:55:58 +0000", true)]
    [InlineData("Thursday, 16-Oct-25 10:55:58 UTC", true)]
    [InlineData("Thu Oct 16 10:55:58 2025", true)]
    [InlineData("Thu Oct  6 10:55:58 2025", true)]
    [InlineData("2025-10-16T10:55:58.533461222+05:30", true)]
    [InlineData("2025-10-16 10:55:58", true)]
    [InlineData("2025-10-16", true)]
    [InlineData("3:04PM", true)]
    [InlineData("1760612158", true)]          // epoch seconds, now
    [InlineData("1760612158533", true)]       // epoch millis, now
    [InlineData("1700000000", false)]         // epoch seconds, two years earlier
    [InlineData("12345", false)]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301", false)]
    [InlineData("2025-13-01", false)]
    [InlineData("hello world", false)]
    public void IsTimeFollowsKeployLayouts(string value, bool expected)
    {
        Assert.Equal(expected, TimeValue.IsTime(value, Now));
    }
}
