using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Keploy.Core.Models;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Protocols.Http;

/// <summary>
/// Reads and writes Http test cases and mocks in Keploy's shape (Keploy <c>pkg/models/http.go</c>, encoder
/// <c>pkg/platform/yaml/testdb/util.go</c> <c>EncodeTestcase</c>, <c>mockdb</c> <c>EncodeMock</c>). Key order as Keploy writes:
/// <c>req{method, proto_major, proto_minor, url, url_params?, header, body, timestamp}</c>,
/// <c>resp{status_code, header, body, status_message, proto_major, proto_minor, timestamp}</c>. Header maps are written sorted by key
/// (as Go's yaml.v3 does); binary bodies as <c>!!binary</c> base64 scalars.
/// </summary>
public static class HttpSpec
{
    /// <summary>YAML's binary tag.</summary>
    public const string BinaryTag = "tag:yaml.org,2002:binary";

    private static readonly ConditionalWeakTable<YamlMappingNode, HttpMockSpec> MockCache = new();

    /// <summary>Reads the typed view of an Http test case.</summary>
    /// <exception cref="KeployFormatException">The spec has no <c>req</c> or <c>resp</c> mapping, or a body is not a scalar.</exception>
    public static HttpTestCaseSpec FromTestCase(TestCase testCase)
    {
        SourceLocation where = testCase.Location ?? new SourceLocation(testCase.FilePath ?? testCase.Name, 0, 0);
        YamlMappingNode spec = testCase.Spec;
        HttpRequestRecord req = ReadRequest(Required(spec, "req", where), where);
        HttpResponseRecord resp = ReadResponse(Required(spec, "resp", where), where);
        Dictionary<string, List<string>> noise = ReadNoise(YamlNodes.Get(YamlNodes.GetMapping(spec, "assertions"), "noise"));
        long created = YamlNodes.GetInt64(spec, "created");
        long appPort = YamlNodes.GetInt64(spec, "app_port", -1);
        return new HttpTestCaseSpec(req, resp, noise, created, appPort < 0 ? null : (int)appPort);
    }

    /// <summary>Reads the typed view of an Http mock (cached per spec node; treat the result as read-only).</summary>
    /// <exception cref="KeployFormatException">The spec has no <c>req</c> or <c>resp</c> mapping, or a body is not a scalar.</exception>
    public static HttpMockSpec FromMock(Mock mock)
    {
        if (!mock.IsSpecLoaded && mock.CompactView is HttpMockSpec compact)
        {
            return compact;
        }

        if (MockCache.TryGetValue(mock.Spec, out HttpMockSpec? cached))
        {
            return cached;
        }

        HttpMockSpec result = ReadMock(mock);
        MockCache.AddOrUpdate(mock.Spec, result);
        return result;
    }

    /// <summary>Reads the typed view of an Http mock from its spec, uncached (a loader keeping it as the mock's compact view).</summary>
    /// <exception cref="KeployFormatException">The spec has no <c>req</c> or <c>resp</c> mapping, or a body is not a scalar.</exception>
    internal static HttpMockSpec ReadMock(Mock mock)
    {
        SourceLocation where = mock.Location ?? new SourceLocation(mock.Name, 0, 0);
        YamlMappingNode spec = mock.Spec;
        Dictionary<string, string> metadata = new(StringComparer.Ordinal);
        if (YamlNodes.GetMapping(spec, "metadata") is { } meta)
        {
            foreach (KeyValuePair<YamlNode, YamlNode> pair in meta.Children)
            {
                if (pair.Key is YamlScalarNode k && pair.Value is YamlScalarNode v)
                {
                    metadata[k.Value ?? ""] = v.Value ?? "";
                }
            }
        }

        return new HttpMockSpec(
            ReadRequest(Required(spec, "req", where), where),
            ReadResponse(Required(spec, "resp", where), where),
            metadata,
            YamlNodes.GetInt64(spec, "created"));
    }

