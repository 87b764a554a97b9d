using System.Text;
using Keploy.Core.Models;
using Keploy.Core.Storage;
using YamlDotNet.Core;

namespace Keploy.Core.Protocols.Http;

/// <summary>
/// The file text of an Http test case written straight from the exchange: byte-identical to
/// <c>KeployYaml.FormatTestCase(HttpSpec.CreateTestCase(...))</c> (the same keys in Keploy's order, <c>pkg/models/http.go</c>; the
/// same scalar rules through <see cref="KeployYamlEmitter"/>), without the node tree. The recorder writes one per incoming call;
/// the issue 12 profile put building and walking the nodes at 7–10 µs of a test case's 17 µs on the writer tasks.
/// </summary>
/// <remarks>The node form (<see cref="HttpSpec.CreateTestCase"/>) stays the definition for every other writer (import, sanitize,
/// normalize); HttpTestCaseTextTests hold the two to the same bytes over the shapes the recorder meets.</remarks>
internal static class HttpTestCaseText
{
    /// <summary>Appends the whole file (header line included) to <paramref name="output"/>; returns the <c>curl</c> text written.</summary>
    /// <param name="output">Where the text goes.</param>
    /// <param name="name">The test case name (<c>test-12</c>).</param>
    /// <param name="request">The request as recorded (sanitized).</param>
    /// <param name="response">The response as recorded (sanitized).</param>
    /// <param name="noise"><c>assertions.noise</c>: path to regexes, in the order written; null for none.</param>
    /// <param name="appPort"><c>app_port</c>, or null to leave it out.</param>
    /// <param name="created"><c>created</c>, unix seconds.</param>
    public static string Write(
        StringBuilder output, string name, HttpRequestRecord request, HttpResponseRecord response,
        IEnumerable<KeyValuePair<string, List<string>>>? noise, int? appPort, long created)
    {
        KeployYamlEmitter e = new(output, KeployYaml.TestIndent);
        output.Append(KeployYaml.HeaderLine).Append('\n');
        e.Scalar(0, "version", KeployDocumentDefaults.Version);
        e.Scalar(0, "kind", "Http");
        e.Scalar(0, "name", name);
        e.BeginMapping(0, "spec");
        int spec = e.Child(0);
        e.EmptyMapping(spec, "metadata");

        int inner = e.Child(spec);
        e.BeginMapping(spec, "req");
        e.Scalar(inner, "method", request.Method);
        e.Integer(inner, "proto_major", request.ProtoMajor);
        e.Integer(inner, "proto_minor", request.ProtoMinor);
        e.Scalar(inner, "url", request.Url);
        if (request.UrlParams is { Count: > 0 })
        {
            StringMap(e, inner, "url_params", request.UrlParams);
        }

        StringMap(e, inner, "header", request.Header);
        Body(e, inner, request.Body);
        e.Scalar(inner, "timestamp", KeployTime.Format(request.Timestamp), ScalarStyle.Plain);

        e.BeginMapping(spec, "resp");
        e.Integer(inner, "status_code", response.StatusCode);
        StringMap(e, inner, "header", response.Header);
        Body(e, inner, response.Body);
        e.Scalar(inner, "status_message", response.StatusMessage, HttpSpec.StrStyle(response.StatusMessage));
        e.Integer(inner, "proto_major", response.ProtoMajor);
        e.Integer(inner, "proto_minor", response.ProtoMinor);
        e.Scalar(inner, "timestamp", KeployTime.Format(response.Timestamp), ScalarStyle.Plain);

        e.EmptySequence(spec, "objects");
        e.BeginMapping(spec, "assertions");
        bool anyNoise = false;
        foreach (KeyValuePair<string, List<string>> pair in noise ?? [])
        {
            if (!anyNoise)
            {
                e.BeginMapping(inner, "noise");
                anyNoise = true;
            }

            e.FlowStrings(e.Child(inner), pair.Key, pair.Value);
        }

        if (!anyNoise)
        {
            e.EmptyMapping(inner, "noise");
        }

        e.Integer(spec, "created", created);
        if (appPort is not null)
        {
            e.Integer(spec, "app_port", appPort.Value);
        }

        string curl = HttpSpec.MakeCurl(request);
        e.Scalar(0, "curl", curl);
        return curl;
    }

    // A map[string]string sorted by key (HttpSpec.WriteStringMap), values styled as HttpSpec.Str.
    private static void StringMap(KeployYamlEmitter e, int column, string key, Dictionary<string, string> map)
    {
        if (map.Count == 0)
        {
            e.EmptyMapping(column, key);
            return;
        }

        KeyValuePair<string, string>[] sorted = [.. map];
        if (sorted.Length > 1)
        {
            Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        }

        e.BeginMapping(column, key);
        int child = e.Child(column);
        foreach (KeyValuePair<string, string> pair in sorted)
        {
            e.Scalar(child, pair.Key, pair.Value, HttpSpec.StrStyle(pair.Value));
        }
    }

    // HttpSpec.WriteBody: base64 under !!binary, else the text styled as HttpSpec.Str.
    private static void Body(KeployYamlEmitter e, int column, HttpBody body)
    {
        if (body.IsBinary)
        {
            e.Scalar(column, "body", Convert.ToBase64String(body.Bytes), ScalarStyle.Any, HttpSpec.BinaryTag);
            return;
        }

        string text = body.Text;
        e.Scalar(column, "body", text, HttpSpec.StrStyle(text));
    }
}
