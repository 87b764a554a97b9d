using System.Globalization;
using System.Text.RegularExpressions;

namespace Keploy.Core.Replay.Comparison;

/// <summary>
/// Keploy's <c>pkg.IsTime</c>: does a string look like a time? Shapes follow Go's layouts (<c>time.Layout</c>, ANSIC, UnixDate,
/// RubyDate, RFC822/Z, RFC850, RFC1123/Z (<c>Thu, 16 Oct 2025 10:55:58 GMT</c>), RFC3339/Nano, Kitchen, Stamp/Milli/Micro/Nano,
/// Go's <c>Time.String()</c>, <c>2006-01-02 15:04:05</c>, <c>2006-01-02</c>, <c>01/02/2006</c>, <c>01/02/2006 15:04:05</c>,
/// <c>02-Jan-2006</c>, <c>02-Jan-2006 15:04:05</c>) plus the offset-less ISO form System.Text.Json writes for unspecified-kind
/// <c>DateTime</c> (<c>2025-10-16T10:55:58.1234567</c>). Numbers count as times when, read as Unix seconds or milliseconds, they lie
/// within ±24 h of now. Like Go, seconds may carry a fraction in every layout.
/// </summary>
public static partial class TimeValue
{
    private const string Wk = "(Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
    private const string WkLong = "(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
    private const string Mon = "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
    private const string D2 = "(0[1-9]|[12][0-9]|3[01])";
    private const string DSp = "( ?[1-9]|[12][0-9]|3[01])";
    private const string Mo = "(0[1-9]|1[0-2])";
    private const string Hms = "([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]{1,9})?";
    private const string Hm = "([01][0-9]|2[0-3]):[0-5][0-9]";
    private const string Zone = "([A-Z]{3,5}|[+-][0-9]{2})";
    private const string Off = "[+-][0-9]{4}";
    private const string Ymd = "[0-9]{4}-" + Mo + "-" + D2;

    // Source-generated (no interpreter): every recorded response's header values and JSON strings pass through IsTime (AutoNoise),
    // and the interpreted patterns were 6.6% of the recorder's CPU under load (issue 12 profile).
    private static readonly Regex[] Layouts =
    [
        GoLayout(),
        Ansic(),
        UnixDate(),
        RubyDate(),
        Rfc822(),
        Rfc822Z(),
        Rfc850(),
        Rfc1123(),
        Rfc1123Z(),
        Rfc3339(),
        JsonUnspecified(),
        Kitchen(),
        Stamp(),
        GoTimeString(),
        DateTimeLayout(),
        DateOnlyLayout(),
        UsDate(),
        UsDateTime(),
        DayMonYear(),
        DayMonYearTime(),
    ];

