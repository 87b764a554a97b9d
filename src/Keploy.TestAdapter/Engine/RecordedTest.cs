namespace Keploy.TestAdapter.Engine;

/// <summary>One recorded test case file found beside the test assembly.</summary>
/// <param name="TestSetId">Folder under <c>keploy/</c>, e.g. <c>test-set-0</c>.</param>
/// <param name="FileName">File name without <c>.yaml</c>, e.g. <c>test-1</c>; the stable identity of the case.</param>
/// <param name="Name">The YAML <c>name</c> key (falls back to <see cref="FileName"/>).</param>
/// <param name="OutputPath">Absolute path of the copy in the test output.</param>
/// <param name="SourcePath">Absolute path of the source YAML in the project (or <see cref="OutputPath"/> when unknown).</param>
/// <param name="Error">Why the file cannot be replayed (<c>file:line:column: message</c>), or null.</param>
internal sealed record RecordedTest(string TestSetId, string FileName, string Name, string OutputPath, string SourcePath, string? Error)
{
    /// <summary>Path relative to the keploy root's parent, with forward slashes: <c>keploy/test-set-0/tests/test-1.yaml</c>.</summary>
    public string RelativePath => $"keploy/{TestSetId}/tests/{FileName}.yaml";
}
