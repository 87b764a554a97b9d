namespace Keploy.Core.Protocols.Http;

/// <summary>Turns parsed wire messages into Keploy records (body decoding per <see cref="HttpBodyCoding"/>).</summary>
internal static class HttpRecordConversion
{
    /// <summary>A request record; <paramref name="url"/> is the target (mocks) or the absolute URL (test cases).</summary>
    public static HttpRequestRecord Request(HttpHead head, HttpBodyCapture body, string url, DateTimeOffset timestamp)
    {
        Dictionary<string, string> header = head.ToHeaderMap();
        header.TryGetValue("Content-Encoding", out string? encoding);
        HttpRequestRecord r = new()
        {
            Method = head.Method,
            ProtoMajor = head.Major,
            ProtoMinor = head.Minor,
            Url = url,
            Header = header,
            Body = HttpBodyCoding.ToRecordBody(body.ToArray(), encoding),
            Timestamp = timestamp,
        };
        r.UrlParams = UrlParams(url);
        return r;
    }

    /// <summary>Keploy's <c>url_params</c> of <paramref name="url"/> (repeated keys joined with ", "), or null without a query.</summary>
    public static Dictionary<string, string>? UrlParams(string url)
    {
        List<KeyValuePair<string, string>> query = HttpUrl.Query(url);
        if (query.Count == 0)
        {
            return null;
        }

        Dictionary<string, string> result = new(StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> q in query)
        {
            result[q.Key] = result.TryGetValue(q.Key, out string? v) ? v + ", " + q.Value : q.Value;
        }

        return result;
    }

    /// <summary>A response record (proto_major/minor 0 as Keploy writes them).</summary>
    public static HttpResponseRecord Response(HttpHead head, HttpBodyCapture body, DateTimeOffset timestamp)
    {
        Dictionary<string, string> header = head.ToHeaderMap();
        header.TryGetValue("Content-Encoding", out string? encoding);
        return new HttpResponseRecord
        {
            StatusCode = head.StatusCode,
            Header = header,
            Body = HttpBodyCoding.ToRecordBody(body.ToArray(), encoding),
            StatusMessage = head.Reason,
            Timestamp = timestamp,
        };
    }

    /// <summary><c>&lt;scheme&gt;://&lt;Host header&gt;&lt;target&gt;</c> (the target as is when already absolute); the scheme is
    /// <c>https</c> for a connection whose TLS the proxy terminated.</summary>
    public static string AbsoluteUrl(HttpHead head, string scheme = "http")
    {
        if (head.Target.Contains("://", StringComparison.Ordinal) && !head.Target.StartsWith('/'))
        {
            return head.Target;
        }

        return scheme + "://" + (head.Get("Host") ?? "localhost") + head.Target;
    }
}
