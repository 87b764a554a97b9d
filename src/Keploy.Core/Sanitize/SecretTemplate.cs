using System.Text;
using System.Text.RegularExpressions;

namespace Keploy.Core.Sanitize;

/// <summary>
/// Keploy's secret placeholders: <c>{{string .secret.&lt;Key&gt; }}</c>, the Go-template form Keploy's <c>sanitize</c> writes
/// (<c>pkg/service/tools/sanitize.go</c>) and its replay renders from the test-set's <c>secret.yaml</c>. Keys are letters, digits and
/// underscores (<c>Authorization</c>, <c>XApiKey_2</c>, <c>Test2_Authorization</c>).
/// </summary>
public static partial class SecretTemplate
{
    /// <summary>The placeholder for <paramref name="key"/>: <c>{{string .secret.Key }}</c>.</summary>
    public static string Placeholder(string key) => "{{string .secret." + key + " }}";

    /// <summary>True when <paramref name="text"/> holds at least one placeholder.</summary>
    public static bool ContainsPlaceholder(string? text) => text is not null && text.Contains("{{", StringComparison.Ordinal) && PlaceholderRegex().IsMatch(text);

    /// <summary>The keys named by the placeholders in <paramref name="text"/>, in order (repeats included).</summary>
    public static IEnumerable<string> Keys(string? text)
    {
        if (text is null || !text.Contains("{{", StringComparison.Ordinal))
        {
            yield break;
        }

        foreach (Match m in PlaceholderRegex().Matches(text))
        {
            yield return m.Groups[1].Value;
        }
    }

    /// <summary>
    /// Replaces each placeholder in <paramref name="text"/> with <paramref name="resolve"/>(key); a placeholder whose key resolves to
    /// null is left as written.
    /// </summary>
    public static string Render(string text, Func<string, string?> resolve)
    {
        if (!text.Contains("{{", StringComparison.Ordinal))
        {
            return text;
        }

        return PlaceholderRegex().Replace(text, m => resolve(m.Groups[1].Value) ?? m.Value);
    }

    /// <summary>
    /// The environment variable that supplies <paramref name="key"/> when <c>secret.yaml</c> is absent: <c>KEPLOY_SECRET_</c> plus the
    /// key in upper snake case (<c>XApiKey</c> → <c>KEPLOY_SECRET_X_API_KEY</c>, <c>Authorization_2</c> → <c>KEPLOY_SECRET_AUTHORIZATION_2</c>).
    /// </summary>
    public static string EnvironmentVariable(string key)
    {
        StringBuilder sb = new("KEPLOY_SECRET_");
        for (int i = 0; i < key.Length; i++)
        {
            char c = key[i];
            if (!char.IsAsciiLetterOrDigit(c))
            {
                if (sb[^1] != '_')
                {
                    sb.Append('_');
                }

                continue;
            }

            if (char.IsAsciiLetterUpper(c) && i > 0 && sb[^1] != '_')
            {
                char prev = key[i - 1];
                bool nextLower = i + 1 < key.Length && char.IsAsciiLetterLower(key[i + 1]);
                if (char.IsAsciiLetterLower(prev) || char.IsAsciiDigit(prev) || (char.IsAsciiLetterUpper(prev) && nextLower))
                {
                    sb.Append('_');
                }
            }

            sb.Append(char.ToUpperInvariant(c));
        }

        return sb.ToString();
    }

    /// <summary>
    /// A key made from a field name the way Keploy's <c>keyToSecretKey</c> does: split on non-alphanumerics and lower→upper changes,
    /// each part title-cased and joined (<c>x-api-key</c> → <c>XApiKey</c>, <c>client_secret</c> → <c>ClientSecret</c>); <c>Secret</c> when nothing is left.
    /// </summary>
    public static string KeyFromField(string field)
    {
        StringBuilder key = new();
        StringBuilder part = new();
        bool lastLower = false;
        void Flush()
        {
            if (part.Length > 0)
            {
                key.Append(char.ToUpperInvariant(part[0])).Append(part.ToString(1, part.Length - 1).ToLowerInvariant());
                part.Clear();
            }
        }

        foreach (char c in field)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                Flush();
                lastLower = false;
                continue;
            }

            if (char.IsAsciiLetterUpper(c) && lastLower)
            {
                Flush();
            }

            part.Append(c);
            lastLower = char.IsAsciiLetterLower(c);
        }

        Flush();
        return key.Length == 0 ? "Secret" : key.ToString();
    }

    [GeneratedRegex(@"\{\{\s*string\s+\.secret\.([A-Za-z0-9_]+)\s*\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex PlaceholderRegex();
}
