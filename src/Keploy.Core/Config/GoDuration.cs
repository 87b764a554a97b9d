using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Keploy.Core.Config;

/// <summary>Go's <c>time.ParseDuration</c> / <c>Duration.String</c> syntax (<c>60s</c>, <c>1m30s</c>, <c>500ms</c>, <c>1h</c>, <c>0s</c>), as keploy.yml uses it.</summary>
public static partial class GoDuration
{
    /// <summary>Parses a Go duration; a bare <c>0</c> is zero. Units: ns, us, µs, ms, s, m, h; fractions allowed (<c>1.5s</c>).</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        string s = text.Trim();
        bool negative = false;
        if (s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s == "0")
        {
            return true;
        }

        if (!WholeRegex().IsMatch(s))
        {
            return false;
        }

        decimal ticks = 0;
        foreach (Match m in PartRegex().Matches(s))
        {
            decimal number = decimal.Parse(m.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            decimal unitTicks = m.Groups[2].Value switch
            {
                "ns" => 0.01m,
                "us" or "µs" or "μs" => 10m,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                _ => TimeSpan.TicksPerHour,
            };
            ticks += number * unitTicks;
        }

        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)(negative ? -ticks : ticks));
        return true;
    }

    /// <summary>Formats like Go's <c>Duration.String</c>: <c>0s</c>, <c>500ms</c>, <c>1m0s</c>, <c>1h30m0s</c>, <c>1.5s</c>.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var sb = new StringBuilder();
        if (value < TimeSpan.Zero)
        {
            sb.Append('-');
            value = value.Negate();
        }

        if (value < TimeSpan.FromSeconds(1))
        {
            double ms = value.Ticks / (double)TimeSpan.TicksPerMillisecond;
            if (ms >= 1)
            {
                return sb.Append(ms.ToString("0.#######", CultureInfo.InvariantCulture)).Append("ms").ToString();
            }

            return sb.Append((value.Ticks / 10.0).ToString("0.#", CultureInfo.InvariantCulture)).Append("µs").ToString();
        }

        long hours = (long)value.TotalHours;
        int minutes = value.Minutes;
        decimal seconds = value.Seconds + (value.Ticks % TimeSpan.TicksPerSecond) / (decimal)TimeSpan.TicksPerSecond;
        if (hours > 0)
        {
            sb.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (hours > 0 || minutes > 0)
        {
            sb.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        sb.Append(seconds.ToString("0.#######", CultureInfo.InvariantCulture)).Append('s');
        return sb.ToString();
    }

    [GeneratedRegex(@"^(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+$")]
    private static partial Regex WholeRegex();

    [GeneratedRegex(@"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h)")]
    private static partial Regex PartRegex();
}
