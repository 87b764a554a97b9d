using System.Buffers;
using System.Text.RegularExpressions;

namespace Keploy.Core.Sanitize;

/// <summary>
/// Decides what is a secret: a field whose name is on a kept list (headers, cookies, query parameters, JSON keys, form fields), or a
/// value that has the shape of a credential wherever it appears (JWTs, <c>Bearer</c>/<c>Basic</c> credentials, AWS access key ids,
/// GitHub, Slack, Stripe and Google API keys, PEM private keys). The shapes follow the public gitleaks rules Keploy's
/// <c>sanitize</c> uses, reduced to the ones that have no false positives on ordinary API traffic.
/// </summary>
public static partial class SecretDetector
{
    // Compared after lower-casing and removing '-' and '_' (X-Api-Key, x_api_key and xApiKey are one name).
    private static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "authorization", "proxyauthorization", "cookie", "setcookie", "xapikey", "apikey", "xapitoken", "xauthtoken", "xaccesstoken",
        "authtoken", "accesstoken", "refreshtoken", "idtoken", "token", "sessiontoken", "xamzsecuritytoken", "xsessiontoken", "xcsrftoken",
        "csrftoken", "xxsrftoken", "password", "passwd", "pwd", "passphrase", "secret", "clientsecret", "apisecret", "secretkey",
        "privatekey", "accesskey", "secretaccesskey", "awssecretaccesskey", "credentials", "credential", "sessionid", "sid", "jwt",
        "bearer", "otp", "xgoogapikey", "ocpapimsubscriptionkey", "xfunctionskey",
    };

    // A name that ends with one of these is a secret too (github_token, db_password, stripeSecret, openai_api_key).
    private static readonly string[] Suffixes = ["token", "password", "passwd", "secret", "apikey", "secretkey", "privatekey", "accesskey"];

    private static readonly (string Rule, Regex Pattern)[] Shapes =
    [
        ("Jwt", JwtRegex()),
        ("BearerToken", BearerRegex()),
        ("BasicAuth", BasicRegex()),
        ("AwsAccessKey", AwsRegex()),
        ("GithubToken", GithubRegex()),
        ("SlackToken", SlackRegex()),
        ("StripeKey", StripeRegex()),
        ("GoogleApiKey", GoogleRegex()),
        ("PrivateKey", PrivateKeyRegex()),
    ];

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> NamesBySpan = Names.GetAlternateLookup<ReadOnlySpan<char>>();

    // Every shape's regex needs one of these literals (compared ignoring case, so a superset): a value with none of them is
    // not scanned by the nine regexes at all (one vectorised search instead; most values on ordinary traffic have none).
    private static readonly SearchValues<string> ShapeAnchors = SearchValues.Create(
        ["eyJ", "bearer", "basic", "AKIA", "ASIA", "ABIA", "ACCA", "A3T", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "xox",
         "sk_", "rk_", "AIza", "-----BEGIN"],
        StringComparison.OrdinalIgnoreCase);

    /// <summary>True when a header, cookie, query parameter, JSON key or form field with this name holds a secret.</summary>
    public static bool IsSecretName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }

        Span<char> buffer = name.Length <= 256 ? stackalloc char[name.Length] : new char[name.Length];
        ReadOnlySpan<char> n = Normalize(name, buffer);
        if (NamesBySpan.Contains(n))
        {
            return true;
        }

        foreach (string suffix in Suffixes)
        {
            if (n.Length > suffix.Length && n.EndsWith(suffix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The rule name (<c>Jwt</c>, <c>AwsAccessKey</c>, ...) of the first credential shape found in <paramref name="value"/>, or null.</summary>
    public static string? FindShape(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length < 8 || value.AsSpan().IndexOfAny(ShapeAnchors) < 0)
        {
            return null;
        }

        foreach ((string rule, Regex pattern) in Shapes)
        {
            if (pattern.IsMatch(value))
            {
                return rule;
            }
        }

        return null;
    }

    /// <summary>Every credential-shaped substring of <paramref name="text"/> (for free text bodies): start, length and rule name.</summary>
    public static IEnumerable<(int Index, int Length, string Rule)> FindShapes(string text)
    {
        List<(int Index, int Length, string Rule)> found = new();
        if (text.AsSpan().IndexOfAny(ShapeAnchors) < 0)
        {
            return found;
        }

        foreach ((string rule, Regex pattern) in Shapes)
        {
            foreach (Match m in pattern.Matches(text))
            {
                if (!found.Any(f => m.Index < f.Index + f.Length && f.Index < m.Index + m.Length))
                {
                    found.Add((m.Index, m.Length, rule));
                }
            }
        }

        return found.OrderBy(f => f.Index);
    }

    private static ReadOnlySpan<char> Normalize(string name, Span<char> buffer)
    {
        int n = 0;
        foreach (char c in name)
        {
            if (c is not ('-' or '_' or '.' or ' '))
            {
                buffer[n++] = char.ToLowerInvariant(c);
            }
        }

        return buffer[..n];
    }

    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*", RegexOptions.CultureInvariant)]
    private static partial Regex JwtRegex();

    [GeneratedRegex(@"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{8,}", RegexOptions.CultureInvariant)]
    private static partial Regex BearerRegex();

    [GeneratedRegex(@"(?i)\bbasic\s+[A-Za-z0-9+/]{8,}={0,2}", RegexOptions.CultureInvariant)]
    private static partial Regex BasicRegex();

    [GeneratedRegex(@"\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}\b", RegexOptions.CultureInvariant)]
    private static partial Regex AwsRegex();

    [GeneratedRegex(@"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})", RegexOptions.CultureInvariant)]
    private static partial Regex GithubRegex();

    [GeneratedRegex(@"\bxox[abposr]-[A-Za-z0-9-]{10,}", RegexOptions.CultureInvariant)]
    private static partial Regex SlackRegex();

    [GeneratedRegex(@"\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}", RegexOptions.CultureInvariant)]
    private static partial Regex StripeRegex();

    [GeneratedRegex(@"\bAIza[0-9A-Za-z_-]{35}", RegexOptions.CultureInvariant)]
    private static partial Regex GoogleRegex();

    [GeneratedRegex(@"-----BEGIN[A-Z ]* PRIVATE KEY-----[\s\S]*?(?:-----END[A-Z ]* PRIVATE KEY-----|$)", RegexOptions.CultureInvariant)]
    private static partial Regex PrivateKeyRegex();
}
