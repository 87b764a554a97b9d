using System.Text;
using System.Text.Json;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Replay.Comparison;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Sanitize;

/// <summary>
/// Replaces secrets in recorded HTTP traffic with Keploy's placeholders (<c>{{string .secret.Key }}</c>, see
/// <see cref="SecretTemplate"/>) and puts their values in a <see cref="SecretStore"/>. What is a secret is decided by
/// <see cref="SecretDetector"/>; where it is looked for: header values (whole value: <c>Authorization: Bearer …</c>, <c>Cookie</c>,
/// <c>Set-Cookie</c>), query parameter values (<c>?token=…</c>, the raw percent-encoded value), JSON string values (the raw text
/// between the quotes, so rendering gives back the recorded bytes exactly), form fields, and credential-shaped substrings of other
/// text bodies. Binary bodies are left alone. Values that already hold a placeholder are left alone, so sanitizing twice changes
/// nothing the second time.
/// </summary>
public sealed class Sanitizer
{
    /// <summary>Creates a sanitizer that records the values it replaces in <paramref name="store"/>.</summary>
    public Sanitizer(SecretStore store)
    {
        Store = store;
    }

    /// <summary>Where the replaced values go.</summary>
    public SecretStore Store { get; }

    /// <summary>
    /// Put before every new key (default none). Replay's masker uses <c>Replay</c>, so a value the app produced at replay is shown as
    /// <c>{{string .secret.ReplayToken }}</c>, never under the key of a different recorded value.
    /// </summary>
    public string KeyPrefix { get; init; } = "";

    /// <summary>A copy of <paramref name="request"/> with its secrets replaced (the same object when it has none).</summary>
    /// <exception cref="IOException">secret.yaml could not be written.</exception>
    public HttpRequestRecord Request(HttpRequestRecord request)
    {
        Dictionary<string, string>? header = Headers(request.Header);
        string url = Url(request.Url);
        HttpBody? body = Body(request.Body, ContentType(request.Header));
        if (header is null && ReferenceEquals(url, request.Url) && body is null)
        {
            return request;
        }

        return new HttpRequestRecord
        {
            Method = request.Method,
            ProtoMajor = request.ProtoMajor,
            ProtoMinor = request.ProtoMinor,
            Url = url,
            Header = header ?? request.Header,
            Body = body ?? request.Body,
            UrlParams = ReferenceEquals(url, request.Url) ? request.UrlParams : UrlParams(request.UrlParams, url),
            Timestamp = request.Timestamp,
        };
    }

    /// <summary>A copy of <paramref name="response"/> with its secrets replaced (the same object when it has none).</summary>
    /// <exception cref="IOException">secret.yaml could not be written.</exception>
    public HttpResponseRecord Response(HttpResponseRecord response)
    {
        Dictionary<string, string>? header = Headers(response.Header);
        HttpBody? body = Body(response.Body, ContentType(response.Header));
        if (header is null && body is null)
        {
            return response;
        }

        return new HttpResponseRecord
        {
            StatusCode = response.StatusCode,
            Header = header ?? response.Header,
            Body = body ?? response.Body,
            StatusMessage = response.StatusMessage,
            ProtoMajor = response.ProtoMajor,
            ProtoMinor = response.ProtoMinor,
            Timestamp = response.Timestamp,
        };
    }

    /// <summary>Whether <see cref="Document"/> can change a document of <paramref name="kind"/> (Http, Redis and Generic; never
    /// Postgres or MySQL, whose passwords are never recorded).</summary>
    public static bool Changes(string kind) =>
        kind is "Http" or Keploy.Core.Protocols.Redis.RedisMock.RedisKind or Keploy.Core.Protocols.Redis.RedisMock.GenericKind;

