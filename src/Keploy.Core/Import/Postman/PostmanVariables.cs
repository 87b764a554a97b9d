using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Keploy.Core.Import.Postman;

/// <summary>
/// Postman's variable scopes during one import run, resolved as Postman does (narrowest first): local (<c>pm.variables.set</c>,
/// cleared after each request), environment (the <c>-e</c> file, then <c>pm.environment.set</c>), collection
/// (<c>variable</c> of the collection, then <c>pm.collectionVariables.set</c>), global (<c>pm.globals.set</c>). <c>{{name}}</c>
/// references are replaced repeatedly (a value may hold another reference, at most 10 levels); dynamic variables
/// (<c>{{$guid}}</c>, <c>{{$randomUUID}}</c>, <c>{{$timestamp}}</c>, <c>{{$isoTimestamp}}</c>, <c>{{$randomInt}}</c>) get a fresh value
/// at each use. A reference no scope defines is left as written and reported once through <see cref="Unresolved"/>.
/// Source: Postman docs, "Variables" (scopes and precedence) and "Dynamic variables".
/// </summary>
public sealed partial class PostmanVariables
{
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);

    /// <summary>Creates the scopes; <paramref name="collection"/> and <paramref name="environment"/> are copied.</summary>
    public PostmanVariables(IEnumerable<KeyValuePair<string, string>> collection, IEnumerable<KeyValuePair<string, string>> environment)
    {
        foreach (KeyValuePair<string, string> pair in collection)
        {
            Collection[pair.Key] = pair.Value;
        }

        foreach (KeyValuePair<string, string> pair in environment)
        {
            Environment[pair.Key] = pair.Value;
        }
    }

    /// <summary>The local scope (<c>pm.variables</c>); cleared by <see cref="ClearLocal"/> after each request.</summary>
    public Dictionary<string, string> Local { get; } = new(StringComparer.Ordinal);

    /// <summary>The environment scope (<c>pm.environment</c>).</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>The collection scope (<c>pm.collectionVariables</c>).</summary>
    public Dictionary<string, string> Collection { get; } = new(StringComparer.Ordinal);

    /// <summary>The global scope (<c>pm.globals</c>).</summary>
    public Dictionary<string, string> Globals { get; } = new(StringComparer.Ordinal);

    /// <summary>Called once per variable name that no scope defines (for a warning line).</summary>
    public Action<string>? Unresolved { get; set; }

    /// <summary>A scope by its <c>pm</c> name (<c>variables</c>, <c>environment</c>, <c>collectionVariables</c>, <c>globals</c>).</summary>
    /// <exception cref="ArgumentException">Unknown scope name.</exception>
    public Dictionary<string, string> Scope(string name) => name switch
    {
        "variables" => Local,
        "environment" => Environment,
        "collectionVariables" => Collection,
        "globals" => Globals,
        _ => throw new ArgumentException($"unknown Postman variable scope '{name}'", nameof(name)),
    };

    /// <summary>The value of <paramref name="name"/> in the narrowest scope that has it, or null.</summary>
    public string? Get(string name)
    {
        foreach (Dictionary<string, string> scope in new[] { Local, Environment, Collection, Globals })
        {
            if (scope.TryGetValue(name, out string? value))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>Clears the local scope (Postman keeps <c>pm.variables.set</c> for one request only).</summary>
    public void ClearLocal() => Local.Clear();

    /// <summary>Replaces every <c>{{name}}</c> in <paramref name="text"/> (<c>pm.variables.replaceIn</c>).</summary>
    public string Resolve(string text)
    {
        if (!text.Contains("{{", StringComparison.Ordinal))
        {
            return text;
        }

        string current = text;
        for (int depth = 0; depth < 10; depth++)
        {
            bool changed = false;
            string next = Reference().Replace(current, m =>
            {
                string name = m.Groups[1].Value.Trim();
                string? value = name.StartsWith('$') ? Dynamic(name) : Get(name);
                if (value is null)
                {
                    if (_reported.Add(name))
                    {
                        Unresolved?.Invoke(name);
                    }

                    return m.Value;
                }

                changed = true;
                return value;
            });
            current = next;
            if (!changed || !current.Contains("{{", StringComparison.Ordinal))
            {
                break;
            }
        }

        return current;
    }

    /// <summary>A fresh value of a dynamic variable (<c>$guid</c>, ...), or null for one this tool does not know.</summary>
    public static string? Dynamic(string name) => name switch
    {
        "$guid" or "$randomUUID" => Guid.NewGuid().ToString(),
        "$timestamp" => DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        "$isoTimestamp" => DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        "$randomInt" => Random.Shared.Next(0, 1001).ToString(CultureInfo.InvariantCulture),
        "$randomAlphaNumeric" => ((char)(Random.Shared.Next(2) == 0 ? 'a' + Random.Shared.Next(26) : '0' + Random.Shared.Next(10))).ToString(),
        "$randomEmail" => $"user{Random.Shared.Next(100000)}@example.com",
        "$randomUserName" => $"user{Random.Shared.Next(100000)}",
        _ => null,
    };

    /// <summary>Appends every variable of every scope as <c>scope.name=value</c> lines (for <c>--debug</c>).</summary>
    public override string ToString()
    {
        StringBuilder sb = new();
        foreach ((string scope, Dictionary<string, string> values) in new[] { ("local", Local), ("environment", Environment), ("collection", Collection), ("globals", Globals) })
        {
            foreach (KeyValuePair<string, string> pair in values)
            {
                sb.Append(scope).Append('.').Append(pair.Key).Append('=').Append(pair.Value).Append('\n');
            }
        }

        return sb.ToString();
    }

    [GeneratedRegex(@"\{\{([^{}]+)\}\}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Reference();
}
