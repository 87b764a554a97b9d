using System.Globalization;
using System.Text;

namespace Keploy.Core.Diagnostics;

/// <summary>
/// Makes text that came from the network (request lines, header values, protocol error messages quoting the peer's bytes) safe to put
/// in a log line: control characters cannot move the cursor, clear the screen, recolour the terminal, split one log line into two or
/// reorder what is shown.
/// </summary>
public static class LogText
{
    /// <summary>
    /// Returns <paramref name="text"/> with every C0 control (U+0000-U+001F, tab and line breaks included), DEL (U+007F), C1 control
    /// (U+0080-U+009F, among them the one-character CSI U+009B), Unicode line/paragraph separator (U+2028, U+2029), bidirectional
    /// override/isolate (U+202A-U+202E, U+2066-U+2069) and lone surrogate written as an escape: <c>\t</c>, <c>\n</c>, <c>\r</c>,
    /// <c>\xHH</c> for the other C0 controls and DEL (so <c>ESC[2J</c> becomes <c>\x1b[2J</c>, NUL <c>\x00</c>), <c>\uHHHH</c> for the
    /// rest. Everything else, backslashes included, is left as is, so escaping already-escaped text changes nothing (idempotent) and
    /// every caller on the way to the log may escape. Returns the same instance when nothing needs escaping. Never throws; null gives "".
    /// </summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        int first = FirstUnsafe(text);
        if (first < 0)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 16);
        sb.Append(text, 0, first);
        for (int i = first; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }

            if (!IsUnsafe(c))
            {
                sb.Append(c);
                continue;
            }

            switch (c)
            {
                case '\t':
                    sb.Append("\\t");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                default:
                    if (c < 0x80)
                    {
                        sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }

                    break;
            }
        }

        return sb.ToString();
    }

    private static int FirstUnsafe(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (IsUnsafe(c))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsUnsafe(char c) =>
        c < 0x20 || c is >= '\u007f' and <= '\u009f' || c is '\u2028' or '\u2029' || c is >= '\u202a' and <= '\u202e' ||
        c is >= '\u2066' and <= '\u2069' || char.IsSurrogate(c); // a paired surrogate never gets here
}
