using System.Globalization;
using System.Text.RegularExpressions;
using Keploy.Core.Models;

namespace Keploy.Core.Replay.Matching;

/// <summary>How a live request was matched to a mock.</summary>
/// <param name="Mock">The mock served (already consumed from the pool).</param>
/// <param name="Differences">Empty for an exact match; otherwise the volatile fields that differed.</param>
public sealed record MockMatch(Mock Mock, IReadOnlyList<FieldDifference> Differences);

/// <summary>
/// The one matching rule every protocol uses at replay, in two tiers:
/// <list type="number">
/// <item>exact: the first candidate (in <see cref="MockPool.GetCandidates"/> order) with the same shape and equal fields;</item>
/// <item>volatile: failing that, the first candidate of the same shape whose differing fields are all volatile — a uuid on both
/// sides, a time on both sides with the recorded one near the mock's recording time (<see cref="TimeTolerance"/>), or a field named
/// as noise in keploy.yml (<see cref="MockPool.NoiseNames"/>). Such a match is served and reported as "matched with differences";
/// with <see cref="MockPool.StrictMocks"/> it is not made (the request is a miss).</item>
/// </list>
/// Anything else is a miss, explained by the protocol with its closest-mock diff.
/// </summary>
public static partial class MockMatchRule
{
    /// <summary>How far a recorded time value may lie from its mock's request timestamp, and a live one from now or that timestamp.</summary>
    public static readonly TimeSpan TimeTolerance = TimeSpan.FromHours(24);

    /// <summary>
    /// Finds and consumes the mock for <paramref name="live"/> among <paramref name="candidates"/>, exact first, then volatile.
    /// </summary>
    /// <param name="pool">The pool (consumption, strict mode, noise names).</param>
    /// <param name="candidates">Candidates best first, normally <see cref="MockPool.GetCandidates"/>.</param>
    /// <param name="live">The live request.</param>
    /// <param name="view">The protocol's view of a mock's request, or null when the mock cannot be this request at all.</param>
    /// <param name="accept">Extra protocol check before consuming (for example: the recorded answer can be adapted), or null.</param>
    /// <returns>The match, or null for a miss.</returns>
    public static MockMatch? Find(MockPool pool, IReadOnlyList<Mock> candidates, MatchRequest live, Func<Mock, MatchRequest?> view, Func<Mock, bool>? accept = null)
    {
        List<(Mock Mock, MatchRequest Recorded)> sameShape = new();
        foreach (Mock mock in candidates)
        {
            MatchRequest? recorded = view(mock);
            if (recorded is null || !string.Equals(recorded.Shape, live.Shape, StringComparison.Ordinal))
            {
                continue;
            }

            sameShape.Add((mock, recorded));
            if (IsExact(live, recorded) && (accept is null || accept(mock)) && pool.TryConsume(mock))
            {
                return new MockMatch(mock, Array.Empty<FieldDifference>());
            }
        }

        if (pool.StrictMocks)
        {
            return null;
        }

        foreach ((Mock mock, MatchRequest recorded) in sameShape)
        {
            IReadOnlyList<FieldDifference>? differences = VolatileDifferences(live, recorded, mock.RequestTimestamp, pool.NoiseNames, DateTimeOffset.Now);
            if (differences is not null && (accept is null || accept(mock)) && pool.TryConsume(mock, differences))
            {
                return new MockMatch(mock, differences);
            }
        }

        return null;
    }

