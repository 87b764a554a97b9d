namespace Keploy.Core.Replay.Comparison;

/// <summary>What a noise rule says about one header or body path.</summary>
public enum NoiseVerdict
{
    /// <summary>No rule covers the field: compare it exactly.</summary>
    NotNoisy,

    /// <summary>A rule with an empty regex list covers the field: ignore it (present or not, any value).</summary>
    Ignored,

    /// <summary>A regex-constrained rule covers the field and the actual value matches one of the regexes: passes.</summary>
    RegexMatched,

    /// <summary>A regex-constrained rule covers the field and the actual value (or its absence) matches none: fails.</summary>
    RegexMismatch,

    /// <summary>Auto header noise (date, x-request-id, tracing): the header must be present in the actual response, any value passes.</summary>
    PresenceOnly,
}