    /// <summary>True when <paramref name="value"/> looks like a time (see the type's remarks).</summary>
    /// <param name="value">A header value or JSON scalar text.</param>
    /// <param name="now">The reference time for epoch numbers (default: now).</param>
    public static bool IsTime(string? value, DateTimeOffset? now = null)
    {
        if (value is null)
        {
            return false;
        }

        string s = value.Trim();
        if (s.Length < 5 || !MayBeTime(s))
        {
            return false;
        }

        if (EpochNumber().IsMatch(s))
        {
            if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
            {
                return false;
            }

            DateTimeOffset reference = now ?? DateTimeOffset.UtcNow;
            double seconds = reference.ToUnixTimeMilliseconds() / 1000.0;
            const double Day = 24 * 60 * 60;
            return Math.Abs(number - seconds) <= Day || Math.Abs(number - (seconds * 1000)) <= Day * 1000;
        }

        foreach (Regex layout in Layouts)
        {
            if (layout.IsMatch(s))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Cheap necessary condition for every shape above, checked before any regex: at most 64 characters, a digit somewhere, and
    /// the first character a digit or the capital first letter of a weekday or month name (Mon..Sun, Jan..Dec).
    /// </summary>
    private static bool MayBeTime(string s)
    {
        if (s.Length > 64)
        {
            return false;
        }

        char first = s[0];
        if (!char.IsAsciiDigit(first) && first is not ('M' or 'T' or 'W' or 'F' or 'S' or 'J' or 'A' or 'N' or 'O' or 'D'))
        {
            return false;
        }

        return s.AsSpan().IndexOfAnyInRange('0', '9') >= 0;
    }

    // time.Layout
    [GeneratedRegex($"^{Mo}/{D2} (0[1-9]|1[0-2]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{{1,9}})?(AM|PM) '[0-9]{{2}} {Off}$", RegexOptions.CultureInvariant)]
    private static partial Regex GoLayout();

    // ANSIC
    [GeneratedRegex($"^{Wk} {Mon} {DSp} {Hms} [0-9]{{4}}$", RegexOptions.CultureInvariant)]
    private static partial Regex Ansic();

    // UnixDate
    [GeneratedRegex($"^{Wk} {Mon} {DSp} {Hms} {Zone} [0-9]{{4}}$", RegexOptions.CultureInvariant)]
    private static partial Regex UnixDate();

    // RubyDate
    [GeneratedRegex($"^{Wk} {Mon} {D2} {Hms} {Off} [0-9]{{4}}$", RegexOptions.CultureInvariant)]
    private static partial Regex RubyDate();

    // RFC822
    [GeneratedRegex($"^{D2} {Mon} [0-9]{{2}} {Hm} {Zone}$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc822();

    // RFC822Z
    [GeneratedRegex($"^{D2} {Mon} [0-9]{{2}} {Hm} {Off}$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc822Z();

    // RFC850
    [GeneratedRegex($"^{WkLong}, {D2}-{Mon}-[0-9]{{2}} {Hms} {Zone}$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc850();

    // RFC1123
    [GeneratedRegex($"^{Wk}, {D2} {Mon} [0-9]{{4}} {Hms} {Zone}$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc1123();

    // RFC1123Z
    [GeneratedRegex($"^{Wk}, {D2} {Mon} [0-9]{{4}} {Hms} {Off}$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc1123Z();

    // RFC3339, RFC3339Nano
    [GeneratedRegex($"^{Ymd}[Tt]{Hms}([Zz]|[+-][0-9]{{2}}:[0-9]{{2}})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();

    // System.Text.Json, DateTimeKind.Unspecified
    [GeneratedRegex($"^{Ymd}T{Hms}$", RegexOptions.CultureInvariant)]
    private static partial Regex JsonUnspecified();

    // Kitchen
    [GeneratedRegex("^(1[0-2]|[1-9]):[0-5][0-9](AM|PM)$", RegexOptions.CultureInvariant)]
    private static partial Regex Kitchen();

    // Stamp, StampMilli, StampMicro, StampNano
    [GeneratedRegex($"^{Mon} {DSp} {Hms}$", RegexOptions.CultureInvariant)]
    private static partial Regex Stamp();

    // Go Time.String()
    [GeneratedRegex($"^{Ymd} {Hms} {Off} {Zone}$", RegexOptions.CultureInvariant)]
    private static partial Regex GoTimeString();

    // time.DateTime
    [GeneratedRegex($"^{Ymd} {Hms}$", RegexOptions.CultureInvariant)]
    private static partial Regex DateTimeLayout();

    // time.DateOnly
    [GeneratedRegex($"^{Ymd}$", RegexOptions.CultureInvariant)]
    private static partial Regex DateOnlyLayout();

    // 01/02/2006
    [GeneratedRegex($"^{Mo}/{D2}/[0-9]{{4}}$", RegexOptions.CultureInvariant)]
    private static partial Regex UsDate();

    // 01/02/2006 15:04:05
    [GeneratedRegex($"^{Mo}/{D2}/[0-9]{{4}} {Hms}$", RegexOptions.CultureInvariant)]
    private static partial Regex UsDateTime();

    // 02-Jan-2006
    [GeneratedRegex($"^{D2}-{Mon}-[0-9]{{4}}$", RegexOptions.CultureInvariant)]
    private static partial Regex DayMonYear();

    // 02-Jan-2006 15:04:05
    [GeneratedRegex($"^{D2}-{Mon}-[0-9]{{4}} {Hms}$", RegexOptions.CultureInvariant)]
    private static partial Regex DayMonYearTime();

    [GeneratedRegex("^[0-9]+(\\.[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex EpochNumber();
}
