namespace Keploy.Core.Storage;

/// <summary>
/// Orders names with digit runs compared as numbers: <c>test-1 &lt; test-2 &lt; test-10</c>, <c>test-set-2 &lt; test-set-10</c>
/// (Keploy sorts test-sets and test cases the same way). Non-digit parts compare ordinally; ties fall back to ordinal order.
/// </summary>
public sealed class NaturalStringComparer : IComparer<string>
{
    /// <summary>The shared instance.</summary>
    public static readonly NaturalStringComparer Instance = new();

    /// <inheritdoc/>
    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
            {
                int si = i, sj = j;
                while (si < x.Length && x[si] == '0')
                {
                    si++;
                }

                while (sj < y.Length && y[sj] == '0')
                {
                    sj++;
                }

                int ei = si, ej = sj;
                while (ei < x.Length && char.IsAsciiDigit(x[ei]))
                {
                    ei++;
                }

                while (ej < y.Length && char.IsAsciiDigit(y[ej]))
                {
                    ej++;
                }

                int lengthCompare = (ei - si).CompareTo(ej - sj);
                if (lengthCompare != 0)
                {
                    return lengthCompare;
                }

                int digits = string.CompareOrdinal(x, si, y, sj, ei - si);
                if (digits != 0)
                {
                    return digits;
                }

                i = ei;
                j = ej;
                continue;
            }

            if (x[i] != y[j])
            {
                return x[i].CompareTo(y[j]);
            }

            i++;
            j++;
        }

        int rest = (x.Length - i).CompareTo(y.Length - j);
        return rest != 0 ? rest : string.CompareOrdinal(x, y);
    }
}
