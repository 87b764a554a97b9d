using System.Text.Json;
using Keploy.Core.Protocols.Http;

namespace Keploy.Core.Replay.Comparison;

/// <summary>
/// Compares the response an app gave at replay with the recorded one, like Keploy's <c>pkg/matcher/http/match.go</c> <c>Match</c>
/// but with regex noise enforced (#4416).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Status codes must be equal.</item>
/// <item>Headers: every recorded header must be present in the actual response with an equal value (ordinal), unless noise covers
/// it (see <see cref="NoiseRules"/>). Extra actual headers do not fail.</item>
/// <item><c>Content-Length</c>: a different or missing value is ignored when the body comparison passed (bodies are stored decoded,
/// and noisy body fields may change the length).</item>
/// <item>Hop-by-hop headers <c>Transfer-Encoding</c>, <c>Connection</c> and <c>Keep-Alive</c> are framing, not content: they are
/// reported (normal) but never compared, so a recording made with chunked coding replays against a Content-Length response.</item>
/// <item>Bodies: when either body is JSON (<c>System.Text.Json</c> parses it) both are compared structurally, noise-aware, arrays as
/// multisets while <see cref="CompareOptions.IgnoreOrdering"/>; a JSON body against a non-JSON one fails. Other bodies are
/// compared byte for byte only with <see cref="CompareOptions.CompareAll"/> (Keploy's <c>--compare-all</c>); otherwise a
/// difference is reported (<c>normal: true</c>) but does not fail. Two empty bodies are equal.</item>
/// </list>
/// </remarks>
public static class HttpResponseComparer
{
    private static readonly string[] HopByHop = ["Transfer-Encoding", "Connection", "Keep-Alive"];

    /// <summary>Compares <paramref name="actual"/> with <paramref name="expected"/>.</summary>
    /// <param name="expected">The recorded response (<c>spec.resp</c>).</param>
    /// <param name="actual">The response the app gave at replay.</param>
    /// <param name="noise">Noise for this test (<see cref="NoiseRules.Create"/>).</param>
    /// <param name="options">Ordering and compare-all switches; null for defaults.</param>
    /// <returns>The per-field result in Keploy's report shape with the failing paths.</returns>
    public static ComparisonResult Compare(HttpResponseRecord expected, HttpResponseRecord actual, NoiseRules noise, CompareOptions? options = null)
    {
        options ??= CompareOptions.Default;
        ComparisonResult result = new()
        {
            StatusCode = new StatusCodeResult(expected.StatusCode == actual.StatusCode, expected.StatusCode, actual.StatusCode),
        };
        if (!result.StatusCode.Normal)
        {
            result.Differences.Add(new ResponseDifference(
                "status_code", expected.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
                actual.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture), DifferenceKind.ValueChanged));
        }

        List<ResponseDifference> bodyDiffs = new();
        BodyResult body = CompareBody(expected, actual, noise, options, bodyDiffs, result.ReorderedArrays);

        foreach (string name in expected.Header.Keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            string expectedValue = expected.Header[name];
            string? actualValue = actual.Header.TryGetValue(name, out string? v) ? v : null;
            bool normal = HeaderNormal(name, expectedValue, actualValue, noise, body.Normal, out DifferenceKind kind);
            result.HeadersResult.Add(new HeaderResult(
                normal,
                new HeaderValues(name, [expectedValue]),
                new HeaderValues(name, actualValue is null ? Array.Empty<string>() : [actualValue])));
            if (!normal)
            {
                result.Differences.Add(new ResponseDifference("header." + name, expectedValue, actualValue, kind));
            }
        }

