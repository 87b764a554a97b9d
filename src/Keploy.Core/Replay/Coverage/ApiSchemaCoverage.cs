using System.Text.RegularExpressions;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Keploy.Core.Replay.Coverage;

/// <summary>One operation of an OpenAPI document: upper-case method and path template (<c>GET /items/{id}</c>).</summary>
/// <param name="Method">HTTP method, upper case.</param>
/// <param name="Path">Path template as written under <c>paths</c>.</param>
public sealed record ApiOperation(string Method, string Path)
{
    /// <inheritdoc />
    public override string ToString() => Method + " " + Path;
}

/// <summary>Which operations of the app's OpenAPI document the replayed tests exercised.</summary>
/// <param name="Source">Where the document came from (file path or URL).</param>
/// <param name="Operations">Every operation of the document, in document order, with the number of tests that exercised it.</param>
public sealed record ApiSchemaCoverageResult(string Source, IReadOnlyList<(ApiOperation Operation, int Tests)> Operations)
{
    /// <summary>Operations at least one test exercised.</summary>
    public int Tested => Operations.Count(o => o.Tests > 0);

    /// <summary>Operations no test exercised, in document order.</summary>
    public IReadOnlyList<ApiOperation> Untested => Operations.Where(o => o.Tests == 0).Select(o => o.Operation).ToList();

    /// <summary>Tested operations in percent (100 for a document without operations).</summary>
    public double Percent => CoberturaReport.Percent(Tested, Operations.Count);
}

/// <summary>
/// API schema coverage: the operations of an OpenAPI 2.0/3.x document (read with Microsoft.OpenApi, JSON or YAML) matched against
/// the method and URL path of each recorded request. A path template matches when every segment matches: literal text exactly
/// (case-sensitive, as routes are compared by the OpenAPI spec), <c>{param}</c> any non-empty text without <c>/</c>
/// (OpenAPI 3.1 §4.8.8 "Path Templating"); the path of the document's server URL (<c>servers[0].url</c>, e.g. <c>/api</c>) is
/// removed from request paths first. A trailing <c>/</c> is ignored.
/// </summary>
public static class ApiSchemaCoverage
{
    /// <summary>Where apps usually serve their document: ASP.NET Core's <c>MapOpenApi()</c>, then Swashbuckle's default.</summary>
    public static readonly IReadOnlyList<string> WellKnownPaths = ["/openapi/v1.json", "/swagger/v1/swagger.json"];

    /// <summary>
    /// Reads an OpenAPI document. Throws <see cref="CoverageException"/> naming <paramref name="source"/> and the first error
    /// (with its JSON pointer) when the document cannot be read or has no <c>paths</c>.
    /// </summary>
    public static async Task<OpenApiDocument> LoadAsync(Stream stream, string source, CancellationToken cancellationToken)
    {
        OpenApiReaderSettings settings = new();
        settings.AddYamlReader();
        MemoryStream buffer = new();
        await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        buffer.Position = 0;
        string format = LooksLikeJson(buffer) ? "json" : "yaml";
        ReadResult read;
        try
        {
            read = await OpenApiDocument.LoadAsync(buffer, format, settings, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OpenApiException or System.Text.Json.JsonException or FormatException or InvalidOperationException)
        {
            throw new CoverageException($"{source}: not an OpenAPI document: {e.Message.Split('\n')[0]}", e);
        }

        if (read.Document is null || read.Diagnostic?.Errors.Count > 0 && read.Document.Paths is not { Count: > 0 })
        {
            OpenApiError? first = read.Diagnostic?.Errors.FirstOrDefault();
            throw new CoverageException($"{source}: not an OpenAPI document{(first is null ? "" : $": {first.Pointer} {first.Message}")}");
        }

        return read.Document;
    }

    /// <summary>Reads the document at <paramref name="path"/> (see <see cref="LoadAsync(Stream, string, CancellationToken)"/>).</summary>
    public static async Task<OpenApiDocument> LoadFileAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await using FileStream stream = File.OpenRead(path);
            return await LoadAsync(stream, path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CoverageException($"{path}: cannot read the OpenAPI document: {e.Message}", e);
        }
    }

