using System.Text.Json;
using Keploy.Core.Protocols.Http;

namespace Keploy.Core.Replay.Comparison;

/// <summary>
/// Record-time default noise (Keploy <c>pkg/platform/yaml/testdb/util.go</c> <c>EncodeTestcase</c>): response headers and the JSON
/// body are flattened, and every value that looks like a time (<see cref="TimeValue.IsTime"/>) becomes a noise entry
/// <c>header.&lt;Name&gt;: []</c> or <c>body.&lt;path&gt;: []</c> (dot-joined object keys, array indices left out). The result is
/// what a recorder writes to <c>spec.assertions.noise</c>, so every ASP.NET response gets <c>header.Date</c>.
/// </summary>
public static class AutoNoise
{
    /// <summary>Finds the time-valued fields of a recorded response.</summary>
    /// <param name="response">The recorded response.</param>
    /// <param name="now">Reference time for epoch numbers (default: now; give the record time to be exact).</param>
    /// <returns>Noise keys to empty regex lists, ordinal-sorted by key (the order yaml.v3 writes a map in).</returns>
    public static SortedDictionary<string, List<string>> Detect(HttpResponseRecord response, DateTimeOffset? now = null)
    {
        SortedDictionary<string, List<string>> noise = new(StringComparer.Ordinal);
        foreach ((string name, string value) in response.Header)
        {
            if (TimeValue.IsTime(value, now))
            {
                noise["header." + name] = new List<string>();
            }
        }

        if (response.Body.IsBinary || response.Body.Bytes.Length == 0)
        {
            return noise;
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(response.Body.Bytes);
        }
        catch (JsonException)
        {
            return noise;
        }

        using (doc)
        {
            Walk(doc.RootElement, "body", noise, now);
        }

        return noise;
    }

    private static void Walk(JsonElement element, string path, SortedDictionary<string, List<string>> noise, DateTimeOffset? now)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (JsonProperty p in element.EnumerateObject())
                {
                    // Scalars are checked before their path is built: most values are not times.
                    JsonElement value = p.Value;
                    switch (value.ValueKind)
                    {
                        case JsonValueKind.Object or JsonValueKind.Array:
                            Walk(value, path + "." + p.Name, noise, now);
                            break;
                        case JsonValueKind.String or JsonValueKind.Number:
                            if (IsTimeScalar(value, now))
                            {
                                noise[path + "." + p.Name] = new List<string>();
                            }

                            break;
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (JsonElement item in element.EnumerateArray())
                {
                    Walk(item, path, noise, now);
                }

                break;
            case JsonValueKind.String or JsonValueKind.Number:
                if (path != "body" && IsTimeScalar(element, now))
                {
                    noise[path] = new List<string>();
                }

                break;
        }
    }

    private static bool IsTimeScalar(JsonElement element, DateTimeOffset? now) =>
        element.ValueKind == JsonValueKind.String ? TimeValue.IsTime(element.GetString(), now) : TimeValue.IsTime(element.GetRawText(), now);
}
