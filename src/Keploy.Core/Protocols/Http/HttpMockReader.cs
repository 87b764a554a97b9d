using System.Diagnostics.CodeAnalysis;
using Keploy.Core.Models;
using Keploy.Core.Sanitize;
using Keploy.Core.Storage;
using YamlDotNet.Core;

namespace Keploy.Core.Protocols.Http;

/// <summary>
/// Reads an Http mock of a mocks.yaml straight from its parsing events (<see cref="BlockYamlParser"/>) to the compact view replay
/// keeps (<see cref="HttpMockSpec"/>, see <c>MockCompaction</c>), without the YamlDotNet node tree, the document validator and the
/// view reader walking that tree: a node tree is about 11 KB of short-lived objects per mock, and loading 100,000 mocks spent most
/// of its time building and collecting them (issue 12).
/// </summary>
/// <remarks>
/// <para>Accept or decline, never differ: a document is read here only in the exact shape Keploy (yaml.v3,
/// <c>pkg/platform/yaml/mockdb</c> <c>EncodeMock</c>) and this tool write: <c>version</c>, <c>kind: Http</c>, <c>name</c>,
/// <c>spec</c> with <c>metadata</c>, <c>req</c>, <c>resp</c>, an empty <c>objects</c>, <c>created</c> and the two mock timestamps;
/// known keys only, each once; untagged scalars (a body may be <c>!!binary</c>); integers plain and in range; timestamps that parse.
/// Anything else (another key, a repeated or case-variant key, a YAML null where a value is required, a value the validator
/// would reject, a secret placeholder, which replay renders into the spec) is declined, and the caller reads the document through
/// the node tree, which gives the same view or the reference error. Every value is read with the rule the node reader uses:
/// <see cref="HttpSpec.ReadMock"/>, <see cref="Mock"/>'s lifetime, connection id and timestamps, and
/// <see cref="KeployDocumentValidator"/>'s checks (HttpMockReaderTests hold the two paths to the same results).</para>
/// <para>Strings that repeat across mocks (keys of metadata and headers, short values such as <c>GET</c> or
/// <c>application/json</c>) are shared through a bounded per-thread pool, so 100,000 mocks keep one copy of each.</para>
/// </remarks>
internal static class HttpMockReader
{
    /// <summary>
    /// The mock whose events are <paramref name="events"/> (DocumentStart, one node, DocumentEnd), with its compact view as
    /// <see cref="Mock.CompactView"/> and its spec deferred; false when the document is not in the shape read here.
    /// </summary>
    /// <param name="events">The events of one document, as <see cref="BlockYamlParser.Events"/>.</param>
    /// <param name="file">The file's full path, for <see cref="KeployDocument.Location"/>.</param>
    /// <param name="limits">The reading limits (the node count is checked against <see cref="YamlLimits.MaxExpandedNodes"/>).</param>
    /// <param name="mock">The mock read (its spec loader still to be given with <see cref="Mock.Compact"/>).</param>
    public static bool TryRead(ReadOnlySpan<ParsedEvent> events, string file, YamlLimits limits, [NotNullWhen(true)] out Mock? mock)
    {
        mock = null;
        if (events.Length - 2 > limits.MaxExpandedNodes)
        {
            return false;
        }

        var c = new Cursor(events);
        if (!c.Take(ParsedEventKind.DocumentStart) || !c.Peek(ParsedEventKind.MappingStart, out Mark rootStart) || !c.Take(ParsedEventKind.MappingStart))
        {
            return false;
        }

        string? version = null;
        string? kind = null;
        string? name = null;
        Spec? spec = null;
        while (!c.Take(ParsedEventKind.MappingEnd))
        {
            if (!c.Key(out string key))
            {
                return false;
            }

            switch (key)
            {
                case "version" when version is null && c.Text(out version):
                case "kind" when kind is null && c.Text(out kind) && kind == "Http":
                case "name" when name is null && c.Scalar(out name):
                    break;
                case "spec" when spec is null && ReadSpec(ref c, file, out spec):
                    break;
                default:
                    return false;
            }
        }

        if (!c.Take(ParsedEventKind.DocumentEnd) || !c.AtEnd || version is null || kind is null || name is null || spec is null)
        {
            return false;
        }

        var view = new HttpMockSpec(spec.Request, spec.Response, spec.Metadata, spec.Created);
        mock = Mock.ReadCompact(
            c.Share(version), "Http", name, KeployYaml.At(file, rootStart), view, Mock.LifetimeOf(spec.Type), spec.ConnectionId,
            spec.RequestTimestamp, spec.ResponseTimestamp);
        return true;
    }

