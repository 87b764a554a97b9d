using System.Text;
using System.Text.Json;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Sanitize;
using Keploy.Core.Storage;

namespace Keploy.Core.Import.Postman;

/// <summary>
/// <c>export postman</c>: writes a test-set's Http test cases as a Postman v2.1 collection, one request per test case in test order,
/// with the recorded response as the request's saved example (so <c>import postman</c> of the file gives the same test cases back
/// without an app). The recorded origin becomes the collection variable <c>base_url</c>; a secret placeholder
/// <c>{{string .secret.Key }}</c> becomes the Postman variable <c>{{Key}}</c> with an empty value, so no secret is exported.
/// Other kinds of test case (gRPC) are left out and counted. Source: Postman collection schema v2.1.
/// </summary>
public static class PostmanExporter
{
    /// <summary>The schema URL written in <c>info.schema</c>.</summary>
    public const string SchemaV21 = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json";

    /// <summary>Builds the collection of <paramref name="testSetId"/>.</summary>
    /// <returns>The JSON text, and how many test cases were exported and left out.</returns>
    /// <exception cref="KeployFormatException">A test case file is malformed (file:line:column).</exception>
    public static (string Json, int Exported, int LeftOut) Export(TestSetStore store, string testSetId)
    {
        List<(TestCase Test, HttpTestCaseSpec Spec)> tests = new();
        int leftOut = 0;
        foreach (TestCase test in store.ReadTestCases(testSetId))
        {
            if (test.Kind == "Http")
            {
                tests.Add((test, HttpSpec.FromTestCase(test)));
            }
            else
            {
                leftOut++;
            }
        }

        string? origin = tests.Select(t => Origin(t.Spec.Request.Url)).GroupBy(o => o).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault();
        SortedSet<string> secrets = new(StringComparer.Ordinal);
        using MemoryStream stream = new();
        using (Utf8JsonWriter json = new(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("info");
            json.WriteString("name", $"{Path.GetFileName(store.RootPath.TrimEnd('/'))} {testSetId}".Trim());
            json.WriteString("description", $"Exported by keploy for .NET from keploy/{testSetId}");
            json.WriteString("schema", SchemaV21);
            json.WriteEndObject();
            json.WriteStartArray("item");
            foreach ((TestCase test, HttpTestCaseSpec spec) in tests)
            {
                WriteItem(json, test, spec, origin, secrets);
            }

            json.WriteEndArray();
            json.WriteStartArray("variable");
            if (origin is not null)
            {
                WriteKeyValue(json, "base_url", origin);
            }

            foreach (string secret in secrets)
            {
                WriteKeyValue(json, secret, "");
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return (Encoding.UTF8.GetString(stream.ToArray()) + "\n", tests.Count, leftOut);
    }

    private static void WriteItem(Utf8JsonWriter json, TestCase test, HttpTestCaseSpec spec, string? origin, SortedSet<string> secrets)
    {
        HttpRequestRecord request = spec.Request;
        string Variables(string text)
        {
            foreach (string key in SecretTemplate.Keys(text))
            {
                secrets.Add(key);
            }

            return SecretTemplate.Render(text, key => "{{" + key + "}}");
        }

        string url = Variables(request.Url);
        string raw = origin is not null && Origin(url) == origin ? "{{base_url}}" + url[origin.Length..] : url;
        json.WriteStartObject();
        json.WriteString("name", test.Name);
        json.WriteStartObject("request");
        json.WriteString("method", request.Method);
        json.WriteStartArray("header");
        foreach (KeyValuePair<string, string> h in request.Header.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            if (!h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && !h.Key.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                WriteKeyValue(json, h.Key, Variables(h.Value));
            }
        }

        json.WriteEndArray();
        json.WriteStartObject("url");
        json.WriteString("raw", raw);
        json.WriteEndObject();
        if (request.Body.Bytes.Length > 0)
        {
            json.WriteStartObject("body");
            json.WriteString("mode", "raw");
            json.WriteString("raw", Variables(request.Body.Text));
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteStartArray("response");
        json.WriteStartObject();
        json.WriteString("name", $"recorded {test.Name}");
        json.WriteNumber("code", spec.Response.StatusCode);
        json.WriteString("status", spec.Response.StatusMessage);
        json.WriteStartArray("header");
        foreach (KeyValuePair<string, string> h in spec.Response.Header.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            WriteKeyValue(json, h.Key, Variables(h.Value));
        }

        json.WriteEndArray();
        json.WriteString("body", Variables(spec.Response.Body.Text));
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteKeyValue(Utf8JsonWriter json, string key, string value)
    {
        json.WriteStartObject();
        json.WriteString("key", key);
        json.WriteString("value", value);
        json.WriteEndObject();
    }

    private static string Origin(string url)
    {
        int scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return "";
        }

        int path = url.IndexOf('/', scheme + 3);
        return path < 0 ? url : url[..path];
    }
}
