using Keploy.TestAdapter.Engine;
using Xunit.Abstractions;

namespace Keploy.Xunit;

/// <summary>One recorded test case as an xunit theory row. Serializable (<see cref="IXunitSerializable"/>), so each case is its own node.</summary>
public sealed class KeployRecordedCase : IXunitSerializable
{
    /// <summary>For the xunit deserializer only.</summary>
    [Obsolete("Called by the xunit deserializer.")]
    public KeployRecordedCase()
    {
    }

    internal KeployRecordedCase(string assemblyPath, string root, string testSetId, string fileName, string name, string? error)
    {
        AssemblyPath = assemblyPath;
        Root = root;
        TestSetId = testSetId;
        FileName = fileName;
        Name = name;
        Error = error;
    }

    /// <summary>The test-set id (<c>test-set-0</c>).</summary>
    public string TestSetId { get; private set; } = "";

    /// <summary>The file name without <c>.yaml</c> (<c>test-1</c>).</summary>
    public string FileName { get; private set; } = "";

    /// <summary>The YAML <c>name</c>.</summary>
    public string Name { get; private set; } = "";

    /// <summary>Why the case cannot run, or null.</summary>
    public string? Error { get; private set; }

    internal string AssemblyPath { get; private set; } = "";

    internal string Root { get; private set; } = "";

    /// <summary>
    /// Replays this case. The first case of a test-set replays the whole set (one app start); the others wait for the same run.
    /// </summary>
    /// <exception cref="KeployReplayException">The response differed (message = the diff) or the set did not run.</exception>
    public async Task ReplayAsync()
    {
        if (Error is not null)
        {
            throw new KeployReplayException(Error);
        }

        ReplayedTest result = await KeployReplaySession.Shared.GetAsync(this).ConfigureAwait(false);
        if (!result.Passed)
        {
            throw new KeployReplayException(result.Diff ?? $"keploy: {TestSetId}/{FileName} failed");
        }
    }

    /// <inheritdoc />
    public void Deserialize(IXunitSerializationInfo info)
    {
        AssemblyPath = info.GetValue<string>(nameof(AssemblyPath));
        Root = info.GetValue<string>(nameof(Root));
        TestSetId = info.GetValue<string>(nameof(TestSetId));
        FileName = info.GetValue<string>(nameof(FileName));
        Name = info.GetValue<string>(nameof(Name));
        Error = info.GetValue<string?>(nameof(Error));
    }

    /// <inheritdoc />
    public void Serialize(IXunitSerializationInfo info)
    {
        info.AddValue(nameof(AssemblyPath), AssemblyPath);
        info.AddValue(nameof(Root), Root);
        info.AddValue(nameof(TestSetId), TestSetId);
        info.AddValue(nameof(FileName), FileName);
        info.AddValue(nameof(Name), Name);
        info.AddValue(nameof(Error), Error);
    }

    /// <summary><c>test-set-0/get-orders</c>: shown in the theory node name.</summary>
    public override string ToString() => Error is not null && FileName.Length == 0 ? "keploy discovery error" : $"{TestSetId}/{Name}";

    internal static KeployRecordedCase ForError(string assemblyPath, string root, string error) => new(assemblyPath, root, "", "", "", error);
}
