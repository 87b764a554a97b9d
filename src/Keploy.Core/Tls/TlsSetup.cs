namespace Keploy.Core.Tls;

/// <summary>What a record or test run needs for TLS: the proxy's interception and the app's environment that trusts the CA.</summary>
/// <param name="Interception">For <see cref="Keploy.Core.Proxy.ProxyServerOptions.Tls"/>; null when the CA could not be made.</param>
/// <param name="AppEnvironment">The run's app environment plus the trust variables of <see cref="AppTrustEnvironment"/>.</param>
public sealed record TlsSetup(TlsInterception? Interception, Dictionary<string, string> AppEnvironment)
{
    /// <summary>
    /// Loads (or makes, on first use) the user's CA from <see cref="CertificateAuthority.DefaultDirectory"/> and builds the setup. The
    /// upstream trust is the app's: <c>SSL_CERT_FILE</c>/<c>SSL_CERT_DIR</c> from <paramref name="appEnvironment"/>, else the tool's own
    /// environment. When the CA cannot be loaded or made, logs one line and returns no interception (TLS is then relayed untouched).
    /// </summary>
    public static TlsSetup Create(IReadOnlyDictionary<string, string>? appEnvironment, Action<string> log)
    {
        Dictionary<string, string> env = appEnvironment is null ? new(StringComparer.Ordinal) : new(appEnvironment, StringComparer.Ordinal);
        string? Lookup(string name) => env.TryGetValue(name, out string? v) ? v : Environment.GetEnvironmentVariable(name);
        try
        {
            CertificateAuthority ca = CertificateAuthority.LoadOrCreate();
            if (ca.Created)
            {
                log($"tls: made the keploy CA {ca.CertificatePath} (used for every later run; `dotnet keploy cert` prints it)");
            }

            UpstreamTrust trust = UpstreamTrust.FromEnvironment(Lookup);
            return new TlsSetup(new TlsInterception(ca, trust), AppTrustEnvironment.Merge(ca, env, log));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or System.Security.Cryptography.CryptographicException)
        {
            log($"tls: no TLS interception in this run ({ex.Message}); TLS connections are relayed untouched and not recorded");
            return new TlsSetup(null, env);
        }
    }
}
