namespace Keploy.Core.Protocols.Http;

/// <summary>
/// A parsed HTTP/1.x message head: the request line (<c>method SP request-target SP HTTP-version</c>) or status line
/// (<c>HTTP-version SP status-code SP reason-phrase</c>) and the header fields in wire order (RFC 9112 §3, §4, §5).
/// </summary>
internal sealed class HttpHead
{
    /// <summary>True for a request head, false for a response head.</summary>
    public bool IsRequest { get; init; }

    /// <summary>Request method (requests).</summary>
    public string Method { get; init; } = "";

    /// <summary>Request target as sent (origin-form <c>/a?b</c>, absolute-form, authority-form for CONNECT).</summary>
    public string Target { get; init; } = "";

    /// <summary>HTTP major version.</summary>
    public int Major { get; init; } = 1;

    /// <summary>HTTP minor version.</summary>
    public int Minor { get; init; } = 1;

    /// <summary>Status code (responses).</summary>
    public int StatusCode { get; init; }

    /// <summary>Reason phrase (responses), possibly empty.</summary>
    public string Reason { get; init; } = "";

    /// <summary>Header fields in wire order (names as sent).</summary>
    public List<KeyValuePair<string, string>> Headers { get; } = new();

    /// <summary>Size of the head on the wire, including the final empty line.</summary>
    public long WireLength { get; set; }

    /// <summary>Value of a header (case-insensitive); repeated fields are joined with <c>", "</c>; null when absent.</summary>
    public string? Get(string name)
    {
        string? result = null;
        foreach (KeyValuePair<string, string> h in Headers)
        {
            if (string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                result = result is null ? h.Value : result + ", " + h.Value;
            }
        }

        return result;
    }

    /// <summary>True when a comma-separated header contains <paramref name="token"/> (case-insensitive).</summary>
    public bool HasToken(string name, string token)
    {
        string? value = Get(name);
        if (value is null)
        {
            return false;
        }

        foreach (string part in value.Split(','))
        {
            if (string.Equals(part.Trim(), token, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Keploy's header map: first-seen name spelling, repeated fields joined with <c>", "</c>.</summary>
    public Dictionary<string, string> ToHeaderMap()
    {
        Dictionary<string, string> map = new(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, string> h in Headers)
        {
            map[h.Key] = map.TryGetValue(h.Key, out string? existing) ? existing + ", " + h.Value : h.Value;
        }

        return map;
    }

    /// <summary>True when the connection should close after this message (HTTP/1.0 without keep-alive, or <c>Connection: close</c>).</summary>
    public bool WantsClose => HasToken("Connection", "close") || (Major == 1 && Minor == 0 && !HasToken("Connection", "keep-alive"));
}
