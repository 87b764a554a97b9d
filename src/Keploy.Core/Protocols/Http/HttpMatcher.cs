using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Keploy.Core.Models;
using Keploy.Core.Replay;
using Keploy.Core.Replay.Matching;

namespace Keploy.Core.Protocols.Http;

/// <summary>
/// Matches an outgoing request against Http mocks with Keploy's rules (<c>pkg/agent/proxy/integrations/http/match.go</c>
/// <c>(*HTTP).match</c>): schema filter (Content-Type media types overlap, method equal, path equal — then a second pass wildcarding
/// dynamic segments —, every mock header key present except flaky ones, same query key set), then body: exact bytes, JSON equality,
/// JSON top-level keys of the mock present (single survivor). Also explains misses against the closest mock.
/// </summary>
internal static partial class HttpMatcher
{
    /// <summary>Headers whose presence is not required (Keploy <c>models.FlakyHeaders</c> and framing headers).</summary>
    private static readonly HashSet<string> SkippedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "date", "traceparent", "tracestate", "x-request-id", "authorization", "x-amz-date", "x-amz-security-token",
        "x-amz-content-sha256", "amz-sdk-invocation-id", "amz-sdk-request", "content-length", "transfer-encoding", "connection",
        "keep-alive", "expect", "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "request-id",
        "x-ms-client-request-id", "x-ms-date",
    };

    /// <summary>
    /// Candidates that match, best first, keeping the pool's order among equals (so repeated identical calls take their recorded
    /// responses in order). Empty when none matches.
    /// </summary>
    public static List<Mock> FindMatches(HttpRequestRecord request, IReadOnlyList<Mock> candidates)
    {
        List<(Mock Mock, HttpMockView View)> parsed = new();
        foreach (Mock m in candidates)
        {
            if (HttpMockView.Of(m) is { } v)
            {
                parsed.Add((m, v));
            }
        }

        return FindMatches(new LiveHttpRequest(request), _ => parsed);
    }

    /// <summary>
    /// <see cref="FindMatches(HttpRequestRecord, IReadOnlyList{Mock})"/> over parsed candidates: <paramref name="candidates"/> gives
    /// the candidates for the exact-path pass (false) and for the dynamic-segment pass (true); each list must hold every candidate
    /// that pass could accept, in the pool's order.
    /// </summary>
    private static List<Mock> FindMatches(LiveHttpRequest live, Func<bool, IReadOnlyList<(Mock Mock, HttpMockView View)>> candidates)
    {
        List<(Mock Mock, HttpMockView View)> schema = candidates(false).Where(c => SchemaMatches(live, c.View, wildcard: false)).ToList();
        if (schema.Count == 0)
        {
            schema = candidates(true).Where(c => SchemaMatches(live, c.View, wildcard: true)).ToList();
        }

        if (schema.Count == 0)
        {
            return new List<Mock>();
        }

        HttpRequestRecord request = live.Request;
        List<Mock> exact = schema.Where(c => c.View.Request.Body.Bytes.AsSpan().SequenceEqual(request.Body.Bytes)).Select(c => c.Mock).ToList();
        if (exact.Count > 0)
        {
            return exact;
        }

        JsonElement? actual = live.Json;
        if (actual is null)
        {
            return new List<Mock>();
        }

        List<Mock> jsonEqual = schema.Where(c => c.View.Json is { } e && JsonElement.DeepEquals(e, actual.Value)).Select(c => c.Mock).ToList();
        if (jsonEqual.Count > 0)
        {
            return jsonEqual;
        }

        List<Mock> keys = schema.Where(c => c.View.Json is { } e && TopLevelKeysPresent(e, actual.Value)).Select(c => c.Mock).ToList();
        return keys.Count == 1 ? keys : new List<Mock>();
    }

    /// <summary>
    /// Finds and consumes the mock for <paramref name="request"/> in <paramref name="pool"/>: among the mocks Keploy's rule accepts
    /// (<see cref="FindMatches(HttpRequestRecord, IReadOnlyList{Mock})"/>), the first whose fields are equal (exact), else the first
    /// whose differing fields are all volatile, else (Keploy compatibility: query values and bodies with the mock's top-level keys)
    /// the first one, its differences noted; failing all of them, <see cref="MockMatchRule.Find"/> over every candidate of the same
    /// shape. With <see cref="MockPool.StrictMocks"/> only exact matches count. Null for a miss.
    /// </summary>
    /// <remarks>
    /// Each mock is parsed once per pool (<see cref="HttpMockView"/>) and indexed by method and path, and by method and path with
    /// dynamic segments masked (<see cref="MockPool.GetIndex{TView}"/>): a lookup reads only the mocks its schema pass could accept,
    /// in the pool's order, so the outcome is that of a scan over every candidate.
    /// </remarks>
    public static MockMatch? Match(HttpRequestRecord request, MockPool pool, string kind)
    {
        MockIndex<HttpMockView> index = pool.GetIndex("Http:" + kind, [kind], HttpMockView.Of, v => v.WildcardKey is { } w ? [v.ExactKey, w] : [v.ExactKey]);
        LiveHttpRequest liveRequest = new(request);
        string method = request.Method.ToUpperInvariant();
        string exactKey = ExactKey(method, liveRequest.Path);
        IReadOnlyList<(Mock Mock, HttpMockView View)> candidates = index.GetCandidates(exactKey);
        MatchRequest live = View(request);
        MatchRequest? ViewOf(Mock m) => index.ViewOf(m)?.Match;

        List<Mock> keploy = FindMatches(liveRequest, wildcard => wildcard ? index.GetCandidates(WildcardKey(method, liveRequest.Path) ?? exactKey) : candidates);
        DateTimeOffset now = DateTimeOffset.Now;
        foreach (Mock m in keploy)
        {
            if (ViewOf(m) is { } v && MockMatchRule.IsExact(live, v) && pool.TryConsume(m))
            {
                return new MockMatch(m, Array.Empty<FieldDifference>());
            }
        }

        if (pool.StrictMocks)
        {
            return null;
        }

        foreach (Mock m in keploy)
        {
            if (ViewOf(m) is { } v && MockMatchRule.VolatileDifferences(live, v, m.RequestTimestamp, pool.NoiseNames, now) is { } d && pool.TryConsume(m, d))
            {
                return new MockMatch(m, d);
            }
        }

        foreach (Mock m in keploy)
        {
            List<FieldDifference> d = ViewOf(m) is { } v ? MockMatchRule.AllDifferences(live, v, m.RequestTimestamp, pool.NoiseNames, now) : new();
            if (pool.TryConsume(m, d))
            {
                return new MockMatch(m, d);
            }
        }

        // Same shape means same method and path: the exact-path bucket holds every such candidate.
        return MockMatchRule.Find(pool, candidates.Select(c => c.Mock).ToList(), live, ViewOf);
    }

    /// <summary>Bucket of the exact-path pass: method (upper case, as <see cref="SchemaMatches"/> compares it) and path.</summary>
    private static string ExactKey(string method, string path) => method + " " + path;

    /// <summary>
    /// Bucket of the dynamic-segment pass: method and path with every dynamic segment masked, so two paths
    /// <see cref="PathMatches"/> accepts with wildcards share it (a masked form shared by others only adds candidates). Null when
    /// no segment is dynamic and the path holds no mask character: then exactly the mocks of the same method and path mask to it,
    /// which is the <see cref="ExactKey"/> bucket, so the index keeps one bucket for both.
    /// </summary>
    private static string? WildcardKey(string method, string path)
    {
        ReadOnlySpan<char> rest = path;
        StringBuilder? sb = null;
        int done = 0; // path[..done] is in sb
        int at = 0;
        while (true)
        {
            int slash = rest.IndexOf('/');
            ReadOnlySpan<char> segment = slash < 0 ? rest : rest[..slash];
            if (IsDynamic(segment))
            {
                sb ??= new StringBuilder(method.Length + path.Length + 4).Append(method).Append(" ~");
                sb.Append(path, done, at - done).Append('\u0001');
                done = at + segment.Length;
            }

            if (slash < 0)
            {
                break;
            }

            at += slash + 1;
            rest = rest[(slash + 1)..];
        }

        if (sb is null)
        {
            return path.Contains('\u0001') ? method + " ~" + path : null;
        }

        return sb.Append(path, done, path.Length - done).ToString();
    }

    /// <summary>
    /// The request in <see cref="MockMatchRule"/>'s form. Shape: method, path, sorted query keys and body kind (JSON or not);
    /// fields: each query value (<c>query.id</c>, <c>query.id[1]</c> when repeated), each JSON body leaf (<c>body.$.order.id</c>,
    /// arrays by index) or the whole body (<c>body</c>) when it is not JSON.
    /// </summary>
    public static MatchRequest View(HttpRequestRecord request)
    {
        List<MatchField> fields = new();
        foreach (IGrouping<string, KeyValuePair<string, string>> g in HttpUrl.Query(request.Url).GroupBy(q => q.Key).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            int i = 0;
            foreach (KeyValuePair<string, string> kv in g)
            {
                string name = "query." + g.Key + (i++ == 0 ? "" : $"[{i - 1}]");
                fields.Add(new MatchField(name, kv.Value, kv.Value));
            }
        }

        JsonElement? json = TryJson(request.Body);
        string bodyKind = json is not null ? "json" : request.Body.Bytes.Length == 0 ? "empty" : "raw";
        if (json is { } root)
        {
            Flatten("body.$", root, fields);
        }
        else if (request.Body.Bytes.Length > 0)
        {
            string text = request.Body.IsBinary ? Convert.ToBase64String(request.Body.Bytes) : request.Body.Text;
            fields.Add(new MatchField("body", text, request.Body.IsBinary ? $"<{request.Body.Bytes.Length} binary bytes>" : text));
        }

        string shape = $"{request.Method.ToUpperInvariant()} {HttpUrl.Path(request.Url)}?{string.Join("&", QueryKeys(request.Url))} {bodyKind}";
        return new MatchRequest(shape, fields);
    }

    private static void Flatten(string path, JsonElement e, List<MatchField> fields)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (JsonProperty p in e.EnumerateObject())
                {
                    Flatten(path + "." + p.Name, p.Value, fields);
                }

                break;
            case JsonValueKind.Array:
                int i = 0;
                foreach (JsonElement item in e.EnumerateArray())
                {
                    Flatten($"{path}[{i++}]", item, fields);
                }

                break;
            case JsonValueKind.String:
                fields.Add(new MatchField(path, e.GetRawText(), e.GetString() ?? ""));
                break;
            default:
                fields.Add(new MatchField(path, e.GetRawText(), e.GetRawText()));
                break;
        }
    }

    /// <summary>
    /// The best-scoring mock of <paramref name="all"/> and a field-by-field explanation of how the request differs from it
    /// (null mock when there are no mocks).
    /// </summary>
    public static (Mock? Closest, string Diff) Explain(HttpRequestRecord request, IReadOnlyList<Mock> all)
    {
        Mock? best = null;
        HttpRequestRecord? bestReq = null;
        int bestScore = int.MinValue;
        foreach (Mock m in all)
        {
            HttpRequestRecord r;
            try
            {
                r = HttpSpec.FromMock(m).Request;
            }
            catch (KeployFormatException)
            {
                continue;
            }

            int score = Score(request, r);
            if (score > bestScore)
            {
                (best, bestReq, bestScore) = (m, r, score);
            }
        }

        if (best is null || bestReq is null)
        {
            return (null, "no Http mocks recorded");
        }

        return (best, Diff(request, bestReq));
    }

    /// <summary>The lines describing each field of <paramref name="request"/> against the mock's request.</summary>
    public static string Diff(HttpRequestRecord request, HttpRequestRecord mock)
    {
        StringBuilder sb = new();
        Line(sb, "method", mock.Method == request.Method ? $"{request.Method} = {request.Method}" : $"expected {mock.Method}  actual {request.Method}");
        string mp = HttpUrl.Path(mock.Url);
        string rp = HttpUrl.Path(request.Url);
        Line(sb, "path", mp == rp ? $"{rp} = {rp}" : PathMatches(mp, rp, true) ? $"{rp} ~ {mp} (dynamic segments)" : $"expected {mp}  actual {rp}");
        string[] mq = QueryKeys(mock.Url);
        string[] rq = QueryKeys(request.Url);
        if (!mq.SequenceEqual(rq))
        {
            Line(sb, "query", $"keys expected [{string.Join(", ", mq)}]  actual [{string.Join(", ", rq)}]");
        }

        List<string> missing = MissingHeaders(request, mock);
        if (missing.Count > 0)
        {
            Line(sb, "headers", $"missing key{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)}");
        }

        if (!ContentTypesOverlap(mock, request))
        {
            Line(sb, "content-type", $"expected {mock.Header.GetValueOrDefault("Content-Type")}  actual {request.Header.GetValueOrDefault("Content-Type")}");
        }

        if (!mock.Body.Bytes.AsSpan().SequenceEqual(request.Body.Bytes))
        {
            JsonElement? e = TryJson(mock.Body);
            JsonElement? a = TryJson(request.Body);
            if (e is not null && a is not null)
            {
                List<string> diffs = new();
                JsonDiff("$", e.Value, a.Value, diffs);
                foreach (string d in diffs.Take(10))
                {
                    Line(sb, "body", d);
                }

                if (diffs.Count > 10)
                {
                    Line(sb, "body", $"... {diffs.Count - 10} more differences");
                }
            }
            else
            {
                Line(sb, "body", $"expected {Preview(mock.Body)}  actual {Preview(request.Body)}");
            }
        }

        return sb.ToString().TrimEnd('\n');
    }

    private static void Line(StringBuilder sb, string field, string text) => sb.Append(field.PadRight(8)).Append(' ').Append(text).Append('\n');

    private static string Preview(HttpBody body)
    {
        if (body.IsBinary)
        {
            return $"<{body.Bytes.Length} binary bytes>";
        }

        string t = body.Text;
        return t.Length == 0 ? "<empty>" : JsonSerializer.Serialize(t.Length > 80 ? t[..80] + "..." : t);
    }

    private static int Score(HttpRequestRecord request, HttpRequestRecord mock)
    {
        int score = 0;
        score += mock.Method == request.Method ? 4 : 0;
        string mp = HttpUrl.Path(mock.Url);
        string rp = HttpUrl.Path(request.Url);
        score += mp == rp ? 6 : PathMatches(mp, rp, true) ? 4 : 0;
        score += QueryKeys(mock.Url).SequenceEqual(QueryKeys(request.Url)) ? 2 : 0;
        score -= MissingHeaders(request, mock).Count;
        score += ContentTypesOverlap(mock, request) ? 1 : 0;
        if (mock.Body.Bytes.AsSpan().SequenceEqual(request.Body.Bytes))
        {
            score += 4;
        }
        else if (TryJson(mock.Body) is { } e && TryJson(request.Body) is { } a)
        {
            score += JsonElement.DeepEquals(e, a) ? 4 : TopLevelKeysPresent(e, a) ? 2 : 0;
        }

        return score;
    }

    private static bool SchemaMatches(LiveHttpRequest live, HttpMockView mock, bool wildcard)
    {
        return MediaTypesOverlap(mock.MediaTypes, live.MediaTypes)
            && string.Equals(mock.Request.Method, live.Request.Method, StringComparison.OrdinalIgnoreCase)
            && PathMatches(mock.Path, live.Path, wildcard)
            && mock.RequiredHeaders.All(live.Request.Header.ContainsKey)
            && mock.QueryKeys.AsSpan().SequenceEqual(live.QueryKeys);
    }

    /// <summary><see cref="ContentTypesOverlap"/> on media types read once (null: no Content-Type header).</summary>
    private static bool MediaTypesOverlap(HashSet<string>? mock, HashSet<string>? live) => mock is null || live is null || live.Any(mock.Contains);

    private static bool ContentTypesOverlap(HttpRequestRecord mock, HttpRequestRecord request) =>
        MediaTypesOverlap(MediaTypes(mock), MediaTypes(request));

    /// <summary>The media types of the Content-Type header (lower case, parameters dropped), or null without the header.</summary>
    private static HashSet<string>? MediaTypes(HttpRequestRecord r) =>
        r.Header.TryGetValue("Content-Type", out string? value)
            ? value.Split(',').Select(v => v.Split(';')[0].Trim().ToLowerInvariant()).Where(v => v.Length > 0).ToHashSet()
            : null;

    private static List<string> MissingHeaders(HttpRequestRecord request, HttpRequestRecord mock) =>
        RequiredHeaders(mock).Where(k => !request.Header.ContainsKey(k)).ToList();

    /// <summary>The mock's header keys a request must also carry (all but flaky, framing and <c>keploy*</c> ones), sorted.</summary>
    private static string[] RequiredHeaders(HttpRequestRecord mock) =>
        mock.Header.Keys
            .Where(k => !SkippedHeaders.Contains(k) && !k.StartsWith("keploy", StringComparison.OrdinalIgnoreCase))
            .OrderBy(k => k, StringComparer.Ordinal)
            .ToArray();

    private static string[] QueryKeys(string url) => HttpUrl.Query(url).Select(q => q.Key).Distinct().Order(StringComparer.Ordinal).ToArray();

    private static bool PathMatches(string mock, string actual, bool wildcard)
    {
        if (string.Equals(mock, actual, StringComparison.Ordinal))
        {
            return true;
        }

        if (!wildcard)
        {
            return false;
        }

        string[] ms = mock.Split('/');
        string[] rs = actual.Split('/');
        if (ms.Length != rs.Length)
        {
            return false;
        }

        for (int i = 0; i < ms.Length; i++)
        {
            if (ms[i] != rs[i] && !(IsDynamic(ms[i]) && IsDynamic(rs[i])))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A path segment that looks generated: numeric, UUID, hex (8+), or a long mixed token (16+).</summary>
    private static bool IsDynamic(string segment) => IsDynamic(segment.AsSpan());

    /// <summary>As <see cref="IsDynamic(string)"/> on a span (no segment string made).</summary>
    private static bool IsDynamic(ReadOnlySpan<char> segment) =>
        segment.Length > 0 && (!segment.ContainsAnyExceptInRange('0', '9') || UuidRegex().IsMatch(segment) || HexRegex().IsMatch(segment)
            || (segment.Length >= 16 && TokenRegex().IsMatch(segment) && segment.ContainsAnyInRange('0', '9')));

    [GeneratedRegex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    private static partial Regex UuidRegex();

    [GeneratedRegex("^(?=.*[0-9])[0-9a-fA-F]{8,}$")]
    private static partial Regex HexRegex();

    [GeneratedRegex("^[A-Za-z0-9_\\-]+$")]
    private static partial Regex TokenRegex();

    private static JsonElement? TryJson(HttpBody body)
    {
        if (body.IsBinary || body.Bytes.Length == 0)
        {
            return null;
        }

        ReadOnlySpan<byte> span = body.Bytes.AsSpan().TrimStart(" \t\r\n"u8);
        if (span.IsEmpty || (span[0] != (byte)'{' && span[0] != (byte)'['))
        {
            return null;
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(body.Bytes);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool TopLevelKeysPresent(JsonElement mock, JsonElement actual)
    {
        if (mock.ValueKind != JsonValueKind.Object || actual.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (JsonProperty p in mock.EnumerateObject())
        {
            if (!actual.TryGetProperty(p.Name, out _))
            {
                return false;
            }
        }

        return true;
    }

    private static void JsonDiff(string path, JsonElement expected, JsonElement actual, List<string> diffs)
    {
        if (expected.ValueKind == JsonValueKind.Object && actual.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty p in expected.EnumerateObject())
            {
                if (actual.TryGetProperty(p.Name, out JsonElement a))
                {
                    JsonDiff($"{path}.{p.Name}", p.Value, a, diffs);
                }
                else
                {
                    diffs.Add($"{path}.{p.Name}  expected {Raw(p.Value)}  actual <missing>");
                }
            }

            foreach (JsonProperty p in actual.EnumerateObject())
            {
                if (!expected.TryGetProperty(p.Name, out _))
                {
                    diffs.Add($"{path}.{p.Name}  expected <missing>  actual {Raw(p.Value)}");
                }
            }

            return;
        }

        if (expected.ValueKind == JsonValueKind.Array && actual.ValueKind == JsonValueKind.Array)
        {
            int n = Math.Max(expected.GetArrayLength(), actual.GetArrayLength());
            for (int i = 0; i < n; i++)
            {
                if (i >= expected.GetArrayLength())
                {
                    diffs.Add($"{path}[{i}]  expected <missing>  actual {Raw(actual[i])}");
                }
                else if (i >= actual.GetArrayLength())
                {
                    diffs.Add($"{path}[{i}]  expected {Raw(expected[i])}  actual <missing>");
                }
                else
                {
                    JsonDiff($"{path}[{i}]", expected[i], actual[i], diffs);
                }
            }

            return;
        }

        if (!JsonElement.DeepEquals(expected, actual))
        {
            diffs.Add($"{path}  expected {Raw(expected)}  actual {Raw(actual)}");
        }
    }

    private static string Raw(JsonElement e)
    {
        string text = e.GetRawText();
        return text.Length > 60 ? text[..60] + "..." : text;
    }

    /// <summary>A live request with what the schema pass reads, computed once per lookup.</summary>
    private sealed class LiveHttpRequest(HttpRequestRecord request)
    {
        private JsonElement? _json;
        private bool _jsonRead;

        public HttpRequestRecord Request { get; } = request;

        public string Path { get; } = HttpUrl.Path(request.Url);

        public string[] QueryKeys { get; } = HttpMatcher.QueryKeys(request.Url);

        public HashSet<string>? MediaTypes { get; } = HttpMatcher.MediaTypes(request);

        public JsonElement? Json
        {
            get
            {
                if (!_jsonRead)
                {
                    _json = TryJson(Request.Body);
                    _jsonRead = true;
                }

                return _json;
            }
        }
    }

    /// <summary>
    /// An Http mock's request parsed once for matching: method, path and index keys when made (for every mock indexed); query keys,
    /// media types, required header keys, the JSON body and the <see cref="MockMatchRule"/> view on first use, for candidates only
    /// (thread-safe: a race computes the same value twice).
    /// </summary>
    internal sealed class HttpMockView
    {
        private JsonBox? _json;
        private MatchRequest? _match;

        private HttpMockView(HttpRequestRecord request)
        {
            Request = request;
            Method = request.Method.ToUpperInvariant();
            Path = HttpUrl.Path(request.Url);
            ExactKey = HttpMatcher.ExactKey(Method, Path);
            WildcardKey = HttpMatcher.WildcardKey(Method, Path);
        }

        public HttpRequestRecord Request { get; }

        public string Method { get; }

        public string Path { get; }

        /// <summary>The index bucket of the exact-path pass (<see cref="HttpMatcher.ExactKey"/>).</summary>
        public string ExactKey { get; }

        /// <summary>The index bucket of the dynamic-segment pass, or null when it is <see cref="ExactKey"/>'s (<see cref="HttpMatcher.WildcardKey"/>).</summary>
        public string? WildcardKey { get; }

        // The schema fields below are read only for the candidates of a lookup's bucket, so they are made on first read, not
        // for every mock indexed. Made from the immutable request and never changed after, so a race makes equal values.
        private string[]? _queryKeys;
        private HashSet<string>?[]? _mediaTypes;
        private string[]? _requiredHeaders;

        public string[] QueryKeys => _queryKeys ??= HttpMatcher.QueryKeys(Request.Url);

        public HashSet<string>? MediaTypes => (_mediaTypes ??= [HttpMatcher.MediaTypes(Request)])[0];

        public string[] RequiredHeaders => _requiredHeaders ??= HttpMatcher.RequiredHeaders(Request);

        public JsonElement? Json => (_json ??= new JsonBox(TryJson(Request.Body))).Value;

        public MatchRequest Match => _match ??= View(Request);

        /// <summary>The view of an Http mock, or null when its spec cannot be read (it cannot match; the loader reports it).</summary>
        public static HttpMockView? Of(Mock mock)
        {
            try
            {
                // A compact mock holds its parsed spec; else the request only: the response is read (HttpSpec.FromMock) for the
                // mock served, not for every mock indexed.
                if (!mock.IsSpecLoaded && mock.CompactView is HttpMockSpec compact)
                {
                    return new HttpMockView(compact.Request);
                }

                SourceLocation where = mock.Location ?? new SourceLocation(mock.Name, 0, 0);
                return YamlNodes.GetMapping(mock.Spec, "req") is { } req && YamlNodes.GetMapping(mock.Spec, "resp") is not null
                    ? new HttpMockView(HttpSpec.ReadRequest(req, where))
                    : null;
            }
            catch (KeployFormatException)
            {
                return null;
            }
        }

        private sealed record JsonBox(JsonElement? Value);
    }
}
