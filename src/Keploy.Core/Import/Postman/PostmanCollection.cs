using System.Text.Json;

namespace Keploy.Core.Import.Postman;

/// <summary>
/// A Postman collection (format v2.1 or v2.0, Postman's "collection.json" schema), read into the requests it holds in run order
/// (depth first through nested folders), each with the scripts and auth it inherits from its folders and the collection.
/// Source: schema.getpostman.com/json/collection/v2.1.0/collection.json.
/// </summary>
public sealed class PostmanCollection
{
    /// <summary>Largest collection or environment file read (64 MiB).</summary>
    public const long MaxFileBytes = 64L * 1024 * 1024;

    private PostmanCollection(string file, string name, List<PostmanRequestItem> requests, List<KeyValuePair<string, string>> variables)
    {
        File = file;
        Name = name;
        Requests = requests;
        Variables = variables;
    }

    /// <summary>The file it was read from.</summary>
    public string File { get; }

    /// <summary><c>info.name</c>.</summary>
    public string Name { get; }

    /// <summary>Every request in run order.</summary>
    public IReadOnlyList<PostmanRequestItem> Requests { get; }

    /// <summary>The collection's <c>variable</c> list (enabled ones).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Variables { get; }

    /// <summary>Reads a collection file.</summary>
    /// <exception cref="ImportException">Not JSON (with line and column), not a v2 collection, or a required field is missing
    /// (with its JSON path).</exception>
    public static PostmanCollection Load(string path)
    {
        using JsonDocument document = ParseFile(path);
        JsonElement root = document.RootElement;
        string where = System.IO.Path.GetFileName(path);
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ImportException($"{where}: a Postman collection is a JSON object");
        }

        if (root.TryGetProperty("requests", out _) && !root.TryGetProperty("item", out _))
        {
            throw new ImportException($"{where}: this is a Postman v1 collection; export it from Postman as Collection v2.1");
        }

        JsonElement info = Property(root, "info", where);
        string schema = OptionalString(info, "schema") ?? "";
        if (schema.Length > 0 && !schema.Contains("v2.", StringComparison.Ordinal))
        {
            throw new ImportException($"{where}: info.schema '{schema}' is not a Postman v2.0/v2.1 collection");
        }