    /// <summary>
    /// Builds an Http test case in Keploy's shape, with the top-level <c>curl</c>. <paramref name="created"/> defaults to now (unix seconds).
    /// </summary>
    public static TestCase CreateTestCase(
        string name, HttpRequestRecord request, HttpResponseRecord response, Dictionary<string, List<string>>? noise, int? appPort,
        long? created = null)
    {
        YamlMappingNode spec = new()
        {
            { "metadata", new YamlMappingNode() },
            { "req", WriteRequest(request, request.Timestamp) },
            { "resp", WriteResponse(response, response.Timestamp) },
            { "objects", new YamlSequenceNode() },
        };
        spec.Add("assertions", new YamlMappingNode { { "noise", WriteNoise(noise) } });
        spec.Add("created", YamlNodes.Int(created ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        if (appPort is not null)
        {
            spec.Add("app_port", YamlNodes.Int(appPort.Value));
        }

        TestCase testCase = new() { Kind = "Http", Name = name, Spec = spec };
        testCase.Curl = MakeCurl(request);
        return testCase;
    }

    /// <summary>Writes <c>assertions.noise</c>: path to a flow list of regexes.</summary>
    internal static YamlMappingNode WriteNoise(Dictionary<string, List<string>>? noise)
    {
        YamlMappingNode noiseMap = new();
        foreach (KeyValuePair<string, List<string>> pair in noise ?? new Dictionary<string, List<string>>())
        {
            YamlSequenceNode regexes = new(pair.Value.Select(r => (YamlNode)new YamlScalarNode(r)));
            regexes.Style = YamlDotNet.Core.Events.SequenceStyle.Flow;
            noiseMap.Add(pair.Key, regexes);
        }

        return noiseMap;
    }

    /// <summary>
    /// Builds an Http mock in Keploy's shape: metadata <c>{connID, name: Http, operation: &lt;method&gt;, type: HTTP_CLIENT}</c>,
    /// zero req/resp timestamps, <c>objects: []</c>, <c>created</c>, <c>reqTimestampMock</c>, <c>resTimestampMock</c>.
    /// </summary>
    public static Mock CreateMock(
        HttpRequestRecord request, HttpResponseRecord response, long connectionId, DateTimeOffset requestTime, DateTimeOffset responseTime,
        string name = "")
    {
        YamlMappingNode metadata = new()
        {
            { "connID", new YamlScalarNode(connectionId.ToString(CultureInfo.InvariantCulture)) { Style = ScalarStyle.DoubleQuoted } },
            { "name", "Http" },
            { "operation", request.Method },
            { "type", "HTTP_CLIENT" },
        };
        YamlMappingNode spec = new()
        {
            { "metadata", metadata },
            { "req", WriteRequest(request, KeployTime.Zero) },
            { "resp", WriteResponse(response, KeployTime.Zero) },
            { "objects", new YamlSequenceNode() },
            { "created", YamlNodes.Int(requestTime.ToUnixTimeSeconds()) },
            { "reqTimestampMock", Storage.KeployYaml.Timestamp(requestTime) },
            { "resTimestampMock", Storage.KeployYaml.Timestamp(responseTime) },
        };
        return new Mock { Kind = "Http", Name = name, Spec = spec };
    }

    /// <summary>Reads <c>spec.req</c>.</summary>
    /// <exception cref="KeployFormatException">The body is not a scalar.</exception>
    public static HttpRequestRecord ReadRequest(YamlMappingNode req, SourceLocation where)
    {
        HttpRequestRecord r = new()
        {
            Method = YamlNodes.GetString(req, "method") ?? "GET",
            ProtoMajor = (int)YamlNodes.GetInt64(req, "proto_major", 1),
            ProtoMinor = (int)YamlNodes.GetInt64(req, "proto_minor", 1),
            Url = YamlNodes.GetString(req, "url") ?? "/",
            Header = ReadStringMap(YamlNodes.GetMapping(req, "header")),
            Body = ReadBody(YamlNodes.Get(req, "body"), where, "req.body"),
            Timestamp = KeployTime.TryParseNullable(YamlNodes.GetString(req, "timestamp")) ?? KeployTime.Zero,
        };
        if (YamlNodes.GetMapping(req, "url_params") is { } urlParams)
        {
            r.UrlParams = ReadStringMap(urlParams);
        }

        return r;
    }

    /// <summary>Reads <c>spec.resp</c>.</summary>
    /// <exception cref="KeployFormatException">The body is not a scalar.</exception>
    public static HttpResponseRecord ReadResponse(YamlMappingNode resp, SourceLocation where)
    {
        return new HttpResponseRecord
        {
            StatusCode = (int)YamlNodes.GetInt64(resp, "status_code", 200),
            Header = ReadStringMap(YamlNodes.GetMapping(resp, "header")),
            Body = ReadBody(YamlNodes.Get(resp, "body"), where, "resp.body"),
            StatusMessage = YamlNodes.GetString(resp, "status_message") ?? "",
            ProtoMajor = (int)YamlNodes.GetInt64(resp, "proto_major"),
            ProtoMinor = (int)YamlNodes.GetInt64(resp, "proto_minor"),
            Timestamp = KeployTime.TryParseNullable(YamlNodes.GetString(resp, "timestamp")) ?? KeployTime.Zero,
        };
    }

    /// <summary>Writes <c>spec.req</c> in Keploy's key order with the given timestamp.</summary>
    public static YamlMappingNode WriteRequest(HttpRequestRecord request, DateTimeOffset timestamp)
    {
        YamlMappingNode node = new()
        {
            { "method", request.Method },
            { "proto_major", YamlNodes.Int(request.ProtoMajor) },
            { "proto_minor", YamlNodes.Int(request.ProtoMinor) },
            { "url", request.Url },
        };
        if (request.UrlParams is { Count: > 0 })
        {
            node.Add("url_params", WriteStringMap(request.UrlParams));
        }

        node.Add("header", WriteStringMap(request.Header));
        node.Add("body", WriteBody(request.Body));
        node.Add("timestamp", Storage.KeployYaml.Timestamp(timestamp));
        return node;
    }

    /// <summary>Writes <c>spec.resp</c> in Keploy's key order with the given timestamp.</summary>
    public static YamlMappingNode WriteResponse(HttpResponseRecord response, DateTimeOffset timestamp)
    {
        return new YamlMappingNode
        {
            { "status_code", YamlNodes.Int(response.StatusCode) },
            { "header", WriteStringMap(response.Header) },
            { "body", WriteBody(response.Body) },
            { "status_message", Str(response.StatusMessage) },
            { "proto_major", YamlNodes.Int(response.ProtoMajor) },
            { "proto_minor", YamlNodes.Int(response.ProtoMinor) },
            { "timestamp", Storage.KeployYaml.Timestamp(timestamp) },
        };
    }

    /// <summary>
    /// Keploy's curl command (<c>pkg/util.go</c> <c>MakeCurlCommand</c>): <c>curl --request M \</c>, <c>--url U \</c>, one
    /// <c>--header 'K: V' \</c> per header except Content-Length, then <c>--data "&lt;Go-quoted body&gt;"</c> when there is a body.
    /// </summary>
    public static string MakeCurl(HttpRequestRecord request)
    {
        StringBuilder sb = new();
        sb.Append("curl --request ").Append(request.Method).Append(" \\\n");
        sb.Append("  --url ").Append(request.Url).Append(" \\\n");
        foreach (KeyValuePair<string, string> h in request.Header)
        {
            if (!string.Equals(h.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                sb.Append("  --header '").Append(h.Key).Append(": ").Append(h.Value).Append("' \\\n");
            }
        }

        if (request.Body.Bytes.Length > 0)
        {
            sb.Append("  --data ").Append(GoQuote(request.Body.Text));
        }

        return sb.ToString();
    }

    private static YamlMappingNode Required(YamlMappingNode spec, string key, SourceLocation where)
    {
        return YamlNodes.GetMapping(spec, key) ?? throw new KeployFormatException(where, $"Http spec has no '{key}' mapping");
    }

    /// <summary>Reads <c>assertions.noise</c>: a map of path to regexes, or the 2023 list of paths (each always ignored).</summary>
    internal static Dictionary<string, List<string>> ReadNoise(YamlNode? node)
    {
        Dictionary<string, List<string>> noise = new(StringComparer.Ordinal);
        if (node is YamlMappingNode map)
        {
            foreach (KeyValuePair<YamlNode, YamlNode> pair in map.Children)
            {
                List<string> regexes = pair.Value is YamlSequenceNode seq
                    ? seq.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList()
                    : new List<string>();
                noise[((YamlScalarNode)pair.Key).Value ?? ""] = regexes;
            }
        }
        else if (node is YamlSequenceNode list)
        {
            // 2023 files: noise is a list of paths, each meaning "always ignore".
            foreach (YamlScalarNode s in list.Children.OfType<YamlScalarNode>())
            {
                noise[s.Value ?? ""] = new List<string>();
            }
        }

        return noise;
    }

    /// <summary>Reads a <c>map[string]string</c> (headers); non-scalar values are skipped.</summary>
    internal static Dictionary<string, string> ReadStringMap(YamlMappingNode? map)
    {
        Dictionary<string, string> result = new(StringComparer.OrdinalIgnoreCase);
        if (map is null)
        {
            return result;
        }

        foreach (KeyValuePair<YamlNode, YamlNode> pair in map.Children)
        {
            if (pair.Key is YamlScalarNode k)
            {
                result[k.Value ?? ""] = pair.Value is YamlScalarNode v ? v.Value ?? "" : "";
            }
        }

        return result;
    }

    /// <summary>Writes a <c>map[string]string</c> sorted by key (as Go's yaml.v3 writes maps).</summary>
    internal static YamlMappingNode WriteStringMap(Dictionary<string, string> map)
    {
        YamlMappingNode node = new();
        foreach (KeyValuePair<string, string> pair in map.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            node.Add(pair.Key, Str(pair.Value));
        }

        return node;
    }

    private static HttpBody ReadBody(YamlNode? node, SourceLocation where, string field)
    {
        if (node is null)
        {
            return HttpBody.Empty;
        }

        if (node is not YamlScalarNode scalar)
        {
            SourceLocation at = where with { Line = (int)node.Start.Line, Column = (int)node.Start.Column };
            throw new KeployFormatException(at, $"{field} is not a scalar");
        }

        return ReadBody(scalar.Value, scalar.Style, scalar.Tag, where, node.Start, field);
    }

    /// <summary>
    /// A body from its scalar: <c>!!binary</c> (the long or short tag) is base64 with whitespace ignored, a plain <c>~</c> or
    /// <c>null</c> is empty, anything else is UTF-8 text. Used by the node reader and by <see cref="HttpMockReader"/>.
    /// </summary>
    /// <exception cref="KeployFormatException">A <c>!!binary</c> scalar that is not base64 (in <paramref name="where"/>'s file at
    /// <paramref name="start"/>).</exception>
    internal static HttpBody ReadBody(string? value, ScalarStyle style, TagName tag, SourceLocation where, Mark start, string field)
    {
        if (!tag.IsEmpty && !tag.IsNonSpecific && tag.Value is BinaryTag or "!!binary")
        {
            try
            {
                string b64 = new((value ?? "").Where(c => !char.IsWhiteSpace(c)).ToArray());
                return new HttpBody(Convert.FromBase64String(b64), isBinary: true);
            }
            catch (FormatException)
            {
                SourceLocation at = where with { Line = (int)start.Line, Column = (int)start.Column };
                throw new KeployFormatException(at, $"{field} is tagged !!binary but is not base64");
            }
        }

        return (YamlNodes.IsNull(style, value) && value is "~" or "null") || string.IsNullOrEmpty(value) ? HttpBody.Empty : HttpBody.FromText(value);
    }

    private static YamlScalarNode WriteBody(HttpBody body)
    {
        if (body.IsBinary)
        {
            return new YamlScalarNode(Convert.ToBase64String(body.Bytes)) { Tag = BinaryTag };
        }

        return Str(body.Text);
    }

    // Strings that would read back as something else when plain ("", "164", "true") are double-quoted; the storage writer may restyle.
    internal static YamlScalarNode Str(string value) => new(value) { Style = StrStyle(value) };

    /// <summary>The style <see cref="Str"/> gives <paramref name="value"/>: double-quoted when empty or when plain text would
    /// read back as a non-string, else <see cref="ScalarStyle.Any"/>.</summary>
    internal static ScalarStyle StrStyle(string value) =>
        value.Length == 0 || LooksLikeNonString(value) ? ScalarStyle.DoubleQuoted : ScalarStyle.Any;

    private static bool LooksLikeNonString(string value) =>
        value is "~" or "null" or "Null" or "NULL" or "true" or "false" or "True" or "False" or "TRUE" or "FALSE" or "yes" or "no"
        || double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static string GoQuote(string s)
    {
        StringBuilder sb = new("\"");
        foreach (Rune r in s.EnumerateRunes())
        {
            switch (r.Value)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\a': sb.Append("\\a"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\v': sb.Append("\\v"); break;
                default:
                    if (r.Value < 0x20 || r.Value == 0x7f)
                    {
                        sb.Append("\\x").Append(r.Value.ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(r.ToString());
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }
}
