using System.Security.Cryptography;
using System.Text;
using Keploy.TestAdapter.Engine;
using Microsoft.VisualStudio.TestPlatform.ObjectModel;

namespace Keploy.TestAdapter;

/// <summary>Turns recorded test files into VSTest <see cref="TestCase"/>s (dotnet-test-integration.md §1.4).</summary>
internal static class KeployTestCaseFactory
{
    /// <summary>FQN of the test that carries a discovery error for a whole assembly.</summary>
    public const string DiscoveryErrorName = "Keploy.DiscoveryError";

    /// <summary>
    /// <c>Keploy.&lt;set&gt;.&lt;file&gt;</c> with every character outside <c>[A-Za-z0-9_]</c> mapped to <c>_</c>, so the FQN has exactly two
    /// dots (VS splits on them; <c>--filter FullyQualifiedName=</c> stays usable).
    /// </summary>
    public static string FullyQualifiedName(string testSetId, string fileName) => $"Keploy.{Sanitize(testSetId)}.{Sanitize(fileName)}";

    /// <summary>Creates the TestCase for one recorded file.</summary>
    public static TestCase Create(RecordedTest test, string source)
    {
        TestCase testCase = new(FullyQualifiedName(test.TestSetId, test.FileName), new Uri(KeployTestAdapter.ExecutorUri), source)
        {
            DisplayName = test.Name,
            CodeFilePath = test.SourcePath,
            LineNumber = 1,
            Id = StableId(source, test.RelativePath),
        };
        testCase.Traits.Add(new Trait("TestSet", test.TestSetId));
        testCase.SetPropertyValue(KeployTestProperties.TestFile, test.RelativePath);
        testCase.SetPropertyValue(KeployTestProperties.TestSet, test.TestSetId);
        testCase.SetPropertyValue(KeployTestProperties.Hierarchy, new string?[] { null, "keploy", test.TestSetId, "tests" });
        if (test.Error is not null)
        {
            testCase.SetPropertyValue(KeployTestProperties.Error, test.Error);
        }

        return testCase;
    }

    /// <summary>One always-failing test that says why discovery of <paramref name="source"/> found nothing to run.</summary>
    public static TestCase CreateDiscoveryError(string source, string message, string? codeFilePath = null)
    {
        TestCase testCase = new(DiscoveryErrorName, new Uri(KeployTestAdapter.ExecutorUri), source)
        {
            DisplayName = "keploy discovery error",
            CodeFilePath = codeFilePath,
            LineNumber = codeFilePath is null ? 0 : 1,
            Id = StableId(source, "<discovery-error>"),
        };
        testCase.SetPropertyValue(KeployTestProperties.Error, message);
        testCase.SetPropertyValue(KeployTestProperties.Hierarchy, new string?[] { null, "keploy", null, null });
        return testCase;
    }

    /// <summary>A GUID derived from the executor, the test dll's file name and the YAML's relative path; stable across runs and machines.</summary>
    public static Guid StableId(string source, string relativePath)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{KeployTestAdapter.ExecutorUri}|{Path.GetFileName(source)}|{relativePath}"));
        return new Guid(hash.AsSpan(0, 16));
    }

    private static string Sanitize(string value)
    {
        StringBuilder sb = new(value.Length);
        foreach (char c in value)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        return sb.ToString();
    }
}