    /// <summary>What <c>spec</c> holds, read.</summary>
    private sealed class Spec
    {
        public HttpRequestRecord Request = null!;
        public HttpResponseRecord Response = null!;
        public Dictionary<string, string> Metadata = new(StringComparer.Ordinal);
        public string? Type;          // metadata.type as Mock.Lifetime reads it (null for a YAML null)
        public string? ConnectionId;  // metadata.connID as Mock.ConnectionId reads it
        public long Created;
        public DateTimeOffset? RequestTimestamp;
        public DateTimeOffset? ResponseTimestamp;
    }

    // Keys of spec, req and resp, as bits (each key at most once).
    [Flags]
    private enum Seen
    {
        None = 0,
        Metadata = 1 << 0,
        Req = 1 << 1,
        Resp = 1 << 2,
        Objects = 1 << 3,
        Created = 1 << 4,
        ReqTimestamp = 1 << 5,
        ResTimestamp = 1 << 6,
        Method = 1 << 7,
        ProtoMajor = 1 << 8,
        ProtoMinor = 1 << 9,
        Url = 1 << 10,
        UrlParams = 1 << 11,
        Header = 1 << 12,
        Body = 1 << 13,
        Timestamp = 1 << 14,
        StatusCode = 1 << 15,
        StatusMessage = 1 << 16,
    }

