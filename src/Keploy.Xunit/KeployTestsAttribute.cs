using System.Reflection;
using Keploy.TestAdapter.Engine;
using Xunit.Sdk;

namespace Keploy.Xunit;

/// <summary>
/// Theory data: one <see cref="KeployRecordedCase"/> row per <c>keploy/&lt;set&gt;/tests/*.yaml</c> beside the test assembly. Rows are
/// <c>IXunitSerializable</c>, so Test Explorer shows one node per case. When nothing is found, one row carrying the error is returned
/// (its replay fails with that message) instead of zero rows.
/// </summary>
/// <example><code>
/// [Theory, KeployTests]
/// public Task Replay(KeployRecordedCase recorded) => recorded.ReplayAsync();
/// </code></example>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class KeployTestsAttribute : DataAttribute
{
    /// <summary>Creates the attribute for the <c>keploy</c> folder beside the test assembly.</summary>
    public KeployTestsAttribute()
        : this("keploy")
    {
    }

    /// <summary>Creates the attribute for a folder (relative to the test assembly) whose name is the Keploy folder.</summary>
    /// <param name="keployFolder">Relative path of the <c>keploy</c> folder, e.g. <c>keploy</c> or <c>recordings/keploy</c>.</param>
    public KeployTestsAttribute(string keployFolder)
    {
        KeployFolder = keployFolder;
    }

    /// <summary>The folder relative to the test assembly.</summary>
    public string KeployFolder { get; }

    /// <inheritdoc />
    public override IEnumerable<object[]> GetData(MethodInfo testMethod)
    {
        string assembly = testMethod.DeclaringType!.Assembly.Location;
        string baseDir = Path.GetDirectoryName(assembly)!;
        string root = Path.GetDirectoryName(Path.GetFullPath(Path.Combine(baseDir, KeployFolder)))!;
        IReadOnlyList<RecordedTest> recorded = RecordedTestScanner.Scan(root, sourceRoot: null);
        if (recorded.Count == 0)
        {
            yield return new object[]
            {
                KeployRecordedCase.ForError(assembly, root, $"keploy: no recorded tests in {Path.Combine(root, "keploy")}/<test-set>/tests/*.yaml"),
            };
            yield break;
        }

        foreach (RecordedTest test in recorded)
        {
            yield return new object[] { new KeployRecordedCase(assembly, root, test.TestSetId, test.FileName, test.Name, test.Error) };
        }
    }
}
