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

    /// <summary>Formats like Go's <c>time.RFC3339Nano</c>: fraction with trailing zeros trimmed, <c>Z</c> for UTC, else <c>+05:30</c>.</summary>
    /// <remarks>Digit by digit into one buffer (every recorded test case and mock carries two timestamps; the format-string
    /// version made four strings each). Years outside 0..9999 cannot occur in a <see cref="DateTimeOffset"/>.</remarks>
    public static string Format(DateTimeOffset value)
    {
        Span<char> buffer = stackalloc char[35];
        DateTime local = value.DateTime;
        Digits(buffer[..4], local.Year);
        buffer[4] = '-';
        Digits(buffer.Slice(5, 2), local.Month);
        buffer[7] = '-';
        Digits(buffer.Slice(8, 2), local.Day);
        buffer[10] = 'T';
        Digits(buffer.Slice(11, 2), local.Hour);
        buffer[13] = ':';
        Digits(buffer.Slice(14, 2), local.Minute);
        buffer[16] = ':';
        Digits(buffer.Slice(17, 2), local.Second);
        int length = 19;
        long fraction = value.Ticks % TimeSpan.TicksPerSecond;
        if (fraction != 0)
        {
            buffer[length++] = '.';
            Digits(buffer.Slice(length, 7), fraction);
            length += 7;
            while (buffer[length - 1] == '0')
            {
                length--;
            }
        }

        TimeSpan offset = value.Offset;
        if (offset == TimeSpan.Zero)
        {
            buffer[length++] = 'Z';
        }
        else
        {
            buffer[length++] = offset < TimeSpan.Zero ? '-' : '+';
            long minutes = Math.Abs((long)offset.TotalMinutes);
            Digits(buffer.Slice(length, 2), minutes / 60);
            buffer[length + 2] = ':';
            Digits(buffer.Slice(length + 3, 2), minutes % 60);
            length += 5;
        }

        return new string(buffer[..length]);
    }

    // Writes value as exactly destination.Length decimal digits, zero-padded.
    private static void Digits(Span<char> destination, long value)
    {
        for (int i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (char)('0' + (int)(value % 10));
            value /= 10;
        }
    }
}
