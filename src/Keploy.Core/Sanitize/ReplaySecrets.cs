using System.Text.Json;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Storage;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Sanitize;

/// <summary>
/// The replay side of sanitizing, for one test-set. Values come from the set's <c>secret.yaml</c>, and for keys it does not hold
/// (or when it is absent, as in CI) from <c>KEPLOY_SECRET_&lt;KEY&gt;</c> environment variables (<see cref="SecretTemplate.EnvironmentVariable"/>).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Requests sent to the app carry the real values (<see cref="Render(HttpRequestRecord)"/>).</item>
/// <item>Mocks get the real values before matching (<see cref="RenderMocks"/>): matching sees the recorded value, and responses served
/// to the app carry it.</item>
/// <item>A placeholder in an expected response (a login's JWT, a <c>Set-Cookie</c>) marks that field as noise
/// (<see cref="Noise"/>): the app issues a new token at every run, so the field must be present but its value is not compared.</item>
/// <item>What goes into reports and messages is masked (<see cref="Masker"/>): the app's response with secrets replaced by
/// placeholders, free text with every known value and credential-shaped substring replaced.</item>
/// </list>
/// </remarks>
public sealed class ReplaySecrets
{
    private readonly SecretStore? _file;
    private readonly Func<string, string?> _environment;
    private readonly string _secretPath;

    private ReplaySecrets(SecretStore? file, Func<string, string?> environment, string secretPath)
    {
        _file = file;
        _environment = environment;
        _secretPath = secretPath;
        Masker = new Sanitizer(new SecretStore()) { KeyPrefix = "Replay" };
        foreach (KeyValuePair<string, string> pair in file?.Entries ?? [])
        {
            Masker.Store.KeyFor(pair.Key, pair.Value);
        }
    }

    /// <summary>Masks live traffic for reports; knows every value resolved so far.</summary>
    public Sanitizer Masker { get; }

    /// <summary>Loads the secrets of a test-set.</summary>
    /// <param name="store">The keploy folder.</param>
    /// <param name="testSetId">The test-set.</param>
    /// <param name="environment">Reads an environment variable (default <see cref="Environment.GetEnvironmentVariable(string)"/>).</param>
    /// <exception cref="KeployFormatException">secret.yaml is malformed.</exception>
    public static ReplaySecrets Load(TestSetStore store, string testSetId, Func<string, string?>? environment = null)
    {
        string path = SecretStore.PathFor(store, testSetId);
        SecretStore? file = File.Exists(path) ? SecretStore.Open(path) : null;
        return new ReplaySecrets(file, environment ?? Environment.GetEnvironmentVariable, path);
    }

    /// <summary>The value of <paramref name="key"/>: secret.yaml, else <c>KEPLOY_SECRET_&lt;KEY&gt;</c>, else null.</summary>
    public string? Resolve(string key)
    {
        string? value = _file?.Get(key) ?? _environment(SecretTemplate.EnvironmentVariable(key)) ?? _environment("KEPLOY_SECRET_" + key);
        if (value is not null && Masker.Store.KeyOf(value) is null)
        {
            Masker.Store.KeyFor(key, value);
        }

        return value;
    }

    /// <summary>
    /// The keys the replay needs (placeholders in test requests and anywhere in mocks) that cannot be resolved; empty when all can.
    /// Expected responses are not counted: their placeholders are noise.
    /// </summary>
    public IReadOnlyList<string> Missing(IEnumerable<TestCase> tests, IEnumerable<Mock> mocks)
    {
        SortedSet<string> missing = new(StringComparer.Ordinal);
        IEnumerable<YamlNode> roots = tests.Select(t => YamlNodes.Get(t.Spec, "req")).Where(n => n is not null).Select(n => n!)
            .Concat(mocks.Where(m => m.IsSpecLoaded).Select(m => (YamlNode)m.Spec)); // a deferred spec holds no placeholder (MockCompaction)
        foreach (YamlNode root in roots)
        {
            foreach (YamlScalarNode scalar in Scalars(root))
            {
                foreach (string key in SecretTemplate.Keys(scalar.Value))
                {
                    if (Resolve(key) is null)
                    {
                        missing.Add(key);
                    }
                }
            }
        }

        return missing.ToList();
    }

    /// <summary>One line naming what is missing and where the values can come from.</summary>
    public string MissingMessage(string testSetId, IReadOnlyList<string> missing)
    {
        string source = _file is null ? $"{_secretPath} is absent" : $"{_secretPath} does not hold {(missing.Count == 1 ? "it" : "them")}";
        return $"{testSetId} needs secret(s) {string.Join(", ", missing)}: {source}; set {string.Join(", ", missing.Select(SecretTemplate.EnvironmentVariable))}";
    }

