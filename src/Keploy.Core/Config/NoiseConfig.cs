namespace Keploy.Core.Config;

/// <summary>
/// Noise as keploy.yml writes it under <c>test.globalNoise.global</c> or <c>test.globalNoise.test-sets.&lt;id&gt;</c>: section
/// (<c>body</c>, <c>header</c>, <c>url</c>, ...) to path to a list of regexes. An empty list means "ignore always"; a non-empty
/// list constrains the value (unlike Keploy bug #4416, the regexes are enforced). Keys are compared case-insensitively for headers.
/// </summary>
public sealed class NoiseMap : Dictionary<string, Dictionary<string, List<string>>>
{
    /// <summary>Creates an empty map (section names compared ordinally).</summary>
    public NoiseMap()
        : base(StringComparer.Ordinal)
    {
    }
}

/// <summary><c>test.globalNoise</c>: <c>{global: NoiseMap, test-sets: {id: NoiseMap}}</c> (Keploy <c>config.GlobalNoise</c>).</summary>
public sealed class GlobalNoiseConfig
{
    /// <summary>Noise applied to every test-set.</summary>
    public NoiseMap Global { get; set; } = new();

    /// <summary>Per test-set noise, left-joined over <see cref="Global"/> (Keploy <c>LeftJoinNoise</c>).</summary>
    public Dictionary<string, NoiseMap> TestSets { get; set; } = new(StringComparer.Ordinal);
}
