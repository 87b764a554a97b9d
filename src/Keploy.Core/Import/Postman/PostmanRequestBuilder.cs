using System.Net;
using System.Text;
using System.Text.Json;

namespace Keploy.Core.Import.Postman;

/// <summary>
/// Turns a collection's <c>request</c> into the bytes to send, with variables resolved: the URL (<c>raw</c>, else built from
/// <c>protocol</c>, <c>host</c>, <c>port</c>, <c>path</c>, <c>query</c>; <c>:name</c> path variables from <c>url.variable</c>), the
/// enabled headers, the body (<c>raw</c>, <c>urlencoded</c>, text-only <c>formdata</c> as multipart, <c>graphql</c> as JSON) and
/// the auth in effect (<c>bearer</c>, <c>basic</c>, <c>apikey</c> in header or query; <c>noauth</c>). Source: Postman collection
/// schema v2.1 (<c>request</c>, <c>url</c>, <c>body</c>, <c>auth</c> definitions).
/// </summary>
public static class PostmanRequestBuilder
{
    /// <summary>Builds the request of <paramref name="item"/>.</summary>
    /// <exception cref="ImportException">No URL, a file upload, or an auth type this tool cannot send (the message names the item).</exception>
    public static ImportedRequest Build(PostmanRequestItem item, PostmanVariables variables)
    {
        JsonElement request = item.Request;
        if (request.ValueKind == JsonValueKind.String)
        {
            return new ImportedRequest(item.Name, "GET", Absolute(variables.Resolve(request.GetString() ?? ""), item), Array.Empty<KeyValuePair<string, string>>(), Array.Empty<byte>());
        }

        if (request.ValueKind != JsonValueKind.Object)
        {
            throw new ImportException($"{item.Where}.request: must be a URL string or an object");
        }

        string method = (PostmanCollection.OptionalString(request, "method") ?? "GET").ToUpperInvariant();
        List<KeyValuePair<string, string>> headers = PostmanCollection.ReadKeyValues(request, "header")
            .Select(h => new KeyValuePair<string, string>(variables.Resolve(h.Key), variables.Resolve(h.Value))).ToList();
        string url = Url(request, item, variables);
        byte[] body = Body(request, item, variables, headers);
        url = ApplyAuth(item, variables, headers, url);
        return new ImportedRequest(item.Name, method, Absolute(url, item), headers, body);
    }

    private static string Url(JsonElement request, PostmanRequestItem item, PostmanVariables variables)
    {
        if (!request.TryGetProperty("url", out JsonElement url))
        {
            throw new ImportException($"{item.Where}.request: no 'url'");
        }

        if (url.ValueKind == JsonValueKind.String)
        {
            return variables.Resolve(url.GetString() ?? "");
        }

        if (url.ValueKind != JsonValueKind.Object)
        {
            throw new ImportException($"{item.Where}.request.url: must be a string or an object");
        }

        string text;
        if (PostmanCollection.OptionalString(url, "raw") is { Length: > 0 } raw)
        {
            text = raw;
        }
        else
        {
            StringBuilder sb = new();
            if (PostmanCollection.OptionalString(url, "protocol") is { } protocol)
            {
                sb.Append(protocol).Append("://");
            }

            sb.Append(Joined(url, "host", "."));
            if (PostmanCollection.ScalarText(url, "port") is { } port)
            {
                sb.Append(':').Append(port);
            }

            string path = Joined(url, "path", "/");
            if (path.Length > 0)
            {
                sb.Append('/').Append(path.TrimStart('/'));
            }

            List<KeyValuePair<string, string>> query = PostmanCollection.ReadKeyValues(url, "query");
            if (query.Count > 0)
            {
                sb.Append('?').Append(string.Join('&', query.Select(q => q.Value.Length == 0 && q.Key.Length > 0 ? q.Key : $"{q.Key}={q.Value}")));
            }

            text = sb.ToString();
        }

        // Path variables (:id) take their values from url.variable.
        foreach (KeyValuePair<string, string> pathVariable in PostmanCollection.ReadKeyValues(url, "variable"))
        {
            text = text.Replace(":" + pathVariable.Key, Uri.EscapeDataString(variables.Resolve(pathVariable.Value)), StringComparison.Ordinal);
        }

        return variables.Resolve(text);
    }