    /// <summary>A copy of the recorded request with every placeholder replaced by its value (the same object when it has none).</summary>
    public HttpRequestRecord Render(HttpRequestRecord request)
    {
        bool any = SecretTemplate.ContainsPlaceholder(request.Url) || request.Header.Values.Any(SecretTemplate.ContainsPlaceholder)
            || (!request.Body.IsBinary && SecretTemplate.ContainsPlaceholder(request.Body.Text));
        if (!any)
        {
            return request;
        }

        Dictionary<string, string> header = new(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, string> pair in request.Header)
        {
            header[pair.Key] = Render(pair.Value);
        }

        return new HttpRequestRecord
        {
            Method = request.Method,
            ProtoMajor = request.ProtoMajor,
            ProtoMinor = request.ProtoMinor,
            Url = Render(request.Url),
            Header = header,
            Body = request.Body.IsBinary ? request.Body : HttpBody.FromText(Render(request.Body.Text)),
            UrlParams = request.UrlParams?.ToDictionary(p => p.Key, p => Render(p.Value), StringComparer.Ordinal),
            Timestamp = request.Timestamp,
        };
    }

    /// <summary>Replaces placeholders in every scalar of every mock's spec, in place, before the mocks are matched.</summary>
    public void RenderMocks(IEnumerable<Mock> mocks)
    {
        foreach (Mock mock in mocks.Where(m => m.IsSpecLoaded)) // a deferred spec holds no placeholder (MockCompaction)
        {
            foreach (YamlScalarNode scalar in Scalars(mock.Spec))
            {
                if (SecretTemplate.ContainsPlaceholder(scalar.Value))
                {
                    scalar.Value = Render(scalar.Value!);
                }
            }
        }
    }

    /// <summary>
    /// <paramref name="noise"/> plus one entry per expected-response field holding a placeholder: <c>header.&lt;Name&gt;</c>, or
    /// <c>body.&lt;dotted.path&gt;</c> for JSON (array indices left out, as in Keploy's noise paths); each means "any value".
    /// </summary>
    public static Dictionary<string, List<string>> Noise(HttpResponseRecord expected, Dictionary<string, List<string>> noise)
    {
        Dictionary<string, List<string>> result = new(noise, StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> pair in expected.Header)
        {
            if (SecretTemplate.ContainsPlaceholder(pair.Value))
            {
                result["header." + pair.Key] = new List<string>();
            }
        }

        if (!expected.Body.IsBinary && SecretTemplate.ContainsPlaceholder(expected.Body.Text))
        {
            try
            {
                using JsonDocument doc = JsonDocument.Parse(expected.Body.Bytes);
                foreach (string path in PlaceholderPaths(doc.RootElement, ""))
                {
                    result[path.Length == 0 ? "body" : "body." + path] = new List<string>();
                }
            }
            catch (JsonException)
            {
                // A text body: compared only with --compare-all; the app's live value is masked before comparing.
            }
        }

        return result;
    }

    private string Render(string text) => SecretTemplate.Render(text, Resolve);

    private static IEnumerable<string> PlaceholderPaths(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (JsonProperty p in element.EnumerateObject())
                {
                    foreach (string s in PlaceholderPaths(p.Value, path.Length == 0 ? p.Name : path + "." + p.Name))
                    {
                        yield return s;
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (JsonElement item in element.EnumerateArray())
                {
                    foreach (string s in PlaceholderPaths(item, path))
                    {
                        yield return s;
                    }
                }

                break;
            case JsonValueKind.String:
                if (SecretTemplate.ContainsPlaceholder(element.GetString()))
                {
                    yield return path;
                }

                break;
        }
    }

    /// <summary>Every scalar under <paramref name="node"/> (itself included), depth first.</summary>
    internal static IEnumerable<YamlScalarNode> Scalars(YamlNode node)
    {
        Stack<YamlNode> stack = new();
        stack.Push(node);
        while (stack.Count > 0)
        {
            switch (stack.Pop())
            {
                case YamlScalarNode s:
                    yield return s;
                    break;
                case YamlMappingNode m:
                    foreach (KeyValuePair<YamlNode, YamlNode> pair in m.Children)
                    {
                        stack.Push(pair.Value);
                    }

                    break;
                case YamlSequenceNode seq:
                    foreach (YamlNode child in seq.Children)
                    {
                        stack.Push(child);
                    }

                    break;
            }
        }
    }
}
