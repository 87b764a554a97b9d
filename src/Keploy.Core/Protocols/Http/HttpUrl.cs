namespace Keploy.Core.Protocols.Http;

/// <summary>Splits Keploy URLs (absolute in test cases, request-target in mocks) into path and query.</summary>
internal static class HttpUrl
{
    /// <summary>The origin-form (<c>/path?query</c>) of an absolute URL or request target.</summary>
    public static string OriginForm(string url)
    {
        int scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme > 0 && !url.StartsWith('/'))
        {
            int slash = url.AsSpan(scheme + 3).IndexOfAny('/', '?');
            slash = slash < 0 ? -1 : slash + scheme + 3;
            string rest = slash < 0 ? "/" : url[slash..];
            return rest.StartsWith('?') ? "/" + rest : rest;
        }

        return url.Length == 0 ? "/" : url;
    }

    /// <summary>Path of the URL (without query or fragment).</summary>
    /// <remarks>The path of <see cref="OriginForm"/> cut at <c>?</c> or <c>#</c>, made as one string (every mock indexed for replay
    /// has its path taken).</remarks>
    public static string Path(string url)
    {
        int scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme > 0 && !url.StartsWith('/'))
        {
            int start = url.AsSpan(scheme + 3).IndexOfAny('/', '?');
            if (start < 0 || url[start + scheme + 3] == '?')
            {
                return "/";
            }

            start += scheme + 3;
            int cut = url.AsSpan(start).IndexOfAny('?', '#');
            return cut < 0 ? url[start..] : url.Substring(start, cut);
        }

        if (url.Length == 0)
        {
            return "/";
        }

        int q = url.AsSpan().IndexOfAny('?', '#');
        return q < 0 ? url : url[..q];
    }

    /// <summary>Query parameters (names and raw values, in order; a name may repeat).</summary>
    public static List<KeyValuePair<string, string>> Query(string url)
    {
        string origin = OriginForm(url);
        int q = origin.IndexOf('?', StringComparison.Ordinal);
        List<KeyValuePair<string, string>> result = new();
        if (q < 0)
        {
            return result;
        }

        string query = origin[(q + 1)..];
        int hash = query.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            query = query[..hash];
        }

        foreach (string part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            string name = Uri.UnescapeDataString((eq < 0 ? part : part[..eq]).Replace('+', ' '));
            string value = eq < 0 ? "" : Uri.UnescapeDataString(part[(eq + 1)..].Replace('+', ' '));
            result.Add(new(name, value));
        }

        return result;
    }
}
