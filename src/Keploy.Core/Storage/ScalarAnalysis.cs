namespace Keploy.Core.Storage;

/// <summary>
/// Which scalar styles can hold a text, following yaml.v3's <c>yaml_emitter_analyze_scalar</c> (libyaml emitter.c) with
/// unicode output enabled and no line width.
/// </summary>
internal readonly struct ScalarAnalysis
{
    public bool FlowPlainAllowed { get; init; }

    public bool BlockPlainAllowed { get; init; }

    public bool SingleQuotedAllowed { get; init; }

    public bool BlockAllowed { get; init; }

    public bool LineBreaks { get; init; }

    /// <summary>libyaml <c>IS_PRINTABLE</c> for one UTF-16 unit (surrogates count as printable: they form astral characters).</summary>
    public static bool IsPrintable(char c)
    {
        return c == '\n' || (c >= 0x20 && c <= 0x7E) || c == 0x85 || (c >= 0xA0 && c <= 0xD7FF)
            || (c >= 0xD800 && c <= 0xDFFF) || (c >= 0xE000 && c <= 0xFFFD && c != 0xFEFF);
    }

    private static bool IsBreak(char c) => c is '\n' or '\r' or '\u0085' or '\u2028' or '\u2029';

    private static bool IsBlank(char c) => c is ' ' or '\t';

    public static ScalarAnalysis Analyze(string value)
    {
        if (value.Length == 0)
        {
            return new ScalarAnalysis { FlowPlainAllowed = false, BlockPlainAllowed = true, SingleQuotedAllowed = true, BlockAllowed = false };
        }

        bool blockIndicators = false, flowIndicators = false, lineBreaks = false, specialCharacters = false;
        bool leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false;
        bool breakSpace = false, spaceBreak = false, previousSpace = false, previousBreak = false;

        if (value.StartsWith("---", StringComparison.Ordinal) || value.StartsWith("...", StringComparison.Ordinal))
        {
            blockIndicators = true;
            flowIndicators = true;
        }

        bool precededByWhitespace = true;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            bool followedByWhitespace = i + 1 >= value.Length || IsBlank(value[i + 1]) || IsBreak(value[i + 1]);
            if (i == 0)
            {
                switch (c)
                {
                    case '#' or ',' or '[' or ']' or '{' or '}' or '&' or '*' or '!' or '|' or '>' or '\'' or '"' or '%' or '@' or '`':
                        flowIndicators = true;
                        blockIndicators = true;
                        break;
                    case '?' or ':':
                        flowIndicators = true;
                        if (followedByWhitespace)
                        {
                            blockIndicators = true;
                        }

                        break;
                    case '-':
                        if (followedByWhitespace)
                        {
                            flowIndicators = true;
                            blockIndicators = true;
                        }

                        break;
                }
            }
            else
            {
                switch (c)
                {
                    case ',' or '?' or '[' or ']' or '{' or '}':
                        flowIndicators = true;
                        break;
                    case ':':
                        flowIndicators = true;
                        if (followedByWhitespace)
                        {
                            blockIndicators = true;
                        }

                        break;
                    case '#':
                        if (precededByWhitespace)
                        {
                            flowIndicators = true;
                            blockIndicators = true;
                        }

                        break;
                }
            }

            if (!IsPrintable(c))
            {
                specialCharacters = true;
            }

            if (c == ' ')
            {
                if (i == 0)
                {
                    leadingSpace = true;
                }

                if (i == value.Length - 1)
                {
                    trailingSpace = true;
                }

                if (previousBreak)
                {
                    breakSpace = true;
                }

                previousSpace = true;
                previousBreak = false;
            }
            else if (IsBreak(c))
            {
                lineBreaks = true;
                if (i == 0)
                {
                    leadingBreak = true;
                }

                if (i == value.Length - 1)
                {
                    trailingBreak = true;
                }

                if (previousSpace)
                {
                    spaceBreak = true;
                }

                previousSpace = false;
                previousBreak = true;
            }
            else
            {
                previousSpace = false;
                previousBreak = false;
            }

            precededByWhitespace = IsBlank(c) || IsBreak(c);
        }

        bool flowPlain = true, blockPlain = true, singleQuoted = true, block = true;
        if (leadingSpace || leadingBreak || trailingSpace || trailingBreak)
        {
            flowPlain = false;
            blockPlain = false;
        }

        if (trailingSpace)
        {
            block = false;
        }

        if (breakSpace)
        {
            flowPlain = false;
            blockPlain = false;
            singleQuoted = false;
        }

        if (spaceBreak || specialCharacters)
        {
            flowPlain = false;
            blockPlain = false;
            singleQuoted = false;
            block = false;
        }

        if (lineBreaks)
        {
            flowPlain = false;
            blockPlain = false;
        }

        if (flowIndicators)
        {
            flowPlain = false;
        }

        if (blockIndicators)
        {
            blockPlain = false;
        }

        return new ScalarAnalysis
        {
            FlowPlainAllowed = flowPlain,
            BlockPlainAllowed = blockPlain,
            SingleQuotedAllowed = singleQuoted,
            BlockAllowed = block,
            LineBreaks = lineBreaks,
        };
    }
}