    /// <summary>True when the shapes are equal and every field has the same name and value on both sides.</summary>
    public static bool IsExact(MatchRequest live, MatchRequest recorded)
    {
        if (!string.Equals(live.Shape, recorded.Shape, StringComparison.Ordinal) || live.Fields.Count != recorded.Fields.Count)
        {
            return false;
        }

        for (int i = 0; i < live.Fields.Count; i++)
        {
            if (live.Fields[i].Name != recorded.Fields[i].Name || live.Fields[i].Value != recorded.Fields[i].Value)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The differing fields when the two requests have the same shape and field names and every difference is volatile; null
    /// otherwise (including when they differ in nothing, which is an exact match).
    /// </summary>
    /// <param name="live">The live request.</param>
    /// <param name="recorded">The mock's request.</param>
    /// <param name="recordedAt">The mock's request timestamp (for time values), or null.</param>
    /// <param name="noiseNames">Field names declared as noise (compared with the whole name and with its last segment).</param>
    /// <param name="now">The current time (a live time value may be near it).</param>
    public static IReadOnlyList<FieldDifference>? VolatileDifferences(MatchRequest live, MatchRequest recorded, DateTimeOffset? recordedAt, IReadOnlySet<string> noiseNames, DateTimeOffset now)
    {
        if (!string.Equals(live.Shape, recorded.Shape, StringComparison.Ordinal) || live.Fields.Count != recorded.Fields.Count)
        {
            return null;
        }

        List<FieldDifference> differences = new();
        for (int i = 0; i < live.Fields.Count; i++)
        {
            MatchField a = live.Fields[i], r = recorded.Fields[i];
            if (a.Name != r.Name)
            {
                return null;
            }

            if (a.Value == r.Value)
            {
                continue;
            }

            string? kind = VolatileKind(a, r, recordedAt, noiseNames, now);
            if (kind is null)
            {
                return null;
            }

            differences.Add(new FieldDifference(a.Name, kind, r.Display, a.Display));
        }

        return differences.Count == 0 ? null : differences;
    }

    /// <summary>
    /// Every field that differs, volatile or not (kind <c>changed</c> when not; <c>added</c>/<c>missing</c> for a field on one side
    /// only): the note for a match a protocol's own compatibility rule made although fields differ.
    /// </summary>
    public static List<FieldDifference> AllDifferences(MatchRequest live, MatchRequest recorded, DateTimeOffset? recordedAt, IReadOnlySet<string> noiseNames, DateTimeOffset now)
    {
        List<FieldDifference> result = new();
        Dictionary<string, MatchField> rec = new(StringComparer.Ordinal);
        foreach (MatchField f in recorded.Fields)
        {
            rec.TryAdd(f.Name, f);
        }

        HashSet<string> seen = new(StringComparer.Ordinal);
        foreach (MatchField a in live.Fields)
        {
            seen.Add(a.Name);
            if (!rec.TryGetValue(a.Name, out MatchField? r))
            {
                result.Add(new FieldDifference(a.Name, "added", "<none>", a.Display));
            }
            else if (r.Value != a.Value)
            {
                result.Add(new FieldDifference(a.Name, VolatileKind(a, r, recordedAt, noiseNames, now) ?? "changed", r.Display, a.Display));
            }
        }

        foreach (MatchField r in recorded.Fields.Where(f => !seen.Contains(f.Name)))
        {
            result.Add(new FieldDifference(r.Name, "missing", r.Display, "<none>"));
        }

        return result;
    }

    /// <summary>Why two differing values of one field are volatile (<c>uuid</c>, <c>time</c>, <c>noise</c>), or null when they are not.</summary>
    public static string? VolatileKind(MatchField live, MatchField recorded, DateTimeOffset? recordedAt, IReadOnlySet<string> noiseNames, DateTimeOffset now)
    {
        if (IsNoise(live.Name, noiseNames))
        {
            return "noise";
        }

        if (IsUuid(live.Display) && IsUuid(recorded.Display))
        {
            return "uuid";
        }

        if (TryTime(live.Display, out DateTimeOffset lt) && TryTime(recorded.Display, out DateTimeOffset rt))
        {
            DateTimeOffset anchor = recordedAt ?? rt;
            bool recordedNear = (rt - anchor).Duration() <= TimeTolerance;
            bool liveNear = (lt - anchor).Duration() <= TimeTolerance || (lt - now).Duration() <= TimeTolerance;
            if (recordedNear && liveNear)
            {
                return live.Type ?? "time";
            }
        }

        return null;
    }

    /// <summary>True for a canonical 8-4-4-4-12 hex uuid (optionally quoted or braced).</summary>
    public static bool IsUuid(string value) => UuidRegex().IsMatch(value.Trim('"', '\'', '{', '}'));

    /// <summary>Parses an ISO 8601 / PostgreSQL time text (<c>2026-12-01 23:45:00.123+00</c>, <c>2026-12-01T23:45:00Z</c>).</summary>
    public static bool TryTime(string value, out DateTimeOffset time)
    {
        string s = value.Trim('"', '\'');
        time = default;
        if (s.Length < 10 || !char.IsAsciiDigit(s[0]) || s[4] != '-')
        {
            return false;
        }

        // PostgreSQL writes "+00" offsets; .NET wants "+00:00".
        if (s.Length > 16 && s.IndexOf(':') > 0 && OffsetHoursRegex().IsMatch(s))
        {
            s += ":00";
        }

        return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out time);
    }

    private static bool IsNoise(string name, IReadOnlySet<string> noiseNames)
    {
        if (noiseNames.Count == 0)
        {
            return false;
        }

        int dot = name.LastIndexOf('.');
        return noiseNames.Contains(name) || (dot >= 0 && noiseNames.Contains(name[(dot + 1)..]));
    }

    [GeneratedRegex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    private static partial Regex UuidRegex();

    [GeneratedRegex("[+-][0-9]{2}$")]
    private static partial Regex OffsetHoursRegex();
}
