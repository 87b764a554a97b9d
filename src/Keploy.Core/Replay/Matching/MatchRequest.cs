namespace Keploy.Core.Replay.Matching;

/// <summary>
/// One named value of a request as the matching rule compares it: a bind parameter (<c>$2</c>), a query parameter
/// (<c>query.id</c>), a JSON body leaf (<c>body.$.order.id</c>).
/// </summary>
/// <param name="Name">Stable name within the request's shape; the same name on both sides is compared.</param>
/// <param name="Value">Exact comparable form (for a Postgres parameter: format and raw bytes); equal values are equal fields.</param>
/// <param name="Display">The value as a person reads it (a decoded uuid, number or time); used for volatility checks and messages.</param>
/// <param name="Type">The value's type when the protocol knows it (<c>uuid</c>, <c>timestamptz</c>, <c>text</c>), else null.</param>
public sealed record MatchField(string Name, string Value, string Display, string? Type = null);

/// <summary>
/// A request (live or recorded) in the protocol-neutral form of <see cref="MockMatchRule"/>: its shape (what must be equal for
/// two requests to be "the same call": normalised statement text, method and path, operation) and its named fields.
/// Protocols build one per request and per mock (HTTP: <c>HttpMatcher</c>; Postgres: <c>PgBundle.View</c>); MySQL, Redis or gRPC
/// plug in by producing the same pair.
/// </summary>
/// <param name="Shape">Shape key; compared ordinally.</param>
/// <param name="Fields">Fields in a stable order; names are unique.</param>
public sealed record MatchRequest(string Shape, IReadOnlyList<MatchField> Fields);

/// <summary>One field that differed between the live request and the mock it was matched with.</summary>
/// <param name="Name">Field name (<c>$2</c>).</param>
/// <param name="Type">Its type or kind of volatility (<c>uuid</c>, <c>time</c>, <c>noise</c>).</param>
/// <param name="Recorded">The mock's value (display form).</param>
/// <param name="Actual">The live value (display form).</param>
public sealed record FieldDifference(string Name, string Type, string Recorded, string Actual)
{
    /// <summary>Short form for reports and the console: <c>$2 uuid 482ac346… ≠ 2e3de340…</c> (live value first).</summary>
    public override string ToString() => $"{Name} {Type} {Short(Actual)} ≠ {Short(Recorded)}";

    /// <summary>Joins differences as the note after "matched with differences: ".</summary>
    public static string Join(IEnumerable<FieldDifference> differences) => string.Join(", ", differences.Select(d => d.ToString()));

    private static string Short(string value) =>
        MockMatchRule.IsUuid(value) ? value[..8] + "…" : value.Length > 24 ? value[..23] + "…" : value;
}