    /// <summary>
    /// Sanitizes a document in place: for <c>kind: Http</c> test cases and mocks, <c>spec.req</c> (header values, <c>url</c>,
    /// <c>url_params</c>, <c>body</c>) and <c>spec.resp</c> (header values, <c>body</c>) are patched node by node, so every other field
    /// stays as read; a test case's <c>curl</c> is rebuilt from the sanitized request. <c>kind: Redis</c> (and Generic) mocks have their
    /// AUTH frames replaced (<see cref="Keploy.Core.Protocols.Redis.RedisSecrets"/>). Other kinds are left alone (PostgreSQL passwords
    /// are never recorded). Returns true when something was replaced.
    /// </summary>
    /// <exception cref="KeployFormatException">The Http spec is malformed.</exception>
    /// <exception cref="IOException">secret.yaml could not be written.</exception>
    public bool Document(KeployDocument document)
    {
        if (document.Kind is Keploy.Core.Protocols.Redis.RedisMock.RedisKind or Keploy.Core.Protocols.Redis.RedisMock.GenericKind)
        {
            return Keploy.Core.Protocols.Redis.RedisSecrets.Mask(document, Store);
        }

        if (document.Kind != "Http")
        {
            return false;
        }

        SourceLocation where = document.Location ?? new SourceLocation(document.Name, 0, 0);
        bool requestChanged = false;
        bool changed = false;
        if (YamlNodes.GetMapping(document.Spec, "req") is { } req)
        {
            HttpRequestRecord before = HttpSpec.ReadRequest(req, where);
            HttpRequestRecord after = Request(before);
            if (!ReferenceEquals(before, after))
            {
                requestChanged = true;
                PatchHeaders(req, after.Header);
                if (after.Url != before.Url)
                {
                    YamlNodes.Set(req, "url", Str(after.Url));
                }

                if (YamlNodes.GetMapping(req, "url_params") is { } urlParams)
                {
                    Dictionary<string, string> sanitized = UrlParams(ReadMap(urlParams), after.Url) ?? new();
                    foreach (KeyValuePair<string, string> pair in sanitized)
                    {
                        string value = SecretTemplate.ContainsPlaceholder(pair.Value) ? pair.Value : Value(pair.Key, pair.Value) ?? pair.Value;
                        if (YamlNodes.GetString(urlParams, pair.Key) != value)
                        {
                            YamlNodes.Set(urlParams, pair.Key, Str(value));
                        }
                    }
                }

                if (!ReferenceEquals(after.Body, before.Body))
                {
                    YamlNodes.Set(req, "body", Str(after.Body.Text));
                }
            }
        }

        if (YamlNodes.GetMapping(document.Spec, "resp") is { } resp)
        {
            HttpResponseRecord before = HttpSpec.ReadResponse(resp, where);
            HttpResponseRecord after = Response(before);
            if (!ReferenceEquals(before, after))
            {
                changed = true;
                PatchHeaders(resp, after.Header);
                if (!ReferenceEquals(after.Body, before.Body))
                {
                    YamlNodes.Set(resp, "body", Str(after.Body.Text));
                }
            }
        }

        if (requestChanged && document is TestCase testCase && testCase.GetExtra("curl") is not null)
        {
            testCase.Curl = HttpSpec.MakeCurl(HttpSpec.ReadRequest(YamlNodes.GetMapping(document.Spec, "req")!, where));
        }

        return changed || requestChanged;
    }

    /// <summary>
    /// Replaces, in free text (a diff, a log line), every value of <see cref="Store"/> with its placeholder (longest first) and every
    /// credential-shaped substring with a placeholder of its rule. For reports and messages built from live traffic.
    /// </summary>
    public string MaskText(string text)
    {
        foreach (KeyValuePair<string, string> pair in Store.Entries.Where(e => e.Value.Length > 0).OrderByDescending(e => e.Value.Length))
        {
            text = text.Replace(pair.Value, SecretTemplate.Placeholder(pair.Key), StringComparison.Ordinal);
        }

        return ReplaceShapes(text);
    }

    /// <summary>
    /// A copy of a comparison with every value masked for reports: header values as <see cref="HeaderValue"/> does, bodies as
    /// <see cref="Response"/> does, differences at a secret-named path (<c>$.password</c>, <c>header.Set-Cookie</c>) replaced whole,
    /// everything else through <see cref="MaskText"/>. Verdicts are kept.
    /// </summary>
    public ComparisonResult Mask(ComparisonResult comparison)
    {
        ComparisonResult masked = new() { StatusCode = comparison.StatusCode };
        foreach (HeaderResult h in comparison.HeadersResult)
        {
            masked.HeadersResult.Add(h with { Expected = MaskHeader(h.Expected), Actual = MaskHeader(h.Actual) });
        }

        foreach (BodyResult b in comparison.BodyResult)
        {
            masked.BodyResult.Add(b with { Expected = MaskBody(b.Expected), Actual = MaskBody(b.Actual) });
        }

        foreach (ResponseDifference d in comparison.Differences)
        {
            string field = d.Path.Split('.', '[', ']', '$').LastOrDefault(p => p.Length > 0) ?? "";
            masked.Differences.Add(d with { Expected = MaskField(field, d.Expected), Actual = MaskField(field, d.Actual) });
        }

        masked.ReorderedArrays.AddRange(comparison.ReorderedArrays);
        return masked;
    }