        List<KeyValuePair<string, string>> variables = ReadKeyValues(root, "variable");
        List<PostmanRequestItem> requests = new();
        Inherited top = new(Array.Empty<string>(), Events(root), OptionalObject(root, "auth"));
        Walk(Property(root, "item", where), $"{where}: item", top, requests);
        return new PostmanCollection(path, OptionalString(info, "name") ?? where, requests, variables);
    }

    /// <summary>Reads a Postman environment file (<c>{"values": [{"key", "value", "enabled"}]}</c>): its enabled variables.</summary>
    /// <exception cref="ImportException">Not JSON or no <c>values</c> list.</exception>
    public static List<KeyValuePair<string, string>> LoadEnvironment(string path)
    {
        using JsonDocument document = ParseFile(path);
        string where = System.IO.Path.GetFileName(path);
        if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("values", out JsonElement values) || values.ValueKind != JsonValueKind.Array)
        {
            throw new ImportException($"{where}: a Postman environment is a JSON object with a 'values' list");
        }

        return ReadKeyValues(document.RootElement, "values");
    }

    /// <summary>Parses a JSON file with bounded size and depth; errors name file:line:column.</summary>
    internal static JsonDocument ParseFile(string path)
    {
        FileInfo info = new(path);
        if (!info.Exists)
        {
            throw new ImportException($"{path}: no such file");
        }

        if (info.Length > MaxFileBytes)
        {
            throw new ImportException($"{path}: {info.Length} bytes is more than the {MaxFileBytes / (1024 * 1024)} MiB an import reads");
        }

        byte[] bytes = System.IO.File.ReadAllBytes(path);
        try
        {
            return JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 256, AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            long line = (ex.LineNumber ?? 0) + 1;
            long column = (ex.BytePositionInLine ?? 0) + 1;
            string message = ex.Message;
            int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
            throw new ImportException($"{path}:{line}:{column}: not valid JSON: {(cut > 0 ? message[..cut] : message)}", ex);
        }
    }

    private static void Walk(JsonElement items, string where, Inherited inherited, List<PostmanRequestItem> requests)
    {
        if (items.ValueKind != JsonValueKind.Array)
        {
            throw new ImportException($"{where}: must be a list");
        }

        int index = 0;
        foreach (JsonElement item in items.EnumerateArray())
        {
            string here = $"{where}[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new ImportException($"{here}: must be an object");
            }

            string name = OptionalString(item, "name") ?? $"request {index}";
            JsonElement? auth = OptionalObject(item, "auth");
            if (item.TryGetProperty("item", out JsonElement children))
            {
                Inherited folder = new(inherited.Folders.Append(name).ToArray(), inherited.Events.Concat(Events(item)).ToList(), AuthOrInherit(auth, inherited.Auth));
                Walk(children, here + ".item", folder, requests);
                continue;
            }

            if (!item.TryGetProperty("request", out JsonElement request))
            {
                throw new ImportException($"{here}: an item has either 'item' (a folder) or 'request'");
            }

            JsonElement? requestAuth = request.ValueKind == JsonValueKind.Object ? OptionalObject(request, "auth") : null;
            List<PostmanScript> events = inherited.Events.Concat(Events(item)).ToList();
            requests.Add(new PostmanRequestItem(
                string.Join('/', inherited.Folders.Append(name)),
                here,
                request.Clone(),
                AuthOrInherit(requestAuth, AuthOrInherit(auth, inherited.Auth))?.Clone(),
                events,
                Responses(item, here)));
        }
    }

    private static JsonElement? AuthOrInherit(JsonElement? auth, JsonElement? inherited)
    {
        // "inherit" (or no auth) takes the parent's; "noauth" stops inheritance.
        if (auth is null || (auth.Value.TryGetProperty("type", out JsonElement type) && type.ValueKind == JsonValueKind.String && type.GetString() == "inherit"))
        {
            return inherited;
        }

        return auth;
    }

    private static List<PostmanScript> Events(JsonElement owner)
    {
        List<PostmanScript> scripts = new();
        if (!owner.TryGetProperty("event", out JsonElement events) || events.ValueKind != JsonValueKind.Array)
        {
            return scripts;
        }

        foreach (JsonElement e in events.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Object || OptionalString(e, "listen") is not { } listen || !e.TryGetProperty("script", out JsonElement script) || script.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            if (e.TryGetProperty("disabled", out JsonElement disabled) && disabled.ValueKind == JsonValueKind.True)
            {
                continue;
            }

            string source = script.TryGetProperty("exec", out JsonElement exec)
                ? exec.ValueKind == JsonValueKind.Array
                    ? string.Join('\n', exec.EnumerateArray().Select(l => l.ValueKind == JsonValueKind.String ? l.GetString() : ""))
                    : exec.ValueKind == JsonValueKind.String ? exec.GetString() ?? "" : ""
                : "";
            if (source.Trim().Length > 0)
            {
                scripts.Add(new PostmanScript(listen, source));
            }
        }

        return scripts;
    }

    private static List<PostmanSavedResponse> Responses(JsonElement item, string where)
    {
        List<PostmanSavedResponse> saved = new();
        if (!item.TryGetProperty("response", out JsonElement responses) || responses.ValueKind != JsonValueKind.Array)
        {
            return saved;
        }

        int index = 0;
        foreach (JsonElement r in responses.EnumerateArray())
        {
            string here = $"{where}.response[{index++}]";
            if (r.ValueKind != JsonValueKind.Object || !r.TryGetProperty("code", out JsonElement code) || code.ValueKind != JsonValueKind.Number || !code.TryGetInt32(out int status))
            {
                throw new ImportException($"{here}: a saved response needs a numeric 'code'");
            }

            List<KeyValuePair<string, string>> headers = r.TryGetProperty("header", out JsonElement h) && h.ValueKind == JsonValueKind.Array
                ? ReadKeyValues(r, "header")
                : new List<KeyValuePair<string, string>>();
            saved.Add(new PostmanSavedResponse(status, OptionalString(r, "status") ?? "", headers, OptionalString(r, "body") ?? ""));
        }

        return saved;
    }

    /// <summary>The enabled <c>{key, value}</c> entries of a list property (<c>disabled: true</c> ones are left out).</summary>
    internal static List<KeyValuePair<string, string>> ReadKeyValues(JsonElement owner, string property)
    {
        List<KeyValuePair<string, string>> list = new();
        if (owner.ValueKind != JsonValueKind.Object || !owner.TryGetProperty(property, out JsonElement array) || array.ValueKind != JsonValueKind.Array)
        {
            return list;
        }

        foreach (JsonElement e in array.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Object || OptionalString(e, "key") is not { } key)
            {
                continue;
            }

            bool disabled = (e.TryGetProperty("disabled", out JsonElement d) && d.ValueKind == JsonValueKind.True)
                || (e.TryGetProperty("enabled", out JsonElement en) && en.ValueKind == JsonValueKind.False);
            if (!disabled)
            {
                list.Add(new(key, ScalarText(e, "value") ?? ""));
            }
        }

        return list;
    }

    internal static string? OptionalString(JsonElement owner, string property) =>
        owner.ValueKind == JsonValueKind.Object && owner.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A string, number or boolean property as text (Postman stores some values as numbers).</summary>
    internal static string? ScalarText(JsonElement owner, string property)
    {
        if (owner.ValueKind != JsonValueKind.Object || !owner.TryGetProperty(property, out JsonElement value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => null,
        };
    }

    internal static JsonElement? OptionalObject(JsonElement owner, string property) =>
        owner.ValueKind == JsonValueKind.Object && owner.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.Object ? value : null;

    private static JsonElement Property(JsonElement owner, string property, string where) =>
        owner.TryGetProperty(property, out JsonElement value) ? value : throw new ImportException($"{where}: no '{property}'");

    private sealed record Inherited(string[] Folders, List<PostmanScript> Events, JsonElement? Auth);
}

/// <summary>One request of a collection with what it inherits.</summary>
/// <param name="Name">Folder path and name, <c>/</c>-separated (<c>API Gateway/Login</c>).</param>
/// <param name="Where">Its JSON path in the file (<c>shop.json: item[0].item[1]</c>).</param>
/// <param name="Request">The <c>request</c> value (a URL string or an object).</param>
/// <param name="Auth">The auth in effect (its own, else the nearest folder's or the collection's), or null.</param>
/// <param name="Scripts">Collection, folder and own scripts, outermost first.</param>
/// <param name="SavedResponses">The examples saved with it.</param>
public sealed record PostmanRequestItem(string Name, string Where, JsonElement Request, JsonElement? Auth, IReadOnlyList<PostmanScript> Scripts, IReadOnlyList<PostmanSavedResponse> SavedResponses);

/// <summary>A script of an <c>event</c>: <c>listen</c> is <c>prerequest</c> or <c>test</c>.</summary>
public sealed record PostmanScript(string Listen, string Source);

/// <summary>A saved example response: status code, reason, headers, body text.</summary>
public sealed record PostmanSavedResponse(int Code, string Status, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body);
