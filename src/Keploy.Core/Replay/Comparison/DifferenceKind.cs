namespace Keploy.Core.Replay.Comparison;

/// <summary>Why a field of the actual response differs from the recorded one.</summary>
public enum DifferenceKind
{
    /// <summary>Both sides have the field with different values.</summary>
    ValueChanged,

    /// <summary>The recorded field is absent from the actual response.</summary>
    Missing,

    /// <summary>The actual response has a field (JSON key, array element) the recording lacks.</summary>
    Unexpected,

    /// <summary>The JSON types differ (object vs. array, string vs. number, JSON vs. not JSON).</summary>
    TypeChanged,

    /// <summary>Arrays hold the same elements in a different order (only a failure when ordering is not ignored).</summary>
    OrderOnly,

    /// <summary>A noise rule with regexes covers the field and the actual value matches none of them.</summary>
    NoiseRegexMismatch,
}
