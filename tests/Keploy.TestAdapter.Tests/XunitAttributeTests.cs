using System.Reflection;
using Keploy.Xunit;

namespace Keploy.TestAdapter.Tests;

public sealed class XunitAttributeTests
{
    private static MethodInfo Method => typeof(XunitAttributeTests).GetMethod(nameof(Probe), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static void Probe(KeployRecordedCase recorded)
    {
    }

    [Fact]
    public void GetData_OneSerializableRowPerRecordedCase()
    {
        string folder = "keploy-xunit-" + Guid.NewGuid().ToString("N");
        string root = Path.Combine(AppContext.BaseDirectory, folder);
        AdapterTestPaths.WriteTestCase(root, "test-set-0", "test-1", name: "get-orders");
        AdapterTestPaths.WriteTestCase(root, "test-set-0", "test-2");
        AdapterTestPaths.WriteTestCase(root, "test-set-1", "test-1");

        List<KeployRecordedCase> rows = new KeployTestsAttribute(Path.Combine(folder, "keploy")).GetData(Method)
            .Select(r => Assert.IsType<KeployRecordedCase>(Assert.Single(r))).ToList();

        Assert.Equal(new[] { "test-set-0/get-orders", "test-set-0/test-2", "test-set-1/test-1" }, rows.Select(r => r.ToString()));
        Assert.All(rows, r => Assert.IsAssignableFrom<global::Xunit.Abstractions.IXunitSerializable>(r));
        Assert.All(rows, r => Assert.Null(r.Error));
    }

    [Fact]
    public async Task NoRecordings_IsOneRowThatFailsWithTheReason()
    {
        KeployRecordedCase row = Assert.IsType<KeployRecordedCase>(
            Assert.Single(Assert.Single(new KeployTestsAttribute("missing-" + Guid.NewGuid().ToString("N") + "/keploy").GetData(Method))));

        KeployReplayException e = await Assert.ThrowsAsync<KeployReplayException>(row.ReplayAsync);
        Assert.Contains("no recorded tests", e.Message);
    }
}