    private static bool ReadSpec(ref Cursor c, string file, [NotNullWhen(true)] out Spec? spec)
    {
        spec = new Spec();
        Seen seen = Seen.None;
        bool declined = false;
        if (!c.Take(ParsedEventKind.MappingStart))
        {
            return false;
        }

        while (NextKey(ref c, SpecKeys, ref seen, out Seen key, ref declined))
        {
            bool ok = key switch
            {
                Seen.Metadata => ReadMetadata(ref c, spec),
                Seen.Req => ReadRequest(ref c, file, out spec.Request!),
                Seen.Resp => ReadResponse(ref c, file, out spec.Response!),
                Seen.Objects => c.Take(ParsedEventKind.SequenceStart) && c.Take(ParsedEventKind.SequenceEnd),
                Seen.Created => c.Integer(long.MinValue, long.MaxValue, 0, out spec.Created),
                Seen.ReqTimestamp => c.Timestamp(out spec.RequestTimestamp),
                Seen.ResTimestamp => c.Timestamp(out spec.ResponseTimestamp),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return !declined && (seen & (Seen.Req | Seen.Resp)) == (Seen.Req | Seen.Resp);
    }

    private static bool ReadMetadata(ref Cursor c, Spec spec)
    {
        if (!c.Take(ParsedEventKind.MappingStart))
        {
            return false;
        }

        while (!c.Take(ParsedEventKind.MappingEnd))
        {
            // As HttpSpec.ReadMock: every scalar pair, its text as written (a YAML null is its text here, and null for the pool).
            if (!c.Key(out string key) || !c.RawScalar(out string value, out bool isNull) || !spec.Metadata.TryAdd(c.Share(key), c.Share(value)))
            {
                return false;
            }

            if (key == "type")
            {
                spec.Type = isNull ? null : value;
            }
            else if (key == "connID")
            {
                spec.ConnectionId = isNull ? null : value;
            }
        }

        return true;
    }

    private static bool ReadRequest(ref Cursor c, string file, [NotNullWhen(true)] out HttpRequestRecord? request)
    {
        request = null;
        var r = new HttpRequestRecord { Timestamp = KeployTime.Zero };
        Seen seen = Seen.None;
        bool declined = false;
        if (!c.Take(ParsedEventKind.MappingStart))
        {
            return false;
        }

        while (NextKey(ref c, RequestKeys, ref seen, out Seen bit, ref declined))
        {
            switch (bit)
            {
                case Seen.Method when c.Text(out string? method):
                    r.Method = c.Share(method);
                    break;
                case Seen.ProtoMajor when c.Integer(0, 9, 1, out long major):
                    r.ProtoMajor = (int)major;
                    break;
                case Seen.ProtoMinor when c.Integer(0, 9, 1, out long minor):
                    r.ProtoMinor = (int)minor;
                    break;
                case Seen.Url when c.Text(out string? url):
                    r.Url = url;
                    break;
                case Seen.UrlParams:
                    r.UrlParams = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                    if (!ReadStringMap(ref c, r.UrlParams))
                    {
                        return false;
                    }

                    break;
                case Seen.Header when ReadStringMap(ref c, r.Header):
                    break;
                case Seen.Body when c.Body(file, "req.body", out HttpBody? body):
                    r.Body = body;
                    break;
                case Seen.Timestamp when c.Timestamp(out DateTimeOffset? at):
                    r.Timestamp = at ?? KeployTime.Zero;
                    break;
                default:
                    return false;
            }
        }

        // The validator's required fields.
        if (declined || (seen & (Seen.Method | Seen.Url)) != (Seen.Method | Seen.Url))
        {
            return false;
        }

        request = r;
        return true;
    }

    private static bool ReadResponse(ref Cursor c, string file, [NotNullWhen(true)] out HttpResponseRecord? response)
    {
        response = null;
        var r = new HttpResponseRecord { Timestamp = KeployTime.Zero };
        Seen seen = Seen.None;
        bool declined = false;
        if (!c.Take(ParsedEventKind.MappingStart))
        {
            return false;
        }

        while (NextKey(ref c, ResponseKeys, ref seen, out Seen bit, ref declined))
        {
            switch (bit)
            {
                // Required: a YAML null is the validator's "missing" error, so it is declined.
                case Seen.StatusCode when !c.PeekNull() && c.Integer(100, 999, 200, out long status):
                    r.StatusCode = (int)status;
                    break;
                case Seen.Header when ReadStringMap(ref c, r.Header):
                    break;
                case Seen.Body when c.Body(file, "resp.body", out HttpBody? body):
                    r.Body = body;
                    break;
                case Seen.StatusMessage when c.Scalar(out string message):
                    r.StatusMessage = c.Share(message);
                    break;
                case Seen.ProtoMajor when c.Integer(0, 9, 0, out long major):
                    r.ProtoMajor = (int)major;
                    break;
                case Seen.ProtoMinor when c.Integer(0, 9, 0, out long minor):
                    r.ProtoMinor = (int)minor;
                    break;
                case Seen.Timestamp when c.Timestamp(out DateTimeOffset? at):
                    r.Timestamp = at ?? KeployTime.Zero;
                    break;
                default:
                    return false;
            }
        }

        if (declined || (seen & Seen.StatusCode) == 0)
        {
            return false;
        }

        response = r;
        return true;
    }

    /// <summary>A <c>map[string]string</c> (headers, url_params) into <paramref name="map"/>: scalar pairs, each key once
    /// (case-insensitively: the node reader's last-wins of case variants is left to it).</summary>
    private static bool ReadStringMap(ref Cursor c, Dictionary<string, string> map)
    {
        if (!c.Take(ParsedEventKind.MappingStart))
        {
            return false;
        }

        while (!c.Take(ParsedEventKind.MappingEnd))
        {
            if (!c.Key(out string key) || !c.RawScalar(out string value, out _) || !map.TryAdd(c.Share(key), c.Share(value)))
            {
                return false;
            }
        }

        return true;
    }

    private const Seen SpecKeys = Seen.Metadata | Seen.Req | Seen.Resp | Seen.Objects | Seen.Created | Seen.ReqTimestamp | Seen.ResTimestamp;
    private const Seen RequestKeys = Seen.Method | Seen.ProtoMajor | Seen.ProtoMinor | Seen.Url | Seen.UrlParams | Seen.Header | Seen.Body | Seen.Timestamp;
    private const Seen ResponseKeys = Seen.StatusCode | Seen.Header | Seen.Body | Seen.StatusMessage | Seen.ProtoMajor | Seen.ProtoMinor | Seen.Timestamp;

    /// <summary>
    /// Steps to the next key of a mapping of known keys (the cursor just inside it): true with the key's bit, the cursor on its
    /// value; false at the mapping's end, with <paramref name="declined"/> set when the key is not a scalar, not one of
    /// <paramref name="allowed"/>, or seen before in this mapping.
    /// </summary>
    private static bool NextKey(ref Cursor c, Seen allowed, ref Seen seen, out Seen bit, ref bool declined)
    {
        bit = Seen.None;
        if (c.Take(ParsedEventKind.MappingEnd))
        {
            return false;
        }

        if (!c.Key(out string key) || ((bit = KeyOf(key)) & allowed) == 0 || (seen & bit) != 0)
        {
            declined = true;
            return false;
        }

        seen |= bit;
        return true;
    }

    /// <summary>The bit of a key of spec, req or resp (the mock timestamps in any case, as Keploy writes three spellings).</summary>
    private static Seen KeyOf(string key) => key switch
    {
        "metadata" => Seen.Metadata,
        "req" => Seen.Req,
        "resp" => Seen.Resp,
        "objects" => Seen.Objects,
        "created" => Seen.Created,
        "method" => Seen.Method,
        "proto_major" => Seen.ProtoMajor,
        "proto_minor" => Seen.ProtoMinor,
        "url" => Seen.Url,
        "url_params" => Seen.UrlParams,
        "header" => Seen.Header,
        "body" => Seen.Body,
        "timestamp" => Seen.Timestamp,
        "status_code" => Seen.StatusCode,
        "status_message" => Seen.StatusMessage,
        _ when string.Equals(key, "reqTimestampMock", StringComparison.OrdinalIgnoreCase) => Seen.ReqTimestamp,
        _ when string.Equals(key, "resTimestampMock", StringComparison.OrdinalIgnoreCase) => Seen.ResTimestamp,
        _ => Seen.None,
    };

    /// <summary>Longest string shared (header names and short values; URLs and bodies are longer and mostly unique).</summary>
    private const int SharedLength = 48;

    /// <summary>A forward cursor over one document's events; every Take that fails leaves the document declined.</summary>
    private ref struct Cursor(ReadOnlySpan<ParsedEvent> events)
    {
        private readonly ReadOnlySpan<ParsedEvent> _events = events;
        private int _at;

        public readonly bool AtEnd => _at == _events.Length;

        public bool Take(ParsedEventKind kind)
        {
            if (_at < _events.Length && _events[_at].Kind == kind)
            {
                _at++;
                return true;
            }

            return false;
        }

        public readonly bool Peek(ParsedEventKind kind, out Mark start)
        {
            bool match = _at < _events.Length && _events[_at].Kind == kind;
            start = match ? _events[_at].Start : default;
            return match;
        }

        /// <summary>Whether the next event is a plain YAML null scalar.</summary>
        public readonly bool PeekNull() =>
            _at < _events.Length && _events[_at] is { Kind: ParsedEventKind.Scalar } e && YamlNodes.IsNull(e.Style, e.Value);

        /// <summary>A mapping key: an untagged scalar (the node reader finds keys by text among untagged keys).</summary>
        public bool Key(out string key)
        {
            key = "";
            if (_at < _events.Length && _events[_at] is { Kind: ParsedEventKind.Scalar, IsKey: true } e && e.Tag.IsEmpty)
            {
                key = e.Value ?? "";
                _at++;
                return true;
            }

            return false;
        }

        /// <summary>An untagged scalar value holding no secret placeholder, its text as written (<paramref name="isNull"/>: a plain YAML null).</summary>
        public bool RawScalar(out string value, out bool isNull)
        {
            value = "";
            isNull = false;
            if (_at < _events.Length && _events[_at] is { Kind: ParsedEventKind.Scalar, IsKey: false } e && e.Tag.IsEmpty
                && !SecretTemplate.ContainsPlaceholder(e.Value))
            {
                value = e.Value ?? "";
                isNull = YamlNodes.IsNull(e.Style, e.Value);
                _at++;
                return true;
            }

            return false;
        }

        /// <summary>An untagged scalar as the node reader's <c>GetString(..) ?? ""</c> and the envelope's scalars read it (null is empty).</summary>
        public bool Scalar(out string value)
        {
            bool ok = RawScalar(out string raw, out bool isNull);
            value = isNull ? "" : raw;
            return ok;
        }

        /// <summary>An untagged scalar that is not a YAML null (required fields: the validator's "missing" otherwise).</summary>
        public bool Text([NotNullWhen(true)] out string? value)
        {
            value = null;
            if (PeekNull() || !RawScalar(out string raw, out _))
            {
                return false;
            }

            value = raw;
            return true;
        }

        /// <summary>An integer in range as the validator checks it; a YAML null is <paramref name="fallback"/> (the node reader's default).</summary>
        public bool Integer(long min, long max, long fallback, out long value)
        {
            value = fallback;
            if (_at >= _events.Length || _events[_at] is not { Kind: ParsedEventKind.Scalar, IsKey: false } e)
            {
                return false;
            }

            if (YamlNodes.IsNull(e.Style, e.Value) && e.Tag.IsEmpty)
            {
                _at++;
                return true;
            }

            if (!e.Tag.IsEmpty || !KeployDocumentValidator.IsInteger(e.Value, e.Style, e.Tag, min, max, out value))
            {
                return false;
            }

            _at++;
            return true;
        }

        /// <summary>An RFC3339 timestamp, or a YAML null (no timestamp).</summary>
        public bool Timestamp(out DateTimeOffset? value)
        {
            value = null;
            if (!RawScalar(out string raw, out bool isNull))
            {
                return false;
            }

            if (isNull)
            {
                return true;
            }

            if (!KeployTime.TryParse(raw, out DateTimeOffset at))
            {
                return false;
            }

            value = at;
            return true;
        }

        /// <summary>A body scalar (untagged or <c>!!binary</c>) read as <see cref="HttpSpec.ReadBody(string?, ScalarStyle, TagName, SourceLocation, Mark, string)"/> reads it.</summary>
        public bool Body(string file, string field, [NotNullWhen(true)] out HttpBody? body)
        {
            body = null;
            if (_at >= _events.Length || _events[_at] is not { Kind: ParsedEventKind.Scalar, IsKey: false } e
                || !(e.Tag.IsEmpty || e.Tag.Value is HttpSpec.BinaryTag or "!!binary")
                || SecretTemplate.ContainsPlaceholder(e.Value))
            {
                return false;
            }

            try
            {
                body = HttpSpec.ReadBody(e.Value, e.Style, e.Tag, new SourceLocation(file, 0, 0), e.Start, field);
            }
            catch (KeployFormatException)
            {
                return false; // the node reader keeps such a mock whole; its matcher reports it
            }

            _at++;
            return true;
        }

        /// <summary>
        /// One instance of a short string that repeats across mocks (CommunityToolkit.HighPerformance's bounded, thread-safe
        /// <see cref="CommunityToolkit.HighPerformance.Buffers.StringPool"/>); longer ones (URLs, bodies) are kept as they are.
        /// </summary>
        public readonly string Share(string value) =>
            value.Length <= SharedLength ? CommunityToolkit.HighPerformance.Buffers.StringPool.Shared.GetOrAdd(value) : value;
    }
}
