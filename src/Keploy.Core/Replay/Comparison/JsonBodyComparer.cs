using System.Text.Json;
using System.Text.RegularExpressions;

namespace Keploy.Core.Replay.Comparison;

/// <summary>
/// Noise-aware structural comparison of two JSON documents (our version of Keploy's <c>JSONDiffWithNoiseControl</c>,
/// <c>pkg/matcher/utils.go</c>). Objects compare key by key (missing and extra keys both fail); numbers by value (<c>1.0</c> equals
/// <c>1</c>, as Go's float64 decoding does); arrays element by element, or as multisets (recursively) when ordering is ignored.
/// Paths are written JSONPath-like: <c>$.items[2].price</c>, <c>$['odd key']</c>.
/// </summary>
internal sealed partial class JsonBodyComparer
{
    private readonly NoiseRules _noise;
    private readonly bool _ignoreOrdering;

    public JsonBodyComparer(NoiseRules noise, bool ignoreOrdering)
    {
        _noise = noise;
        _ignoreOrdering = ignoreOrdering;
    }

    /// <summary>Compares two parsed documents, adding failures to <paramref name="differences"/> and reordered arrays to <paramref name="reordered"/>.</summary>
    public void Compare(JsonElement expected, JsonElement actual, List<ResponseDifference> differences, List<string> reordered)
    {
        Compare(expected, actual, "$", new List<string>(), differences, reordered);
    }

    private static string Text(JsonElement e) => e.GetRawText();

