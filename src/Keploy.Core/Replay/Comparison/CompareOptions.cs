namespace Keploy.Core.Replay.Comparison;

/// <summary>How <see cref="HttpResponseComparer"/> compares (keploy.yml <c>test</c> section, Keploy <c>config/default.go</c> defaults).</summary>
public sealed class CompareOptions
{
    /// <summary>Default options: ignore JSON array order, compare JSON bodies only.</summary>
    public static CompareOptions Default { get; } = new();

    /// <summary>Ignore the order of JSON array elements (<c>test.ignoreOrdering</c>, default true): arrays match as multisets, recursively.</summary>
    public bool IgnoreOrdering { get; init; } = true;

    /// <summary>Compare non-JSON bodies too (<c>--compare-all</c>); otherwise a non-JSON body difference is not a failure.</summary>
    public bool CompareAll { get; init; }
}