    private HeaderValues MaskHeader(HeaderValues values) => values with { Value = values.Value.Select(v => MaskText(HeaderValue(values.Key, v))).ToList() };

    private string MaskBody(string body) => body.Length == 0 ? body : MaskText(Body(HttpBody.FromText(body), null)?.Text ?? body);

    private string? MaskField(string field, string? value) => value is null ? null : MaskText(Value(field, value) ?? value);

    /// <summary>A URL for a log line or a message: secret query values replaced by placeholders (nothing is stored).</summary>
    public static string RedactUrl(string url) => new Sanitizer(new SecretStore()).Url(url);

    /// <summary>The value to write for a header (a placeholder when secret), or <paramref name="value"/> itself.</summary>
    public string HeaderValue(string name, string value) => Value(name, value) ?? value;

    /// <summary>The URL with secret query parameter values replaced (the same string when none).</summary>
    public string Url(string url)
    {
        int q = url.IndexOf('?', StringComparison.Ordinal);
        if (q < 0)
        {
            return url;
        }

        int hash = url.IndexOf('#', q);
        string query = hash < 0 ? url[(q + 1)..] : url[(q + 1)..hash];
        string? sanitized = FormFields(query);
        return sanitized is null ? url : url[..(q + 1)] + sanitized + (hash < 0 ? "" : url[hash..]);
    }

    private static string? ContentType(Dictionary<string, string> header) => header.TryGetValue("Content-Type", out string? ct) ? ct : null;

    private string? Value(string name, string value)
    {
        if (value.Length == 0 || SecretTemplate.ContainsPlaceholder(value))
        {
            return null;
        }

        if (SecretDetector.IsSecretName(name) || SecretDetector.FindShape(value) is not null)
        {
            return SecretTemplate.Placeholder(Store.KeyFor(KeyPrefix + SecretTemplate.KeyFromField(name), value));
        }

        return null;
    }

    private Dictionary<string, string>? Headers(Dictionary<string, string> header)
    {
        Dictionary<string, string>? result = null;
        foreach (KeyValuePair<string, string> pair in header)
        {
            if (Value(pair.Key, pair.Value) is { } replaced)
            {
                result ??= new Dictionary<string, string>(header, StringComparer.OrdinalIgnoreCase);
                result[pair.Key] = replaced;
            }
        }

        return result;
    }

    // name=value&... with secret values replaced (raw, percent-encoded text kept as the secret); null when nothing changed.
    private string? FormFields(string query)
    {
        string[] parts = query.Split('&');
        bool changed = false;
        for (int i = 0; i < parts.Length; i++)
        {
            string part = parts[i];
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == part.Length - 1)
            {
                continue;
            }

            string name = Unescape(part[..eq]);
            string raw = part[(eq + 1)..];
            if (SecretTemplate.ContainsPlaceholder(Unescape(raw)))
            {
                continue;
            }

            if (SecretDetector.IsSecretName(name) || SecretDetector.FindShape(Unescape(raw)) is not null)
            {
                parts[i] = part[..(eq + 1)] + SecretTemplate.Placeholder(Store.KeyFor(KeyPrefix + SecretTemplate.KeyFromField(name), raw));
                changed = true;
            }
        }

