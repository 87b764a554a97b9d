using System.Diagnostics;
using Keploy.Core.Tls;

namespace Keploy.Core.Tests.Tls;

/// <summary>
/// Which CA variables real runtimes on Linux honour, shown with real child processes against a real Kestrel HTTPS server whose
/// certificate comes from a private CA: .NET (an HttpClient app with default validation), curl and python3 (urllib).
/// </summary>
public sealed class AppTrustEnvironmentTests : IDisposable
{
    private readonly string _caDir = TlsTestSupport.NewCaDirectory();
    private readonly PrivatePki _pki = new();

    public void Dispose()
    {
        _pki.Dispose();
        try
        {
            Directory.Delete(_caDir, true);
        }
        catch (IOException)
        {
        }
    }

    private static string ProbePath()
    {
        DirectoryInfo baseDir = new(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        return Path.Combine(TestPaths.RepoRoot, "tests", "Keploy.TlsProbe", "bin", baseDir.Parent!.Name, baseDir.Name, "Keploy.TlsProbe");
    }

    /// <summary>Runs a command with the CA variables removed from the inherited environment, then <paramref name="env"/> set.</summary>
    private static (int Exit, string Output) Run(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string> env)
    {
        ProcessStartInfo psi = new(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (string v in AppTrustEnvironment.Variables)
        {
            psi.Environment.Remove(v);
        }

        foreach ((string k, string v) in env)
        {
            psi.Environment[k] = v;
        }

        using Process p = Process.Start(psi)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(120_000), $"{file} did not finish in 120 s");
        return (p.ExitCode, (output + err.Result).Trim());
    }

    private static bool DotNet(string url, Dictionary<string, string> env) => Run(ProbePath(), new[] { url }, env).Exit == 0;

    private static bool Curl(string url, Dictionary<string, string> env) => Run("curl", new[] { "-sS", "--max-time", "30", url }, env).Exit == 0;

    private static bool Python(string url, Dictionary<string, string> env) =>
        Run("python3", new[] { "-c", "import sys,urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=30).read().decode())", url }, env).Exit == 0;

    private string HashedDir()
    {
        string dir = Path.Combine(_pki.Directory, "hashed");
        Directory.CreateDirectory(dir);
        File.Copy(_pki.CaPemPath, Path.Combine(dir, OpenSslSubjectHash.Of(_pki.Ca) + ".0"), overwrite: true);
        return dir;
    }

    [Fact]
    public async Task DotNetOnLinuxHonoursSslCertFileAndSslCertDir()
    {
        await using KestrelHttpsServer server = new(_pki.Server);
        string url = $"https://localhost:{server.Port}/hello";
        string empty = Path.Combine(_pki.Directory, "empty");
        Directory.CreateDirectory(empty);

        Assert.False(DotNet(url, new()), "without any variable the private CA is not trusted");
        Assert.True(DotNet(url, new() { ["SSL_CERT_FILE"] = _pki.CaPemPath }), ".NET reads SSL_CERT_FILE");
        Assert.True(DotNet(url, new() { ["SSL_CERT_DIR"] = HashedDir() }), ".NET reads SSL_CERT_DIR");
        Assert.True(DotNet(url, new() { ["SSL_CERT_DIR"] = empty + ":" + HashedDir() }), ".NET reads every directory of a colon-separated SSL_CERT_DIR");
        Assert.False(DotNet(url, new() { ["REQUESTS_CA_BUNDLE"] = _pki.CaPemPath, ["CURL_CA_BUNDLE"] = _pki.CaPemPath, ["NODE_EXTRA_CA_CERTS"] = _pki.CaPemPath }), ".NET ignores the other runtimes' variables");
    }

    [Fact]
    public async Task CurlAndPythonHonourTheirVariables()
    {
        await using KestrelHttpsServer server = new(_pki.Server);
        string url = $"https://localhost:{server.Port}/hello";
        Assert.False(Curl(url, new()));
        Assert.True(Curl(url, new() { ["CURL_CA_BUNDLE"] = _pki.CaPemPath }), "curl reads CURL_CA_BUNDLE");
        Assert.True(Curl(url, new() { ["SSL_CERT_FILE"] = _pki.CaPemPath }), "curl (OpenSSL) reads SSL_CERT_FILE");
        Assert.False(Python(url, new()));
        Assert.True(Python(url, new() { ["SSL_CERT_FILE"] = _pki.CaPemPath }), "python3's ssl module reads SSL_CERT_FILE");
        Assert.True(Python(url, new() { ["SSL_CERT_DIR"] = HashedDir() }), "python3's ssl module reads SSL_CERT_DIR");
    }

    [Fact]
    public async Task TheRunsEnvironmentMakesAnUnchangedAppTrustTheKeployCaAndStillTheUsersOwnBundle()
    {
        using CertificateAuthority ca = CertificateAuthority.LoadOrCreate(_caDir);
        // The user had set SSL_CERT_FILE to the company bundle.
        Dictionary<string, string> env = AppTrustEnvironment.Merge(ca, new Dictionary<string, string> { ["SSL_CERT_FILE"] = _pki.CaPemPath, ["OTHER"] = "kept" });
        Assert.Equal("kept", env["OTHER"]);
        foreach (string v in AppTrustEnvironment.Variables)
        {
            Assert.True(env.ContainsKey(v), v);
        }

        string bundle = File.ReadAllText(env["SSL_CERT_FILE"]);
        Assert.Contains(ca.CertificatePem, bundle, StringComparison.Ordinal);
        Assert.Contains(File.ReadAllText(_pki.CaPemPath), bundle, StringComparison.Ordinal);
        string firstSystemRoot = File.ReadAllText("/etc/ssl/certs/ca-certificates.crt").Split("-----END CERTIFICATE-----")[0];
        Assert.Contains(firstSystemRoot.Trim(), bundle, StringComparison.Ordinal);
        string[] dirs = env["SSL_CERT_DIR"].Split(':');
        Assert.True(File.Exists(Path.Combine(dirs[0], OpenSslSubjectHash.Of(ca.Certificate) + ".0")));
        Assert.Equal("/etc/ssl/certs", dirs[1]);
        Assert.Equal(env["SSL_CERT_FILE"], env["REQUESTS_CA_BUNDLE"]);
        Assert.Contains(ca.CertificatePem, File.ReadAllText(env["NODE_EXTRA_CA_CERTS"]), StringComparison.Ordinal);

        // A server with a leaf from the keploy CA (what the proxy shows) and the company's own server: both trusted.
        await using KestrelHttpsServer intercepted = new(ca.GetLeaf("localhost", null));
        await using KestrelHttpsServer company = new(_pki.Server);
        foreach (int port in new[] { intercepted.Port, company.Port })
        {
            string url = $"https://localhost:{port}/hello";
            Assert.True(DotNet(url, env), $".NET app, {url}");
            Assert.True(Curl(url, env), $"curl, {url}");
            Assert.True(Python(url, env), $"python3, {url}");
        }

        // SSL_CERT_DIR alone (the file unset) is enough for .NET too.
        Dictionary<string, string> dirOnly = new() { ["SSL_CERT_DIR"] = env["SSL_CERT_DIR"] };
        Assert.True(DotNet($"https://localhost:{intercepted.Port}/hello", dirOnly));
    }
}
