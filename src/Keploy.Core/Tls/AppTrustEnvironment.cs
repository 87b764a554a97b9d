using System.Security.Cryptography;
using System.Text;

namespace Keploy.Core.Tls;

/// <summary>
/// The environment that makes the app started by <c>record</c>/<c>test</c> trust the keploy CA with no change to the app:
/// <list type="bullet">
/// <item><c>SSL_CERT_FILE</c>, <c>REQUESTS_CA_BUNDLE</c>, <c>CURL_CA_BUNDLE</c>: one PEM bundle = the system's roots + every bundle the
/// user had set in those variables + the keploy CA.</item>
/// <item><c>SSL_CERT_DIR</c>: a directory holding the CA under its OpenSSL subject hash (<c>&lt;hash&gt;.0</c>), followed, colon-separated
/// as OpenSSL reads the variable, by the directories the user had set (or the system's <c>/etc/ssl/certs</c>).</item>
/// <item><c>NODE_EXTRA_CA_CERTS</c>: the CA plus the file the user had set there.</item>
/// </list>
/// Files are written (atomically) under <c>&lt;CA dir&gt;/app-trust/&lt;digest of their content&gt;/</c>.
/// </summary>
public static class AppTrustEnvironment
{
    /// <summary>The variables <see cref="Build"/> sets.</summary>
    public static readonly IReadOnlyList<string> Variables = new[] { "SSL_CERT_FILE", "SSL_CERT_DIR", "NODE_EXTRA_CA_CERTS", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE" };

    private static readonly string[] SystemBundles =
    {
        "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/ca-bundle.pem", "/etc/ssl/cert.pem",
    };

    private static readonly string[] SystemDirs = { "/etc/ssl/certs", "/etc/pki/tls/certs", "/usr/lib/ssl/certs" };

    /// <summary>
    /// Builds the variables for an app whose current environment is read through <paramref name="lookup"/> (the tool's own
    /// environment overridden by the run's extra variables). Unreadable user bundles are skipped and named in <paramref name="log"/>.
    /// </summary>
    public static Dictionary<string, string> Build(CertificateAuthority authority, Func<string, string?> lookup, Action<string>? log = null)
    {
        StringBuilder bundle = new();
        string? system = SystemBundles.FirstOrDefault(File.Exists);
        List<string> sources = new();
        if (system is not null)
        {
            sources.Add(system);
        }

        foreach (string variable in new[] { "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE" })
        {
            if (lookup(variable) is { Length: > 0 } file && !sources.Contains(file, StringComparer.Ordinal))
            {
                sources.Add(file);
            }
        }

        foreach (string file in sources)
        {
            AppendPem(bundle, file, log);
        }

        bundle.Append("# keploy-dotnet local CA (").Append(authority.CertificatePath).Append(")\n").Append(authority.CertificatePem);

        StringBuilder node = new();
        if (lookup("NODE_EXTRA_CA_CERTS") is { Length: > 0 } nodeFile)
        {
            AppendPem(node, nodeFile, log);
        }

        node.Append(authority.CertificatePem);

        string bundleText = bundle.ToString(), nodeText = node.ToString();
        string digest = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(bundleText + "\0" + nodeText)))[..16].ToLowerInvariant();
        string dir = Path.Combine(authority.Directory, "app-trust", digest);
        string certDir = Path.Combine(dir, "certs");
        Directory.CreateDirectory(certDir);
        string bundlePath = Path.Combine(dir, "ca-bundle.pem");
        string nodePath = Path.Combine(dir, "node-extra-ca.pem");
        WriteIfChanged(bundlePath, bundleText);
        WriteIfChanged(nodePath, nodeText);
        WriteIfChanged(Path.Combine(certDir, OpenSslSubjectHash.Of(authority.Certificate) + ".0"), authority.CertificatePem);

        string userDirs = lookup("SSL_CERT_DIR") is { Length: > 0 } d ? d : SystemDirs.FirstOrDefault(Directory.Exists) ?? "";
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["SSL_CERT_FILE"] = bundlePath,
            ["SSL_CERT_DIR"] = userDirs.Length > 0 ? certDir + ":" + userDirs : certDir,
            ["NODE_EXTRA_CA_CERTS"] = nodePath,
            ["REQUESTS_CA_BUNDLE"] = bundlePath,
            ["CURL_CA_BUNDLE"] = bundlePath,
        };
    }

    /// <summary>
    /// The run's app environment with the trust variables added: <paramref name="appEnvironment"/> (the user's extra variables) wins
    /// for lookups of what "the user had set", and is otherwise kept as is.
    /// </summary>
    public static Dictionary<string, string> Merge(CertificateAuthority authority, IReadOnlyDictionary<string, string>? appEnvironment, Action<string>? log = null)
    {
        Dictionary<string, string> result = appEnvironment is null ? new(StringComparer.Ordinal) : new(appEnvironment, StringComparer.Ordinal);
        Dictionary<string, string> extra = Build(authority, name => result.TryGetValue(name, out string? v) ? v : Environment.GetEnvironmentVariable(name), log);
        foreach ((string key, string value) in extra)
        {
            result[key] = value;
        }

        return result;
    }

    private static void AppendPem(StringBuilder into, string path, Action<string>? log)
    {
        try
        {
            string text = File.ReadAllText(path);
            into.Append("# from ").Append(path).Append('\n').Append(text);
            if (!text.EndsWith('\n'))
            {
                into.Append('\n');
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log?.Invoke($"tls: cannot read the CA bundle {path} ({ex.Message}); the app's trust bundle is made without it");
        }
    }

    private static void WriteIfChanged(string path, string text)
    {
        if (File.Exists(path) && File.ReadAllText(path) == text)
        {
            return;
        }

        string temp = path + ".tmp-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-" + Environment.CurrentManagedThreadId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
