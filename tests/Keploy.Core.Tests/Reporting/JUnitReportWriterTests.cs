using System.Globalization;
using System.Xml;
using Keploy.Core.Replay;
using Keploy.Core.Replay.Reporting;

namespace Keploy.Core.Tests.Reporting;

public class JUnitReportWriterTests
{
    [Fact]
    public void OneTestcasePerTestWithTheDiffAsFailureMessage()
    {
        string root = SavedRunFactory.NewRoot();
        try
        {
            string runDir = SavedRunFactory.WriteRun(
                root,
                ("test-set-0", [
                    new FakeTest("test-1", SavedRunFactory.OrderBody(99.99m), SavedRunFactory.OrderBody(73.50m, "2026-12-02T10:00:00Z")),
                    new FakeTest("test-2", SavedRunFactory.OrderBody(10m), SavedRunFactory.OrderBody(10m, "2026-12-02T10:00:00Z")) { MocksUsed = ["mock-0"] },
                ]),
                ("test-set-1", [
                    new FakeTest("test-1", "{\"ok\":true}", "{\"ok\":true}"),
                    new FakeTest("test-2", "{\"ok\":true}", "{\"ok\":true}")
                    {
                        Misses = [new MockMiss("Http", "GET http://catalog:5200/items/7", "mock-3", "url: expected /items/8 actual /items/7", "catalog:5200")],
                    },
                ]));

            string xml = JUnitReportWriter.Write(SavedReportReader.ReadRun(runDir));
            XmlDocument doc = new();
            doc.LoadXml(xml);

            XmlElement suites = doc.DocumentElement!;
            Assert.Equal("testsuites", suites.Name);
            Assert.Equal("4", suites.GetAttribute("tests"));
            Assert.Equal("2", suites.GetAttribute("failures"));
            XmlNodeList suiteNodes = suites.SelectNodes("testsuite")!;
            Assert.Equal(["test-set-0", "test-set-1"], suiteNodes.Cast<XmlElement>().Select(s => s.GetAttribute("name")));
            Assert.Equal(4, doc.SelectNodes("//testcase")!.Count);
            foreach (XmlElement e in doc.SelectNodes("//testsuite|//testcase")!.Cast<XmlElement>())
            {
                Assert.True(double.TryParse(e.GetAttribute("time"), NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds), e.OuterXml[..60]);
                Assert.True(seconds >= 0);
            }

            XmlElement failed = (XmlElement)doc.SelectSingleNode("//testsuite[@name='test-set-0']/testcase[@name='test-1']")!;
            Assert.Equal("keploy.test-set-0", failed.GetAttribute("classname"));
            Assert.Equal("0.013", failed.GetAttribute("time"));
            XmlElement failure = (XmlElement)failed.SelectSingleNode("failure")!;
            string message = failure.GetAttribute("message");
            Assert.StartsWith("Testrun failed for testcase with id: \"test-1\"", message, StringComparison.Ordinal);
            Assert.Contains("$.total: 99.99", message, StringComparison.Ordinal);
            Assert.Contains("$.total: 73.50", message, StringComparison.Ordinal);
            Assert.DoesNotContain("createdAt", message, StringComparison.Ordinal); // noise: never part of the diff
            Assert.Contains('\n', message); // newlines survive in the attribute (entitized)
            Assert.Equal(message, failure.InnerText);

            Assert.Null(doc.SelectSingleNode("//testsuite[@name='test-set-0']/testcase[@name='test-2']/failure"));
            XmlElement missFailure = (XmlElement)doc.SelectSingleNode("//testsuite[@name='test-set-1']/testcase[@name='test-2']/failure")!;
            Assert.Contains("closest mock: mock-3", missFailure.GetAttribute("message"), StringComparison.Ordinal);
            Assert.Contains("url: expected /items/8 actual /items/7", missFailure.InnerText, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void AStoppedTestSetIsAnError()
    {
        string root = SavedRunFactory.NewRoot();
        try
        {
            string runDir = SavedRunFactory.WriteRun(root, ("test-set-0", [new FakeTest("test-1", "\"a\"", "\"b\"")]));
            string report = Path.Combine(runDir, "test-set-0-report.yaml");
            File.WriteAllText(report, File.ReadAllText(report).Replace("\nstatus: FAILED\n", "\nstatus: APP_HALTED\nfailure_reason: app exited with code 137\n", StringComparison.Ordinal));

            XmlDocument doc = new();
            doc.LoadXml(JUnitReportWriter.Write(SavedReportReader.ReadRun(runDir)));
            XmlElement error = (XmlElement)doc.SelectSingleNode("//testsuite[@name='test-set-0']/testcase[@name='test-set-0']/error")!;
            Assert.Equal("APP_HALTED", error.GetAttribute("type"));
            Assert.Contains("app exited with code 137", error.GetAttribute("message"), StringComparison.Ordinal);
            Assert.Equal("1", ((XmlElement)doc.SelectSingleNode("//testsuite")!).GetAttribute("errors"));
            Assert.NotNull(doc.SelectSingleNode("//testcase[@name='test-1']/failure"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
