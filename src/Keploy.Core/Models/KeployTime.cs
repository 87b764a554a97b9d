using System.Globalization;

namespace Keploy.Core.Models;

/// <summary>
/// Keploy's timestamps: Go's RFC3339Nano (<c>2025-10-16T10:55:58.533461222Z</c>, <c>+05:30</c> offsets, trailing zeros of the
/// fraction trimmed). .NET keeps 100 ns ticks, so fractions longer than 7 digits are truncated when parsed.
/// </summary>
public static class KeployTime
{
    /// <summary>Keploy's zero time, written for request/response timestamps inside mocks: <c>0001-01-01T00:00:00Z</c>.</summary>
    public static readonly DateTimeOffset Zero = new(1, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Parses an RFC3339 / RFC3339Nano timestamp; returns null for null, empty or unparsable text.</summary>
    public static DateTimeOffset? TryParseNullable(string? text)
    {
        return TryParse(text, out DateTimeOffset value) ? value : null;
    }

    /// <summary>Parses an RFC3339 / RFC3339Nano timestamp, truncating fractions beyond 100 ns.</summary>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        string s = text.Trim();
        int dot = s.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            int end = dot + 1;
            while (end < s.Length && char.IsAsciiDigit(s[end]))
            {
                end++;
            }

            if (end - dot - 1 > 7)
            {
                s = string.Concat(s.AsSpan(0, dot + 8), s.AsSpan(end));
            }
        }

        return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out value);
    }

    /// <summary>Formats like Go's <c>time.RFC3339Nano</c>: fraction with trailing zeros trimmed, <c>Z</c> for UTC.</summary>
    public static string Format(DateTimeOffset value)
    {
        string fraction = (value.Ticks % TimeSpan.TicksPerSecond).ToString("0000000", CultureInfo.InvariantCulture).TrimEnd('0');
        string main = value.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        string offset = value.Offset == TimeSpan.Zero ? "Z" : value.ToString("zzz", CultureInfo.InvariantCulture);
        return fraction.Length == 0 ? main + offset : main + "." + fraction + offset;
    }
}
