namespace Keploy.Core.Replay.Comparison;

/// <summary>
/// One failing field. <see cref="Path"/> is <c>status_code</c>, <c>header.&lt;Name&gt;</c>, <c>body</c> (whole non-JSON body) or a
/// JSONPath-like body path (<c>$.items[2].price</c>). <see cref="Expected"/>/<see cref="Actual"/> are the values as text (JSON text
/// for JSON values), null when the side lacks the field.
/// </summary>
public sealed record ResponseDifference(string Path, string? Expected, string? Actual, DifferenceKind Kind)
{
    /// <summary>One line: <c>$.items[2].price expected 10 actual 12</c>.</summary>
    public override string ToString()
    {
        return Kind switch
        {
            DifferenceKind.OrderOnly => $"{Path} has the same elements in a different order",
            DifferenceKind.NoiseRegexMismatch => $"{Path} actual {Actual ?? "<missing>"} matches none of the noise regexes",
            _ => $"{Path} expected {Expected ?? "<missing>"} actual {Actual ?? "<missing>"}",
        };
    }
}
