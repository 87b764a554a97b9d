using System.Text.RegularExpressions;
using Keploy.Core.Config;

namespace Keploy.Core.Replay.Comparison;

/// <summary>
/// The noise that applies to one test case's response: the test's <c>spec.assertions.noise</c> (keys <c>header.Date</c>,
/// <c>body.updated_at</c>, <c>body.data.items.id</c>, <c>body</c>) merged with keploy.yml <c>test.globalNoise</c> (global left-joined
/// with the test-set's entry, Keploy <c>pkg/service/replay/utils.go</c> <c>LeftJoinNoise</c>), plus Keploy's automatic header noise
/// (<c>pkg/models/flaky_headers.go</c>).
/// </summary>
/// <remarks>
/// <para>Rules: an empty regex list ignores the field always; a non-empty list means the actual value must match one of the regexes
/// (unanchored, like Go's <c>regexp.MatchString</c>) — enforced, unlike Keploy bug #4416.</para>
/// <para>Body paths (Keploy <c>pkg/matcher/noisepath.go</c>): dot-joined object keys without array indices, compared
/// case-insensitively. A rule covers a path when its segments are a prefix of the path's segments (so the whole subtree is
/// covered); a single-segment rule covers a key of that name at any depth. <c>body</c>, <c>body.*</c> or a <c>*</c> key in the
/// <c>body</c> section ignores the whole body (#2563).</para>
/// <para>Header names are compared case-insensitively; a <c>*</c> key in the <c>header</c> section ignores every header.</para>
/// <para>Auto header noise: response headers <c>date</c>, <c>x-request-id</c>, <c>request-id</c>, <c>x-correlation-id</c>,
/// <c>x-runtime</c>, <c>traceparent</c>, <c>tracestate</c>, <c>b3</c>, <c>x-b3-*</c>, <c>x-datadog-*</c> must be present but any value
/// passes, unless <c>disableAutoHeaderNoise</c>. An explicit rule for the same header wins.</para>
/// </remarks>
public sealed class NoiseRules
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    private static readonly string[] AutoHeaderNames =
    [
        "date", "x-request-id", "request-id", "x-correlation-id", "x-runtime", "traceparent", "tracestate", "b3",
    ];

    private static readonly string[] AutoHeaderPrefixes = ["x-b3-", "x-datadog-"];

    private readonly Dictionary<string, List<Regex>> _headers = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(string[] Segments, List<Regex> Regexes)> _body = new();
    private List<Regex>? _allHeaders;
    private List<Regex>? _wholeBody;

    private NoiseRules(bool disableAutoHeaderNoise)
    {
        DisableAutoHeaderNoise = disableAutoHeaderNoise;
    }

    /// <summary>No noise at all (auto header noise still on).</summary>
    public static NoiseRules Empty { get; } = new(disableAutoHeaderNoise: false);

    /// <summary>True when automatic header noise is off (<c>--disableAutoHeaderNoise</c>).</summary>
    public bool DisableAutoHeaderNoise { get; }

    /// <summary>True when a rule with an empty regex list ignores the whole body.</summary>
    public bool IgnoresWholeBody => _wholeBody is { Count: 0 };

    /// <summary>
    /// Builds the rules for one test case.
    /// </summary>
    /// <param name="testNoise">The test's <c>spec.assertions.noise</c> (<c>header.Date: []</c>, <c>body.a.b: ["^x"]</c>), or null.</param>
    /// <param name="globalNoise">keploy.yml <c>test.globalNoise</c>, or null.</param>
    /// <param name="testSetId">The test-set id whose entry in <paramref name="globalNoise"/> is left-joined over the global one.</param>
    /// <param name="disableAutoHeaderNoise">Turn off automatic header noise.</param>
    /// <exception cref="ArgumentException">A regex does not compile; the message names the noise key and the regex.</exception>
    public static NoiseRules Create(
        IReadOnlyDictionary<string, List<string>>? testNoise,
        GlobalNoiseConfig? globalNoise = null,
        string? testSetId = null,
        bool disableAutoHeaderNoise = false)
    {
        NoiseRules rules = new(disableAutoHeaderNoise);
        if (globalNoise is not null)
        {
            globalNoise.TestSets.TryGetValue(testSetId ?? "", out NoiseMap? setNoise);
            NoiseMap joined = LeftJoin(globalNoise.Global, setNoise);
            foreach ((string section, Dictionary<string, List<string>> entries) in joined)
            {
                foreach ((string key, List<string> regexes) in entries)
                {
                    rules.Add(section, key, regexes);
                }
            }
        }

        if (testNoise is not null)
        {
            foreach ((string key, List<string> regexes) in testNoise)
            {
                int dot = key.IndexOf('.', StringComparison.Ordinal);
                string section = dot < 0 ? key : key[..dot];
                string rest = dot < 0 ? "" : key[(dot + 1)..];
                rules.Add(section, rest, regexes ?? new List<string>());
            }
        }

        return rules;
    }

    /// <summary>
    /// Keploy's <c>LeftJoinNoise</c>: a copy of <paramref name="global"/> where every section/key of <paramref name="testSet"/>
    /// is added or replaces the global entry.
    /// </summary>
    public static NoiseMap LeftJoin(NoiseMap global, NoiseMap? testSet)
    {
        NoiseMap result = new();
        foreach ((string section, Dictionary<string, List<string>> entries) in global)
        {
            result[section] = new Dictionary<string, List<string>>(entries, StringComparer.Ordinal);
        }

        if (testSet is not null)
        {
            foreach ((string section, Dictionary<string, List<string>> entries) in testSet)
            {
                if (!result.TryGetValue(section, out Dictionary<string, List<string>>? target))
                {
                    target = new Dictionary<string, List<string>>(StringComparer.Ordinal);
                    result[section] = target;
                }

                foreach ((string key, List<string> regexes) in entries)
                {
                    target[key] = regexes;
                }
            }
        }

        return result;
    }

    /// <summary>The verdict for a response header. <paramref name="actualValue"/> is null when the actual response lacks it.</summary>
    public NoiseVerdict MatchHeader(string name, string? actualValue)
    {
        List<Regex>? regexes = _allHeaders;
        if (regexes is null && !_headers.TryGetValue(name, out regexes))
        {
            return IsAutoNoiseHeader(name) && !DisableAutoHeaderNoise ? NoiseVerdict.PresenceOnly : NoiseVerdict.NotNoisy;
        }

        return Verdict(regexes, actualValue);
    }

    /// <summary>
    /// The verdict for a body field reached through object keys <paramref name="keyPath"/> (array indices left out).
    /// <paramref name="actualValue"/> is the actual scalar's text (JSON text for objects and arrays), or null when absent.
    /// </summary>
    public NoiseVerdict MatchBody(IReadOnlyList<string> keyPath, string? actualValue)
    {
        foreach ((string[] segments, List<Regex> regexes) in _body)
        {
            if (Covers(segments, keyPath))
            {
                return Verdict(regexes, actualValue);
            }
        }

        return NoiseVerdict.NotNoisy;
    }

    /// <summary>The verdict for the body as a whole (<c>body: []</c>, <c>body: {"*": ...}</c>), given the actual body text.</summary>
    public NoiseVerdict MatchWholeBody(string? actualBody)
    {
        return _wholeBody is null ? NoiseVerdict.NotNoisy : Verdict(_wholeBody, actualBody);
    }

    /// <summary>True for headers Keploy treats as flaky by default (<c>pkg/models/flaky_headers.go</c>).</summary>
    public static bool IsAutoNoiseHeader(string name)
    {
        foreach (string n in AutoHeaderNames)
        {
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        foreach (string p in AutoHeaderPrefixes)
        {
            if (name.StartsWith(p, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Covers(string[] rule, IReadOnlyList<string> path)
    {
        if (rule.Length == 1)
        {
            foreach (string segment in path)
            {
                if (string.Equals(segment, rule[0], StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        if (rule.Length > path.Count)
        {
            return false;
        }

        for (int i = 0; i < rule.Length; i++)
        {
            if (!string.Equals(rule[i], path[i], StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    private static NoiseVerdict Verdict(List<Regex> regexes, string? actualValue)
    {
        if (regexes.Count == 0)
        {
            return NoiseVerdict.Ignored;
        }

        if (actualValue is null)
        {
            return NoiseVerdict.RegexMismatch;
        }

        foreach (Regex regex in regexes)
        {
            if (regex.IsMatch(actualValue))
            {
                return NoiseVerdict.RegexMatched;
            }
        }

        return NoiseVerdict.RegexMismatch;
    }

    private static List<Regex> Compile(string section, string key, List<string> patterns)
    {
        List<Regex> result = new(patterns.Count);
        foreach (string pattern in patterns)
        {
            // Keploy's `{"*": "*"}` (#2563) reads as a one-element list ["*"]: treat a lone "*" as "anything".
            if (pattern == "*")
            {
                return new List<Regex>();
            }

            try
            {
                result.Add(new Regex(pattern, RegexOptions.CultureInvariant, RegexTimeout));
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"noise {section}.{key}: invalid regex '{pattern}': {e.Message}", e);
            }
        }

        return result;
    }

    private void Add(string section, string key, List<string> patterns)
    {
        List<Regex> regexes = Compile(section, key, patterns);
        if (string.Equals(section, "header", StringComparison.OrdinalIgnoreCase))
        {
            if (key is "" or "*")
            {
                _allHeaders = regexes;
            }
            else
            {
                _headers[key] = regexes;
            }
        }
        else if (string.Equals(section, "body", StringComparison.OrdinalIgnoreCase))
        {
            if (key is "" or "*")
            {
                _wholeBody = regexes;
            }
            else
            {
                _body.Add((key.Split('.', StringSplitOptions.RemoveEmptyEntries), regexes));
            }
        }

        // Other sections (url, requestbody) feed outgoing-HTTP mock matching, not response comparison.
    }
}