    private static string NoiseText(JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString() ?? "" : e.GetRawText();

    private static string Member(string path, string key)
    {
        return SimpleKey().IsMatch(key) ? path + "." + key : path + "['" + key.Replace("'", "\\'", StringComparison.Ordinal) + "']";
    }

    private static bool ScalarEqual(JsonElement e, JsonElement a)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                return string.Equals(e.GetString(), a.GetString(), StringComparison.Ordinal);
            case JsonValueKind.Number:
                if (e.TryGetDecimal(out decimal ed) && a.TryGetDecimal(out decimal ad))
                {
                    return ed == ad;
                }

                if (e.TryGetDouble(out double edbl) && a.TryGetDouble(out double adbl))
                {
                    return edbl.Equals(adbl);
                }

                return string.Equals(e.GetRawText(), a.GetRawText(), StringComparison.Ordinal);
            case JsonValueKind.True:
            case JsonValueKind.False:
                return e.ValueKind == a.ValueKind;
            default:
                return true; // null: equal kinds are equal values
        }
    }

    private static JsonValueKind KindClass(JsonValueKind kind) => kind == JsonValueKind.False ? JsonValueKind.True : kind;

    private void Compare(JsonElement e, JsonElement a, string path, List<string> keyPath, List<ResponseDifference> diffs, List<string> reordered)
    {
        if (KindClass(e.ValueKind) != KindClass(a.ValueKind))
        {
            diffs.Add(new ResponseDifference(path, Text(e), Text(a), DifferenceKind.TypeChanged));
            return;
        }

        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                CompareObjects(e, a, path, keyPath, diffs, reordered);
                break;
            case JsonValueKind.Array:
                CompareArrays(e, a, path, keyPath, diffs, reordered);
                break;
            default:
                if (!ScalarEqual(e, a))
                {
                    diffs.Add(new ResponseDifference(path, Text(e), Text(a), DifferenceKind.ValueChanged));
                }

                break;
        }
    }

    private void CompareObjects(JsonElement e, JsonElement a, string path, List<string> keyPath, List<ResponseDifference> diffs, List<string> reordered)
    {
        Dictionary<string, JsonElement> actualProps = new(StringComparer.Ordinal);
        foreach (JsonProperty p in a.EnumerateObject())
        {
            actualProps.TryAdd(p.Name, p.Value);
        }

        HashSet<string> seen = new(StringComparer.Ordinal);
        foreach (JsonProperty p in e.EnumerateObject())
        {
            if (!seen.Add(p.Name))
            {
                continue;
            }

            string childPath = Member(path, p.Name);
            keyPath.Add(p.Name);
            bool present = actualProps.TryGetValue(p.Name, out JsonElement av);
            switch (_noise.MatchBody(keyPath, present ? NoiseText(av) : null))
            {
                case NoiseVerdict.Ignored:
                case NoiseVerdict.RegexMatched:
                    break;
                case NoiseVerdict.RegexMismatch:
                    diffs.Add(new ResponseDifference(childPath, Text(p.Value), present ? Text(av) : null, DifferenceKind.NoiseRegexMismatch));
                    break;
                default:
                    if (present)
                    {
                        Compare(p.Value, av, childPath, keyPath, diffs, reordered);
                    }
                    else
                    {
                        diffs.Add(new ResponseDifference(childPath, Text(p.Value), null, DifferenceKind.Missing));
                    }

                    break;
            }

            keyPath.RemoveAt(keyPath.Count - 1);
        }

        foreach ((string name, JsonElement value) in actualProps)
        {
            if (seen.Contains(name))
            {
                continue;
            }

            keyPath.Add(name);
            NoiseVerdict verdict = _noise.MatchBody(keyPath, NoiseText(value));
            keyPath.RemoveAt(keyPath.Count - 1);
            if (verdict == NoiseVerdict.RegexMismatch)
            {
                diffs.Add(new ResponseDifference(Member(path, name), null, Text(value), DifferenceKind.NoiseRegexMismatch));
            }
            else if (verdict == NoiseVerdict.NotNoisy)
            {
                diffs.Add(new ResponseDifference(Member(path, name), null, Text(value), DifferenceKind.Unexpected));
            }
        }
    }

    private bool Equal(JsonElement e, JsonElement a, List<string> keyPath)
    {
        List<ResponseDifference> scratch = new();
        Compare(e, a, "$", keyPath, scratch, new List<string>());
        return scratch.Count == 0;
    }

    private void CompareArrays(JsonElement e, JsonElement a, string path, List<string> keyPath, List<ResponseDifference> diffs, List<string> reordered)
    {
        JsonElement[] expected = e.EnumerateArray().ToArray();
        JsonElement[] actual = a.EnumerateArray().ToArray();

        List<ResponseDifference> indexWise = new();
        List<string> indexWiseReordered = new();
        int common = Math.Min(expected.Length, actual.Length);
        for (int i = 0; i < common; i++)
        {
            Compare(expected[i], actual[i], $"{path}[{i}]", keyPath, indexWise, indexWiseReordered);
        }

        for (int i = common; i < expected.Length; i++)
        {
            indexWise.Add(new ResponseDifference($"{path}[{i}]", Text(expected[i]), null, DifferenceKind.Missing));
        }

        for (int i = common; i < actual.Length; i++)
        {
            indexWise.Add(new ResponseDifference($"{path}[{i}]", null, Text(actual[i]), DifferenceKind.Unexpected));
        }

        if (indexWise.Count == 0)
        {
            reordered.AddRange(indexWiseReordered);
            return;
        }

        // Multiset matching: each expected element takes the first unused actual element equal to it (noise-aware, recursive).
        bool[] used = new bool[actual.Length];
        List<int> unmatchedExpected = new();
        for (int i = 0; i < expected.Length; i++)
        {
            int found = -1;
            for (int j = 0; j < actual.Length; j++)
            {
                if (!used[j] && Equal(expected[i], actual[j], keyPath))
                {
                    found = j;
                    break;
                }
            }

            if (found < 0)
            {
                unmatchedExpected.Add(i);
            }
            else
            {
                used[found] = true;
            }
        }

        List<int> unmatchedActual = Enumerable.Range(0, actual.Length).Where(j => !used[j]).ToList();
        bool sameElements = unmatchedExpected.Count == 0 && unmatchedActual.Count == 0;

        if (!_ignoreOrdering)
        {
            if (sameElements)
            {
                diffs.Add(new ResponseDifference(path, Text(e), Text(a), DifferenceKind.OrderOnly));
            }
            else
            {
                diffs.AddRange(indexWise);
                reordered.AddRange(indexWiseReordered);
            }

            return;
        }

        if (sameElements)
        {
            reordered.Add(path);
            return;
        }

        // Report the leftovers pairwise (expected index in the path), then what is missing or extra.
        int pairs = Math.Min(unmatchedExpected.Count, unmatchedActual.Count);
        for (int k = 0; k < pairs; k++)
        {
            int i = unmatchedExpected[k];
            Compare(expected[i], actual[unmatchedActual[k]], $"{path}[{i}]", keyPath, diffs, reordered);
        }

        for (int k = pairs; k < unmatchedExpected.Count; k++)
        {
            int i = unmatchedExpected[k];
            diffs.Add(new ResponseDifference($"{path}[{i}]", Text(expected[i]), null, DifferenceKind.Missing));
        }

        for (int k = pairs; k < unmatchedActual.Count; k++)
        {
            int j = unmatchedActual[k];
            diffs.Add(new ResponseDifference($"{path}[{j}]", null, Text(actual[j]), DifferenceKind.Unexpected));
        }
    }

    [GeneratedRegex("^[A-Za-z_$][A-Za-z0-9_$-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex SimpleKey();
}
