using System.Text.Json;
using Keploy.Core.Protocols.Http;

namespace Keploy.Core.Import;

/// <summary>
/// One request of an import source, ready to send: the method, the absolute URL, the headers in order and the body bytes, after
/// every variable of the source was resolved.
/// </summary>
/// <param name="Name">What the source calls it (a Postman item path such as <c>API Gateway/Login</c>, or <c>curl #3</c>).</param>
/// <param name="Method">Request method, upper case.</param>
/// <param name="Url">Absolute URL (<c>http://host:port/path?query</c>).</param>
/// <param name="Headers">Headers in the source's order; names as written.</param>
/// <param name="Body">Body bytes (empty when none).</param>
public sealed record ImportedRequest(string Name, string Method, string Url, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body);

/// <summary>
/// One step of an import: builds its request when its turn comes (a Postman request may use a variable that the previous response
/// set), may carry a saved response (a Postman example), and sees the response it got (a Postman test script).
/// </summary>
public abstract class ImportStep
{
    /// <summary>What the source calls the step, for messages and the test case's <c>metadata.name</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Where the step is in its source (<c>collection.json: item[2].item[0]</c>, <c>requests.txt:4</c>), for messages.</summary>
    public abstract string Where { get; }

    /// <summary>The response the source saved with the request (a Postman example), or null.</summary>
    public virtual HttpResponseRecord? SavedResponse => null;

    /// <summary>Builds the request to send, resolving variables now.</summary>
    /// <exception cref="ImportException">The request cannot be built (unsupported body mode, no URL); the step is skipped.</exception>
    public abstract ImportedRequest Build();

    /// <summary>Called with the response the request got (or its saved response): runs the source's test scripts.</summary>
    public virtual void OnResponse(ImportedRequest sent, HttpResponseRecord response)
    {
    }
}

/// <summary>An import input that cannot be used: the message names the file and the place (JSON path, line).</summary>
public sealed class ImportException : Exception
{
    /// <summary>Creates the error; <paramref name="message"/> is one line starting with the place.</summary>
    public ImportException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with its cause.</summary>
    public ImportException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>A response as scripts see it: status code, reason, headers in order, body text, time taken in milliseconds.</summary>
public sealed record HttpResponseSnapshot(int Code, string Status, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body, long ResponseTimeMs)
{
    /// <summary>The JSON object the script prelude reads (<c>{code, status, headers: [{key, value}], body, responseTime}</c>).</summary>
    public string ToJson() => JsonSerializer.Serialize(new
    {
        code = Code,
        status = Status,
        headers = Headers.Select(h => new { key = h.Key, value = h.Value }),
        body = Body,
        responseTime = ResponseTimeMs,
    });
}