    /// <summary>
    /// Fetches the running app's document from the first of <see cref="WellKnownPaths"/> under <paramref name="appBase"/> that
    /// answers 2xx with a readable document; null when none does.
    /// </summary>
    public static async Task<(OpenApiDocument Document, string Source)?> FetchAsync(Uri appBase, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using HttpClient http = new() { Timeout = timeout };
        foreach (string path in WellKnownPaths)
        {
            Uri url = new(appBase, path);
            try
            {
                using HttpResponseMessage response = await http.GetAsync(url, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    continue;
                }

                await using Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                return (await LoadAsync(body, url.ToString(), cancellationToken).ConfigureAwait(false), url.ToString());
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or CoverageException && !cancellationToken.IsCancellationRequested)
            {
            }
        }

        return null;
    }

    /// <summary>The operations of <paramref name="document"/> with, for each, the number of <paramref name="requests"/> it matches.</summary>
    /// <param name="document">The app's OpenAPI document.</param>
    /// <param name="source">Where it came from, for the report.</param>
    /// <param name="requests">Method and absolute (or path-only) URL of each replayed test's request.</param>
    public static ApiSchemaCoverageResult Compute(OpenApiDocument document, string source, IEnumerable<(string Method, string Url)> requests)
    {
        List<(ApiOperation Operation, Regex Pattern)> operations = new();
        foreach ((string template, IOpenApiPathItem item) in document.Paths ?? new OpenApiPaths())
        {
            foreach (HttpMethod method in item.Operations?.Keys ?? Enumerable.Empty<HttpMethod>())
            {
                operations.Add((new ApiOperation(method.Method.ToUpperInvariant(), template), Pattern(template)));
            }
        }

        string basePath = BasePath(document);
        int[] counts = new int[operations.Count];
        foreach ((string method, string url) in requests)
        {
            string path = RequestPath(url);
            if (basePath.Length > 0 && path.StartsWith(basePath, StringComparison.Ordinal) && (path.Length == basePath.Length || path[basePath.Length] == '/'))
            {
                path = path[basePath.Length..];
            }

            path = path.Length > 1 ? path.TrimEnd('/') : path;
            path = path.Length == 0 ? "/" : path;

            // Literal templates win over parameterised ones (/items/new before /items/{id}), as ASP.NET Core routing does.
            int best = -1;
            for (int i = 0; i < operations.Count; i++)
            {
                if (string.Equals(operations[i].Operation.Method, method, StringComparison.OrdinalIgnoreCase) && operations[i].Pattern.IsMatch(path)
                    && (best < 0 || Parameters(operations[i].Operation.Path) < Parameters(operations[best].Operation.Path)))
                {
                    best = i;
                }
            }

            if (best >= 0)
            {
                counts[best]++;
            }
        }

        return new ApiSchemaCoverageResult(source, operations.Select((o, i) => (o.Operation, counts[i])).ToList());
    }

    private static int Parameters(string template) => template.Count(c => c == '{');

    private static Regex Pattern(string template)
    {
        string trimmed = template.Length > 1 ? template.TrimEnd('/') : template;
        string pattern = "^" + Regex.Replace(Regex.Escape(trimmed), @"\\\{[^/]*?}", "[^/]+") + "$";
        return new Regex(pattern, RegexOptions.CultureInvariant);
    }

    private static string BasePath(OpenApiDocument document)
    {
        string? url = document.Servers?.FirstOrDefault()?.Url;
        if (string.IsNullOrEmpty(url))
        {
            return "";
        }

        string path = Uri.TryCreate(url, UriKind.Absolute, out Uri? absolute) ? absolute.AbsolutePath : url.Split('?')[0];
        return path.TrimEnd('/');
    }

    private static string RequestPath(string url)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out Uri? absolute) && absolute.Scheme is "http" or "https")
        {
            return absolute.AbsolutePath;
        }

        int cut = url.IndexOfAny(['?', '#']);
        return cut < 0 ? url : url[..cut];
    }

    private static bool LooksLikeJson(MemoryStream buffer)
    {
        ReadOnlySpan<byte> bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        foreach (byte b in bytes)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF)
            {
                continue;
            }

            return b is (byte)'{' or (byte)'[';
        }

        return false;
    }
}