        return changed ? string.Join('&', parts) : null;
    }

    private static string Unescape(string s)
    {
        try
        {
            return Uri.UnescapeDataString(s.Replace('+', ' '));
        }
        catch (UriFormatException)
        {
            return s;
        }
    }

    // url_params rebuilt for a sanitized URL: names whose query values now hold placeholders get them (repeats joined with ", ").
    private static Dictionary<string, string>? UrlParams(Dictionary<string, string>? original, string sanitizedUrl)
    {
        if (original is null)
        {
            return null;
        }

        Dictionary<string, string> result = new(original, StringComparer.Ordinal);
        foreach (IGrouping<string, string> g in HttpUrl.Query(sanitizedUrl).GroupBy(p => p.Key, p => p.Value))
        {
            if (g.Any(SecretTemplate.ContainsPlaceholder) && result.ContainsKey(g.Key))
            {
                result[g.Key] = string.Join(", ", g);
            }
        }

        return result;
    }

    private HttpBody? Body(HttpBody body, string? contentType)
    {
        if (body.IsBinary || body.Bytes.Length == 0)
        {
            return null;
        }

        string text = body.Text;
        string? result;
        if (contentType is not null && contentType.Contains("x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            result = FormFields(text);
        }
        else if (LooksLikeJson(text, contentType) && Json(body.Bytes) is { } json)
        {
            result = json.Length == 0 ? null : json;
        }
        else
        {
            string replaced = ReplaceShapes(text);
            result = ReferenceEquals(replaced, text) ? null : replaced;
        }

        return result is null ? null : HttpBody.FromText(result);
    }

    private static bool LooksLikeJson(string text, string? contentType)
    {
        if (contentType is not null && contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        string t = text.TrimStart();
        return t.StartsWith('{') || t.StartsWith('[');
    }

    // JSON with secret string values replaced by placeholder strings; "" when valid JSON had nothing to replace; null when not JSON.
    private string? Json(byte[] bytes)
    {
        List<(int Start, int Length, string Name, string Raw)> found = new();
        try
        {
            Utf8JsonReader reader = new(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 256 });
            Stack<string?> containers = new();
            string? property = null;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        property = reader.GetString();
                        break;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        containers.Push(property ?? (containers.Count > 0 ? containers.Peek() : null));
                        property = null;
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        containers.TryPop(out _);
                        property = null;
                        break;
                    case JsonTokenType.String:
                        string name = property ?? (containers.Count > 0 ? containers.Peek() : null) ?? "";
                        string value = reader.GetString() ?? "";
                        if (value.Length > 0 && !SecretTemplate.ContainsPlaceholder(value)
                            && (SecretDetector.IsSecretName(name) || SecretDetector.FindShape(value) is not null))
                        {
                            int start = (int)reader.TokenStartIndex;
                            int length = reader.ValueSpan.Length + 2;
                            found.Add((start, length, name, Encoding.UTF8.GetString(bytes, start + 1, length - 2)));
                        }

                        property = null;
                        break;
                    default:
                        property = null;
                        break;
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        if (found.Count == 0)
        {
            return "";
        }

        StringBuilder sb = new();
        int at = 0;
        foreach ((int start, int length, string name, string raw) in found)
        {
            sb.Append(Encoding.UTF8.GetString(bytes, at, start - at));
            sb.Append('"').Append(SecretTemplate.Placeholder(Store.KeyFor(KeyPrefix + SecretTemplate.KeyFromField(name.Length == 0 ? "Secret" : name), raw))).Append('"');
            at = start + length;
        }

        sb.Append(Encoding.UTF8.GetString(bytes, at, bytes.Length - at));
        return sb.ToString();
    }

    private string ReplaceShapes(string text)
    {
        List<(int Index, int Length, string Rule)> shapes = SecretDetector.FindShapes(text).ToList();
        if (shapes.Count == 0)
        {
            return text;
        }

        StringBuilder sb = new();
        int at = 0;
        foreach ((int index, int length, string rule) in shapes)
        {
            string value = text.Substring(index, length);
            sb.Append(text, at, index - at).Append(SecretTemplate.Placeholder(Store.KeyFor(KeyPrefix + rule, value)));
            at = index + length;
        }

        return sb.Append(text, at, text.Length - at).ToString();
    }

    private static void PatchHeaders(YamlMappingNode parent, Dictionary<string, string> sanitized)
    {
        if (YamlNodes.GetMapping(parent, "header") is not { } map)
        {
            return;
        }

        foreach (KeyValuePair<YamlNode, YamlNode> pair in map.Children.ToList())
        {
            if (pair.Key is YamlScalarNode k && pair.Value is YamlScalarNode v && sanitized.TryGetValue(k.Value ?? "", out string? value) && value != v.Value)
            {
                map.Children[pair.Key] = Str(value);
            }
        }
    }

    private static Dictionary<string, string> ReadMap(YamlMappingNode map)
    {
        Dictionary<string, string> result = new(StringComparer.Ordinal);
        foreach (KeyValuePair<YamlNode, YamlNode> pair in map.Children)
        {
            if (pair.Key is YamlScalarNode k)
            {
                result[k.Value ?? ""] = (pair.Value as YamlScalarNode)?.Value ?? "";
            }
        }

        return result;
    }

    private static YamlScalarNode Str(string value) => new(value) { Style = value.Length == 0 ? ScalarStyle.DoubleQuoted : ScalarStyle.Any };
}