        result.BodyResult.Add(body);
        result.Differences.AddRange(bodyDiffs);
        return result;
    }

    /// <summary>
    /// The body type Keploy writes in <c>body_result[].type</c>: <c>BINARY</c> for <c>!!binary</c> bodies, <c>JSON</c> when the text
    /// parses as JSON, else <c>XML</c>, <c>HTML</c>, <c>CSV</c> from the Content-Type or a leading <c>&lt;?xml</c>, else <c>PLAIN</c>.
    /// </summary>
    public static string DetectBodyType(HttpBody body, string? contentType)
    {
        if (body.IsBinary)
        {
            return "BINARY";
        }

        if (TryParseJson(body, out JsonDocument? doc))
        {
            doc!.Dispose();
            return "JSON";
        }

        string ct = contentType ?? "";
        string text = body.Text.TrimStart();
        if (ct.Contains("xml", StringComparison.OrdinalIgnoreCase) || text.StartsWith("<?xml", StringComparison.Ordinal))
        {
            return "XML";
        }

        if (ct.Contains("html", StringComparison.OrdinalIgnoreCase))
        {
            return "HTML";
        }

        if (ct.Contains("csv", StringComparison.OrdinalIgnoreCase))
        {
            return "CSV";
        }

        return "PLAIN";
    }

    /// <summary>The body as written in the report: text, or base64 for binary bodies.</summary>
    internal static string ReportText(HttpBody body) => body.IsBinary ? Convert.ToBase64String(body.Bytes) : body.Text;

    private static bool TryParseJson(HttpBody body, out JsonDocument? doc)
    {
        doc = null;
        if (body.IsBinary || body.Bytes.Length == 0)
        {
            return false;
        }

        try
        {
            doc = JsonDocument.Parse(body.Bytes, new JsonDocumentOptions { MaxDepth = 256 });
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether a recorded header passes: hop-by-hop headers always, noise per its verdict (auto noise: present), Content-Length when
    /// the body passed, else equal values. <paramref name="kind"/> says why it failed.
    /// </summary>
    internal static bool HeaderNormal(string name, string expectedValue, string? actualValue, NoiseRules noise, bool bodyNormal, out DifferenceKind kind)
    {
        kind = DifferenceKind.ValueChanged;
        if (HopByHop.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            return true;
        }

        switch (noise.MatchHeader(name, actualValue))
        {
            case NoiseVerdict.Ignored:
            case NoiseVerdict.RegexMatched:
                return true;
            case NoiseVerdict.RegexMismatch:
                kind = DifferenceKind.NoiseRegexMismatch;
                return false;
            case NoiseVerdict.PresenceOnly:
                kind = DifferenceKind.Missing;
                return actualValue is not null;
        }

        if (string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase) && bodyNormal)
        {
            return true;
        }

        if (actualValue is null)
        {
            kind = DifferenceKind.Missing;
            return false;
        }

        return string.Equals(expectedValue, actualValue, StringComparison.Ordinal);
    }

    private static BodyResult CompareBody(
        HttpResponseRecord expected, HttpResponseRecord actual, NoiseRules noise, CompareOptions options, List<ResponseDifference> diffs, List<string> reordered)
    {
        expected.Header.TryGetValue("Content-Type", out string? contentType);
        string expectedText = ReportText(expected.Body);
        string actualText = ReportText(actual.Body);

        bool expectedIsJson = TryParseJson(expected.Body, out JsonDocument? expectedDoc);
        bool actualIsJson = TryParseJson(actual.Body, out JsonDocument? actualDoc);
        using (expectedDoc)
        using (actualDoc)
        {
            string type = expectedIsJson || actualIsJson ? "JSON" : DetectBodyType(expected.Body, contentType);

            switch (noise.MatchWholeBody(actual.Body.IsBinary ? actualText : actual.Body.Text))
            {
                case NoiseVerdict.Ignored:
                case NoiseVerdict.RegexMatched:
                    return new BodyResult(true, type, expectedText, actualText);
                case NoiseVerdict.RegexMismatch:
                    diffs.Add(new ResponseDifference("body", expectedText, actualText, DifferenceKind.NoiseRegexMismatch));
                    return new BodyResult(false, type, expectedText, actualText);
            }

            bool bytesEqual = expected.Body.Bytes.AsSpan().SequenceEqual(actual.Body.Bytes);
            if (bytesEqual)
            {
                if (expectedIsJson)
                {
                    // Equal bytes still go through the comparer so regex noise is enforced on the values.
                    new JsonBodyComparer(noise, options.IgnoreOrdering).Compare(expectedDoc!.RootElement, actualDoc!.RootElement, diffs, new List<string>());
                    return new BodyResult(diffs.Count == 0, type, expectedText, actualText);
                }

                return new BodyResult(true, type, expectedText, actualText);
            }

            if (expectedIsJson && actualIsJson)
            {
                new JsonBodyComparer(noise, options.IgnoreOrdering).Compare(expectedDoc!.RootElement, actualDoc!.RootElement, diffs, reordered);
                return new BodyResult(diffs.Count == 0, type, expectedText, actualText);
            }

            if (expectedIsJson || actualIsJson)
            {
                diffs.Add(new ResponseDifference("body", expectedText, actualText, DifferenceKind.TypeChanged));
                return new BodyResult(false, type, expectedText, actualText);
            }

            if (!options.CompareAll)
            {
                return new BodyResult(true, type, expectedText, actualText);
            }

            diffs.Add(new ResponseDifference("body", expectedText, actualText, DifferenceKind.ValueChanged));
            return new BodyResult(false, type, expectedText, actualText);
        }
    }
}
