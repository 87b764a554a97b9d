using System.Text;

namespace Keploy.Core.Replay.Matching;

/// <summary>
/// Text comparison for closest-mock explanations: a cheap similarity (shared prefix and suffix), line alignment by content, and a
/// short excerpt around the first difference of two long lines instead of both lines in full.
/// </summary>
public static class TextDiff
{
    /// <summary>Characters shown on each side of the first difference.</summary>
    public const int ExcerptRadius = 30;

    /// <summary>Below this similarity two lines are not shown as one changed line but as one missing and one extra.</summary>
    public const double MinPairSimilarity = 0.3;

    /// <summary>Similarity in [0, 1]: (shared prefix + shared suffix) / longer length; 1 for equal strings.</summary>
    public static double Similarity(string a, string b)
    {
        if (a == b)
        {
            return 1;
        }

        int max = Math.Max(a.Length, b.Length);
        int prefix = CommonPrefix(a, b);
        int suffix = 0;
        while (suffix < a.Length - prefix && suffix < b.Length - prefix && a[a.Length - 1 - suffix] == b[b.Length - 1 - suffix])
        {
            suffix++;
        }

        return (double)(prefix + suffix) / Math.Max(max, 1);
    }

    /// <summary>
    /// How alike two requests (one line per message) are, aligned by content: each live line scores its best match among the
    /// recorded lines; the mean over the longer list (so missing or extra lines count against).
    /// </summary>
    public static double AlignedSimilarity(IReadOnlyList<string> live, IReadOnlyList<string> recorded)
    {
        int n = Math.Max(live.Count, recorded.Count);
        if (n == 0)
        {
            return 1;
        }

        double total = 0;
        foreach (string line in live)
        {
            total += recorded.Count == 0 ? 0 : recorded.Max(r => Similarity(line, r));
        }

        return total / n;
    }

    /// <summary>
    /// Explains how the live lines differ from the recorded ones: each live line with no equal recorded line is shown against its
    /// most similar recorded line as an excerpt (<see cref="Excerpt"/>); recorded lines nobody matched are listed as missing.
    /// </summary>
    public static string ExplainLines(IReadOnlyList<string> live, IReadOnlyList<string> recorded)
    {
        List<string> parts = new();
        HashSet<int> used = new();
        List<string> unmatched = new();

        // Equal lines pair first (wherever they are), then the rest with their most similar unpaired recorded line.
        foreach (string line in live)
        {
            int equal = Enumerable.Range(0, recorded.Count).FirstOrDefault(i => !used.Contains(i) && recorded[i] == line, -1);
            if (equal >= 0)
            {
                used.Add(equal);
            }
            else
            {
                unmatched.Add(line);
            }
        }

        // One changed line on each side is always shown as a change, however different.
        double threshold = unmatched.Count == 1 && recorded.Count - used.Count == 1 ? 0 : MinPairSimilarity;
        foreach (string line in unmatched)
        {
            int best = -1;
            double bestScore = threshold;
            for (int i = 0; i < recorded.Count; i++)
            {
                double score = used.Contains(i) ? -1 : Similarity(line, recorded[i]);
                if (score >= bestScore)
                {
                    (best, bestScore) = (i, score);
                }
            }

            if (best < 0)
            {
                parts.Add($"not recorded: '{Truncate(line, 2 * ExcerptRadius)}'");
                continue;
            }

            used.Add(best);
            parts.Add(Excerpt(recorded[best], line));
        }

        for (int i = 0; i < recorded.Count; i++)
        {
            if (!used.Contains(i))
            {
                parts.Add($"recorded but not sent: '{Truncate(recorded[i], 2 * ExcerptRadius)}'");
            }
        }

        return parts.Count == 0 ? "same statements" : string.Join("; ", parts);
    }

    /// <summary>
    /// Where two texts first differ, in one short line: <c>differ at column 57: recorded '…WHERE id = $1 AND…' got '…WHERE id = $2…'</c>
    /// (1-based column, <see cref="ExcerptRadius"/> characters either side). Short texts are shown whole.
    /// </summary>
    public static string Excerpt(string recorded, string actual)
    {
        if (recorded == actual)
        {
            return "equal";
        }

        int at = CommonPrefix(recorded, actual);
        if (recorded.Length <= 2 * ExcerptRadius && actual.Length <= 2 * ExcerptRadius)
        {
            return $"differ at column {at + 1}: recorded '{recorded}' got '{actual}'";
        }

        return $"differ at column {at + 1}: recorded '{Around(recorded, at)}' got '{Around(actual, at)}'";
    }

    /// <summary>The text cut to <paramref name="max"/> characters with an ellipsis.</summary>
    public static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "…";

    private static string Around(string text, int at)
    {
        int start = Math.Max(0, at - ExcerptRadius);
        int end = Math.Min(text.Length, at + ExcerptRadius);
        StringBuilder sb = new();
        if (start > 0)
        {
            sb.Append('…');
        }

        sb.Append(text, start, end - start);
        if (end < text.Length)
        {
            sb.Append('…');
        }

        return sb.ToString();
    }

    private static int CommonPrefix(string a, string b)
    {
        int i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i])
        {
            i++;
        }

        return i;
    }
}
