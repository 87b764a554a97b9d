using System.Globalization;
using System.Text;
using System.Xml;
using Keploy.Core.Config;

namespace Keploy.Core.Replay.Reporting;

/// <summary>
/// Writes a saved run as JUnit XML in the shape Azure DevOps' <c>PublishTestResults@2</c> (JUnit) and GitHub's JUnit publishers
/// read:
/// <code>
/// &lt;testsuites name="keploy test-run-3" tests="10" failures="1" errors="0" skipped="0" time="3.210"&gt;
///   &lt;testsuite name="test-set-0" tests="5" failures="1" errors="0" skipped="0" time="1.230" timestamp="2026-12-01T23:45:00"&gt;
///     &lt;testcase name="test-3" classname="keploy.test-set-0" time="0.012"&gt;
///       &lt;failure message="(the diff)" type="FAILED"&gt;(the diff)&lt;/failure&gt;
///     &lt;/testcase&gt;
/// </code>
/// One testsuite per test-set, one testcase per test; times in seconds with a dot. A failed test's <c>failure</c> carries Keploy's
/// diff (<see cref="SavedComparison.FailureText"/>) both as <c>message</c> (what the publishers show as the error message) and as
/// text (shown as the stack trace). IGNORED tests are <c>skipped</c>. A set that stopped with a status other than PASSED/FAILED
/// (APP_HALTED, ...) gets an <c>error</c> testcase named after the set carrying <c>failure_reason</c>, so it cannot look green.
/// Characters XML 1.0 forbids are replaced with U+FFFD.
/// </summary>
public static class JUnitReportWriter
{
    /// <summary>The XML text (UTF-8 declaration, 2-space indent).</summary>
    public static string Write(SavedTestRun run, GlobalNoiseConfig? globalNoise = null, bool ignoreOrdering = true)
    {
        using MemoryStream stream = new();
        Write(run, stream, globalNoise, ignoreOrdering);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the XML to <paramref name="output"/> (UTF-8, no BOM).</summary>
    public static void Write(SavedTestRun run, Stream output, GlobalNoiseConfig? globalNoise = null, bool ignoreOrdering = true)
    {
        XmlWriterSettings settings = new()
        {
            Encoding = new UTF8Encoding(false),
            Indent = true,
            IndentChars = "  ",
            NewLineChars = "\n",
            NewLineHandling = NewLineHandling.Entitize,
        };
        using XmlWriter w = XmlWriter.Create(output, settings);
        w.WriteStartDocument();
        w.WriteStartElement("testsuites");
        w.WriteAttributeString("name", "keploy " + run.Id);
        w.WriteAttributeString("tests", Inv(run.Sets.Sum(s => s.Tests.Count + (SetError(s) is null ? 0 : 1))));
        w.WriteAttributeString("failures", Inv(run.Sets.Sum(s => s.Failed)));
        w.WriteAttributeString("errors", Inv(run.Sets.Count(s => SetError(s) is not null)));
        w.WriteAttributeString("skipped", Inv(run.Sets.Sum(s => s.Ignored)));
        w.WriteAttributeString("time", Seconds(run.Duration));
        foreach (SavedTestSet set in run.Sets)
        {
            string? error = SetError(set);
            w.WriteStartElement("testsuite");
            w.WriteAttributeString("name", set.TestSetId);
            w.WriteAttributeString("tests", Inv(set.Tests.Count + (error is null ? 0 : 1)));
            w.WriteAttributeString("failures", Inv(set.Failed));
            w.WriteAttributeString("errors", Inv(error is null ? 0 : 1));
            w.WriteAttributeString("skipped", Inv(set.Ignored));
            w.WriteAttributeString("time", Seconds(set.Duration));
            if (set.CreatedAt > 0)
            {
                w.WriteAttributeString("timestamp", DateTimeOffset.FromUnixTimeSeconds(set.CreatedAt).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture));
            }

            foreach (SavedTest test in set.Tests)
            {
                w.WriteStartElement("testcase");
                w.WriteAttributeString("name", Clean(test.TestCaseId));
                w.WriteAttributeString("classname", Clean("keploy." + set.TestSetId));
                w.WriteAttributeString("time", Seconds(test.Duration));
                if (test.Failed)
                {
                    string diff = Clean(SavedComparison.FailureText(test, globalNoise, ignoreOrdering).TrimEnd('\n'));
                    w.WriteStartElement("failure");
                    w.WriteAttributeString("message", diff);
                    w.WriteAttributeString("type", test.Status);
                    w.WriteString(diff);
                    w.WriteEndElement();
                }
                else if (test.Status == "IGNORED")
                {
                    w.WriteStartElement("skipped");
                    w.WriteEndElement();
                }

                if (test.Notes.Count > 0)
                {
                    w.WriteElementString("system-out", Clean("matched with differences:\n" + string.Join('\n', test.Notes)));
                }

                w.WriteEndElement();
            }

            if (error is not null)
            {
                w.WriteStartElement("testcase");
                w.WriteAttributeString("name", set.TestSetId);
                w.WriteAttributeString("classname", "keploy." + set.TestSetId);
                w.WriteAttributeString("time", "0");
                w.WriteStartElement("error");
                w.WriteAttributeString("message", Clean(error));
                w.WriteAttributeString("type", set.Status);
                w.WriteString(Clean(error));
                w.WriteEndElement();
                w.WriteEndElement();
            }

            w.WriteEndElement();
        }

        w.WriteEndElement();
        w.WriteEndDocument();
    }

    private static string? SetError(SavedTestSet set) =>
        set.Status is "PASSED" or "FAILED" or "" ? null : $"{set.TestSetId}: {set.Status}{(set.FailureReason is null ? "" : ": " + set.FailureReason)}";

    private static string Inv(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Clean(string text)
    {
        StringBuilder? sb = null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool ok = c is '\t' or '\n' or '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)
                || (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                || (char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(text[i - 1]));
            if (!ok)
            {
                sb ??= new StringBuilder(text, 0, i, text.Length);
                sb.Append('\uFFFD');
            }
            else
            {
                sb?.Append(c);
            }
        }

        return sb?.ToString() ?? text;
    }
}
