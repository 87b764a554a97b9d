using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Keploy.Core.Tls;

namespace Keploy.Core.Tests.Tls;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CertificateAuthorityTests : IDisposable
{
    private readonly string _dir = TlsTestSupport.NewCaDirectory();

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public void TheCaIsMadeOnceWithAPrivateKeyFileAndReusedByLaterRuns()
    {
        string thumbprint;
        using (CertificateAuthority first = CertificateAuthority.LoadOrCreate(_dir))
        {
            Assert.True(first.Created);
            thumbprint = first.Certificate.Thumbprint;
            Assert.StartsWith("-----BEGIN CERTIFICATE-----", first.CertificatePem, StringComparison.Ordinal);
            Assert.Equal(first.CertificatePem, File.ReadAllText(first.CertificatePath));
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dir, "ca.key")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_dir));

        using CertificateAuthority second = CertificateAuthority.LoadOrCreate(_dir);
        Assert.False(second.Created);
        Assert.Equal(thumbprint, second.Certificate.Thumbprint);
        X509BasicConstraintsExtension bc = second.Certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(bc.CertificateAuthority);

        // A loaded CA still signs: its leaf chains to it.
        X509Certificate2 leaf = second.GetLeaf("api.example.test", null);
        Assert.True(Chains(leaf, second.Certificate));
    }

    [Fact]
    public void AKeyFileReadableByOthersIsRefusedWithTheFileNamed()
    {
        using (CertificateAuthority.LoadOrCreate(_dir))
        {
        }

        string key = Path.Combine(_dir, "ca.key");
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        InvalidOperationException ex = Assert.Throws<InvalidOperationException>(() => CertificateAuthority.LoadOrCreate(_dir));
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
        Assert.Contains("chmod 600", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LeafCertificatesAreCachedPerNameAndCarryTheNameOrIpAsSubjectAlternativeName()
    {
        using CertificateAuthority ca = CertificateAuthority.LoadOrCreate(_dir);
        X509Certificate2 a = ca.GetLeaf("api.example.test", null);
        X509Certificate2 b = ca.GetLeaf("API.example.test", IPAddress.Parse("10.0.0.1"));
        Assert.Same(a, b);
        Assert.Equal(1, ca.LeafCertificatesMade);
        X509Certificate2 other = ca.GetLeaf("db.example.test", null);
        Assert.NotSame(a, other);
        X509Certificate2 byIp = ca.GetLeaf(null, IPAddress.Parse("10.1.2.3"));
        Assert.Same(byIp, ca.GetLeaf("", IPAddress.Parse("10.1.2.3")));
        Assert.Equal(3, ca.LeafCertificatesMade);

        Assert.True(a.MatchesHostname("api.example.test"));
        Assert.False(a.MatchesHostname("db.example.test"));
        Assert.Contains(IPAddress.Parse("10.1.2.3"), byIp.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateIPAddresses());
        Assert.True(a.HasPrivateKey);
        Assert.Equal(ca.Certificate.Subject, a.Issuer);
        Assert.True(Chains(a, ca.Certificate));
        Assert.True(Chains(byIp, ca.Certificate));
    }

    [Fact]
    public void TheSubjectHashIsOpenSslsOwn()
    {
        using CertificateAuthority ca = CertificateAuthority.LoadOrCreate(_dir);
        Assert.Equal(Run("openssl", $"x509 -hash -noout -in {ca.CertificatePath}"), OpenSslSubjectHash.Of(ca.Certificate));
        using PrivatePki pki = new();
        Assert.Equal(Run("openssl", $"x509 -hash -noout -in {pki.CaPemPath}"), OpenSslSubjectHash.Of(pki.Ca));
    }

    private static bool Chains(X509Certificate2 leaf, X509Certificate2 root)
    {
        using X509Chain chain = new();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }

    internal static string Run(string file, string args)
    {
        using Process p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string output = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return output;
    }
}
