namespace Keploy.Core.Replay.Comparison;

/// <summary>
/// The outcome of comparing an actual HTTP response with the recorded one, in Keploy's report shape
/// (<c>pkg/models/testrun.go</c> <c>Result</c>: <c>status_code</c>, <c>headers_result</c>, <c>body_result</c>) plus the failing paths.
/// Stored in <see cref="TestCaseResult.Comparison"/>.
/// </summary>
public sealed class ComparisonResult
{
    /// <summary>True when nothing failed (status, every header, body).</summary>
    public bool Passed => StatusCode.Normal && HeadersResult.All(h => h.Normal) && BodyResult.All(b => b.Normal);

    /// <summary><c>status_code: {normal, expected, actual}</c>.</summary>
    public required StatusCodeResult StatusCode { get; init; }

    /// <summary><c>headers_result</c>: one entry per recorded header (sorted by name), hop-by-hop headers left out.</summary>
    public List<HeaderResult> HeadersResult { get; } = new();

    /// <summary><c>body_result</c>: one entry.</summary>
    public List<BodyResult> BodyResult { get; } = new();

    /// <summary>The failing fields, in status, header, body order (order-only array notes included when they fail).</summary>
    public List<ResponseDifference> Differences { get; } = new();

    /// <summary>
    /// JSON arrays whose elements matched only after reordering while ordering is ignored (not failures). The renderer shows them as
    /// Keploy's "different order" warning when the test fails for another reason.
    /// </summary>
    public List<string> ReorderedArrays { get; } = new();
}

/// <summary><c>status_code: {normal, expected, actual}</c>.</summary>
public sealed record StatusCodeResult(bool Normal, int Expected, int Actual);

/// <summary><c>{key, value: [..]}</c> inside a header result.</summary>
public sealed record HeaderValues(string Key, IReadOnlyList<string> Value);

/// <summary><c>headers_result[]: {normal, expected: {key, value}, actual: {key, value}}</c>; an absent header has an empty value list.</summary>
public sealed record HeaderResult(bool Normal, HeaderValues Expected, HeaderValues Actual);

/// <summary><c>body_result[]: {normal, type, expected, actual}</c>; <see cref="Type"/> is <c>JSON</c>, <c>XML</c>, <c>HTML</c>, <c>CSV</c>, <c>PLAIN</c> or <c>BINARY</c>.</summary>
public sealed record BodyResult(bool Normal, string Type, string Expected, string Actual);
