using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Keploy.Core.Tls;

/// <summary>
/// Decides whether the real server's certificate is one the app itself would accept: what .NET's default validation accepts (the
/// system store, which on Linux is OpenSSL's, including the tool's own <c>SSL_CERT_FILE</c>/<c>SSL_CERT_DIR</c> when .NET reads
/// them) or, failing that, a chain to one of the roots found in the <c>SSL_CERT_FILE</c> bundle and the <c>SSL_CERT_DIR</c>
/// directories (colon-separated, as OpenSSL reads it) that the user set for the app, plus the distribution's bundle. The host name
/// must always match.
/// </summary>
public sealed class UpstreamTrust
{
    private static readonly string[] SystemBundles =
    {
        "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/ca-bundle.pem", "/etc/ssl/cert.pem",
    };

    private readonly string? _certFile;
    private readonly string? _certDir;
    private readonly Lazy<X509Certificate2Collection> _roots;

    /// <summary>Trust for an app whose <c>SSL_CERT_FILE</c> / <c>SSL_CERT_DIR</c> are the given values (null: not set).</summary>
    public UpstreamTrust(string? sslCertFile, string? sslCertDir)
    {
        _certFile = string.IsNullOrEmpty(sslCertFile) ? null : sslCertFile;
        _certDir = string.IsNullOrEmpty(sslCertDir) ? null : sslCertDir;
        _roots = new Lazy<X509Certificate2Collection>(LoadRoots, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Trust built from an environment lookup (the app's environment: the tool's, overridden by the run's extra variables).</summary>
    public static UpstreamTrust FromEnvironment(Func<string, string?> lookup) => new(lookup("SSL_CERT_FILE"), lookup("SSL_CERT_DIR"));

    /// <summary>Validates <paramref name="certificate"/> (the host name was checked by .NET: <paramref name="errors"/> is its verdict).</summary>
    public bool Validate(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        X509Certificate2 leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using X509Chain custom = new();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_roots.Value);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.1"));
        if (chain is not null)
        {
            foreach (X509ChainElement element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return custom.Build(leaf);
    }

    /// <summary>Number of roots loaded from the files and directories (loads them on first call).</summary>
    public int RootCount => _roots.Value.Count;

    private X509Certificate2Collection LoadRoots()
    {
        X509Certificate2Collection roots = new();
        if (_certFile is not null)
        {
            AddFile(roots, _certFile);
        }

        if (_certDir is not null)
        {
            foreach (string dir in _certDir.Split(':', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!Directory.Exists(dir))
                {
                    continue;
                }

                foreach (string file in Directory.EnumerateFiles(dir))
                {
                    AddFile(roots, file);
                }
            }
        }

        foreach (string bundle in SystemBundles)
        {
            if (File.Exists(bundle))
            {
                AddFile(roots, bundle);
                break;
            }
        }

        return roots;
    }

    private static void AddFile(X509Certificate2Collection roots, string path)
    {
        try
        {
            if (new FileInfo(path).Length > 16 * 1024 * 1024)
            {
                return;
            }

            string text = File.ReadAllText(path);
            if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
            {
                roots.ImportFromPem(text);
            }
            else
            {
                roots.Add(X509CertificateLoader.LoadCertificateFromFile(path));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            // Not a certificate (a directory may hold other files); skipped.
        }
    }
}