    private static string Joined(JsonElement url, string property, string separator)
    {
        if (!url.TryGetProperty(property, out JsonElement value))
        {
            return "";
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString() ?? "",
            JsonValueKind.Array => string.Join(separator, value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText())),
            _ => "",
        };
    }

    private static byte[] Body(JsonElement request, PostmanRequestItem item, PostmanVariables variables, List<KeyValuePair<string, string>> headers)
    {
        if (PostmanCollection.OptionalObject(request, "body") is not { } body || body.TryGetProperty("disabled", out JsonElement off) && off.ValueKind == JsonValueKind.True)
        {
            return Array.Empty<byte>();
        }

        string mode = PostmanCollection.OptionalString(body, "mode") ?? "raw";
        switch (mode)
        {
            case "raw":
            {
                string raw = variables.Resolve(PostmanCollection.OptionalString(body, "raw") ?? "");
                string? language = body.TryGetProperty("options", out JsonElement options) && options.ValueKind == JsonValueKind.Object
                    && PostmanCollection.OptionalObject(options, "raw") is { } rawOptions ? PostmanCollection.OptionalString(rawOptions, "language") : null;
                string? type = language switch { "json" => "application/json", "xml" => "application/xml", "html" => "text/html", "javascript" => "application/javascript", "text" => "text/plain", _ => null };
                if (type is not null && raw.Length > 0)
                {
                    AddIfMissing(headers, "Content-Type", type);
                }

                return Encoding.UTF8.GetBytes(raw);
            }

            case "urlencoded":
            {
                List<KeyValuePair<string, string>> fields = PostmanCollection.ReadKeyValues(body, "urlencoded");
                AddIfMissing(headers, "Content-Type", "application/x-www-form-urlencoded");
                return Encoding.UTF8.GetBytes(string.Join('&', fields.Select(f => WebUtility.UrlEncode(variables.Resolve(f.Key)) + "=" + WebUtility.UrlEncode(variables.Resolve(f.Value)))));
            }

            case "formdata":
            {
                string boundary = "keploy-" + Guid.NewGuid().ToString("N");
                StringBuilder sb = new();
                if (body.TryGetProperty("formdata", out JsonElement parts) && parts.ValueKind == JsonValueKind.Array)
                {
                    foreach (JsonElement part in parts.EnumerateArray())
                    {
                        if (part.TryGetProperty("disabled", out JsonElement d) && d.ValueKind == JsonValueKind.True)
                        {
                            continue;
                        }

                        if (PostmanCollection.OptionalString(part, "type") == "file")
                        {
                            throw new ImportException($"{item.Where}.request.body.formdata: a file upload cannot be imported (the file is not in the collection)");
                        }

                        sb.Append("--").Append(boundary).Append("\r\nContent-Disposition: form-data; name=\"")
                            .Append(variables.Resolve(PostmanCollection.OptionalString(part, "key") ?? "")).Append("\"\r\n\r\n")
                            .Append(variables.Resolve(PostmanCollection.ScalarText(part, "value") ?? "")).Append("\r\n");
                    }
                }

                sb.Append("--").Append(boundary).Append("--\r\n");
                SetHeader(headers, "Content-Type", $"multipart/form-data; boundary={boundary}");
                return Encoding.UTF8.GetBytes(sb.ToString());
            }

            case "graphql":
            {
                JsonElement graphql = PostmanCollection.OptionalObject(body, "graphql") ?? default;
                string query = variables.Resolve(PostmanCollection.OptionalString(graphql, "query") ?? "");
                string vars = variables.Resolve(PostmanCollection.OptionalString(graphql, "variables") ?? "");
                AddIfMissing(headers, "Content-Type", "application/json");
                using MemoryStream stream = new();
                using (Utf8JsonWriter writer = new(stream))
                {
                    writer.WriteStartObject();
                    writer.WriteString("query", query);
                    if (vars.Trim().Length > 0)
                    {
                        writer.WritePropertyName("variables");
                        try
                        {
                            using JsonDocument parsed = JsonDocument.Parse(vars);
                            parsed.RootElement.WriteTo(writer);
                        }
                        catch (JsonException)
                        {
                            throw new ImportException($"{item.Where}.request.body.graphql.variables: not valid JSON");
                        }
                    }

                    writer.WriteEndObject();
                }

                return stream.ToArray();
            }

            case "file":
                throw new ImportException($"{item.Where}.request.body: a file body cannot be imported (the file is not in the collection)");
            default:
                throw new ImportException($"{item.Where}.request.body: unknown body mode '{mode}'");
        }
    }

    private static string ApplyAuth(PostmanRequestItem item, PostmanVariables variables, List<KeyValuePair<string, string>> headers, string url)
    {
        if (item.Auth is not { } auth || PostmanCollection.OptionalString(auth, "type") is not { } type || type is "noauth" or "inherit")
        {
            return url;
        }

        Dictionary<string, string> values = PostmanCollection.ReadKeyValues(auth, type)
            .GroupBy(p => p.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => variables.Resolve(g.Last().Value), StringComparer.Ordinal);
        string Value(string key) => values.TryGetValue(key, out string? v) ? v : "";
        switch (type)
        {
            case "bearer":
                AddIfMissing(headers, "Authorization", "Bearer " + Value("token"));
                return url;
            case "basic":
                AddIfMissing(headers, "Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Value("username")}:{Value("password")}")));
                return url;
            case "apikey":
                if (Value("in") == "query")
                {
                    return url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + Uri.EscapeDataString(Value("key")) + "=" + Uri.EscapeDataString(Value("value"));
                }

                AddIfMissing(headers, Value("key") is { Length: > 0 } k ? k : "X-API-Key", Value("value"));
                return url;
            default:
                throw new ImportException($"{item.Where}: auth type '{type}' cannot be imported (bearer, basic, apikey and noauth can)");
        }
    }

    private static string Absolute(string url, PostmanRequestItem item)
    {
        string trimmed = url.Trim();
        if (trimmed.Length == 0)
        {
            throw new ImportException($"{item.Where}.request.url: empty");
        }

        // Postman accepts "localhost:8080/x" without a scheme and sends it over http.
        return trimmed.Contains("://", StringComparison.Ordinal) ? trimmed : "http://" + trimmed;
    }

    private static void AddIfMissing(List<KeyValuePair<string, string>> headers, string name, string value)
    {
        if (!headers.Any(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)))
        {
            headers.Add(new(name, value));
        }
    }

    private static void SetHeader(List<KeyValuePair<string, string>> headers, string name, string value)
    {
        headers.RemoveAll(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
        headers.Add(new(name, value));
    }
}
