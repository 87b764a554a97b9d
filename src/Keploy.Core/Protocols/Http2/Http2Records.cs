using Keploy.Core.Models;
using Keploy.Core.Protocols.Grpc;
using Keploy.Core.Protocols.Http;

namespace Keploy.Core.Protocols.Http2;

/// <summary>
/// Turns one HTTP/2 stream (request and response <see cref="Http2Message"/>s) into Keploy's records: <c>kind: gRPC</c> when the
/// request's content-type is <c>application/grpc*</c>, else <c>kind: Http</c> (proto_major 2).
/// </summary>
internal static class Http2Records
{
    /// <summary>Header names that are per connection in HTTP/1.1 and never sent over HTTP/2 (RFC 9113 §8.2.2), plus the
    /// length, which the server recomputes.</summary>
    public static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "content-length", "host",
    };

    /// <summary>True for a gRPC request (gRPC over HTTP/2: <c>content-type: application/grpc</c>, <c>+proto</c>, <c>+json</c>...).</summary>
    public static bool IsGrpc(Http2Message request) =>
        request.Header("content-type") is { } ct && ct.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);

    /// <summary>The gRPC request record of a live or recorded stream.</summary>
    public static GrpcRequestRecord GrpcRequest(Http2Message request)
    {
        List<GrpcMessage> messages = GrpcMessage.Split(request.Body.WrittenSpan, request.Header("grpc-encoding"), out _);
        return new GrpcRequestRecord
        {
            Headers = GrpcHeaders.From(request.Headers),
            Body = messages.Count > 0 ? messages[0] : new GrpcMessage(),
            Messages = messages.Count > 1 ? messages : new(),
        };
    }

    /// <summary>The gRPC response record; grpc-status/grpc-message of a trailers-only answer move to the trailers, as Keploy
    /// writes them.</summary>
    public static GrpcResponseRecord GrpcResponse(Http2Message response)
    {
        List<GrpcMessage> messages = GrpcMessage.Split(response.Body.WrittenSpan, response.Header("grpc-encoding"), out _);
        GrpcHeaders headers = GrpcHeaders.From(response.Headers);
        GrpcHeaders trailers = GrpcHeaders.From(response.Trailers);
        if (response.Trailers.Count == 0)
        {
            foreach (string name in new[] { "grpc-status", "grpc-message", "grpc-status-details-bin" })
            {
                if (headers.OrdinaryHeaders.Remove(name, out string? value))
                {
                    trailers.OrdinaryHeaders[name] = value;
                }
            }
        }

        return new GrpcResponseRecord
        {
            Headers = headers,
            Body = messages.Count > 0 ? messages[0] : new GrpcMessage(),
            Messages = messages.Count > 1 ? messages : new(),
            Trailers = trailers,
        };
    }

    /// <summary>The Http request record of a stream: method, <c>:path</c> as the URL (absolute with <paramref name="scheme"/>
    /// inside TLS), ordinary headers, body decoded per content-encoding.</summary>
    public static HttpRequestRecord HttpRequest(Http2Message request, bool absolute, string scheme)
    {
        string path = request.Header(":path") ?? "/";
        string url = absolute ? $"{scheme}://{request.Header(":authority")}{path}" : path;
        Dictionary<string, string> header = Ordinary(request.Headers);
        header.TryGetValue("content-encoding", out string? encoding);
        var record = new HttpRequestRecord
        {
            Method = request.Header(":method") ?? "GET",
            ProtoMajor = 2,
            ProtoMinor = 0,
            Url = url,
            Header = header,
            Body = HttpBodyCoding.ToRecordBody(request.Body.WrittenSpan.ToArray(), encoding),
        };
        record.UrlParams = HttpRecordConversion.UrlParams(url);
        return record;
    }

    /// <summary>The Http response record of a stream (trailers, when any, are folded into the headers map).</summary>
    public static HttpResponseRecord HttpResponse(Http2Message response)
    {
        Dictionary<string, string> header = Ordinary(response.Headers.Concat(response.Trailers));
        header.TryGetValue("content-encoding", out string? encoding);
        int.TryParse(response.Header(":status"), out int status);
        return new HttpResponseRecord
        {
            StatusCode = status,
            Header = header,
            Body = HttpBodyCoding.ToRecordBody(response.Body.WrittenSpan.ToArray(), encoding),
            StatusMessage = HttpWire.ReasonPhrase(status),
        };
    }

    /// <summary>The mock for one completed stream.</summary>
    public static Mock ToMock(Http2Message request, Http2Message response, long connectionId, bool tls, string scheme)
    {
        if (IsGrpc(request))
        {
            return GrpcSpec.CreateMock(GrpcRequest(request), GrpcResponse(response), request.Started, response.Completed);
        }

        return HttpSpec.CreateMock(HttpRequest(request, tls, scheme), HttpResponse(response), connectionId, request.Started, response.Completed);
    }

    private static Dictionary<string, string> Ordinary(IEnumerable<Http2HeaderField> fields)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (Http2HeaderField field in fields)
        {
            if (!field.Name.StartsWith(':'))
            {
                map[field.Name] = map.TryGetValue(field.Name, out string? v) ? v + ", " + field.Value : field.Value;
            }
        }

        return map;
    }
}
