using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Keploy.Core.Tls;

/// <summary>
/// The local certificate authority that signs the leaf certificates the proxy shows the app when it terminates TLS (Keploy's MITM
/// design, keploy-reference §7, but with a CA made per user instead of one embedded in the binary). Made once per user in
/// <see cref="DefaultDirectory"/> (<c>ca.crt</c> PEM, <c>ca.key</c> PKCS#8 PEM with mode 0600, the directory 0700), reused by every
/// later run. ECDSA P-256. Leaf certificates are made on first use per host name (or IP address) and cached for the process.
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    /// <summary>File name of the CA certificate (PEM) in the CA directory.</summary>
    public const string CertificateFileName = "ca.crt";

    /// <summary>File name of the CA private key (PKCS#8 PEM, mode 0600) in the CA directory.</summary>
    public const string KeyFileName = "ca.key";

    private readonly ConcurrentDictionary<string, Lazy<SslStreamCertificateContext>> _leaves = new(StringComparer.Ordinal);
    private readonly ECDsa _key;
    private int _leavesMade;

    private CertificateAuthority(string directory, X509Certificate2 certificate, ECDsa key, bool created)
    {
        Directory = directory;
        Certificate = certificate;
        _key = key;
        Created = created;
        CertificatePem = certificate.ExportCertificatePem() + "\n";
    }

    /// <summary>The folder holding <c>ca.crt</c> and <c>ca.key</c>.</summary>
    public string Directory { get; }

    /// <summary>Absolute path of the CA certificate (PEM).</summary>
    public string CertificatePath => Path.Combine(Directory, CertificateFileName);

    /// <summary>Absolute path of the CA private key.</summary>
    public string KeyPath => Path.Combine(Directory, KeyFileName);

    /// <summary>The CA certificate (public part).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The CA certificate as PEM text (ends with a newline).</summary>
    public string CertificatePem { get; }

    /// <summary>True when this call made the CA (first run for this user), false when it was loaded.</summary>
    public bool Created { get; }

    /// <summary>How many leaf certificates were made so far (cache misses), for tests and diagnostics.</summary>
    public int LeafCertificatesMade => Volatile.Read(ref _leavesMade);

    /// <summary>
    /// Where the CA lives: <c>$KEPLOY_CA_DIR</c> when set, else <c>$XDG_DATA_HOME/keploy-dotnet/ca</c>, else
    /// <c>~/.local/share/keploy-dotnet/ca</c> (under <c>sudo</c> that is root's home).
    /// </summary>
    public static string DefaultDirectory()
    {
        string? explicitDir = Environment.GetEnvironmentVariable("KEPLOY_CA_DIR");
        if (!string.IsNullOrEmpty(explicitDir))
        {
            return Path.GetFullPath(explicitDir);
        }

        string? xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        string data = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(data, "keploy-dotnet", "ca");
    }

    /// <summary>
    /// Loads the CA from <paramref name="directory"/> (default <see cref="DefaultDirectory"/>), making it first when it does not exist.
    /// Creation is atomic and safe against concurrent runs (a lock file in the directory). Throws <see cref="InvalidOperationException"/>
    /// with a one-line reason naming the file when the stored CA cannot be read or its key file is readable by others.
    /// </summary>
    public static CertificateAuthority LoadOrCreate(string? directory = null)
    {
        string dir = Path.GetFullPath(directory ?? DefaultDirectory());
        System.IO.Directory.CreateDirectory(dir);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        string certPath = Path.Combine(dir, CertificateFileName);
        string keyPath = Path.Combine(dir, KeyFileName);
        using FileStream lockFile = AcquireLock(Path.Combine(dir, ".lock"));
        if (File.Exists(certPath) && File.Exists(keyPath))
        {
            return Load(dir, certPath, keyPath);
        }

        ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string user = Environment.UserName;
        X500DistinguishedName subject = new($"CN=keploy-dotnet local CA ({user}@{Environment.MachineName}), O=keploy-dotnet");
        CertificateRequest request = new(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));

        // Backdated ten years so that apps whose clock is frozen at an old recording time (test --freeze-time) still accept it.
        DateTimeOffset now = DateTimeOffset.UtcNow;
        X509Certificate2 cert = request.CreateSelfSigned(now.AddYears(-10), now.AddYears(10));
        WriteAtomically(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n", privateFile: true);
        WriteAtomically(certPath, cert.ExportCertificatePem() + "\n", privateFile: false);
        return new CertificateAuthority(dir, X509CertificateLoader.LoadCertificate(cert.RawData), key, created: true);
    }

    /// <summary>
    /// The certificate context the proxy presents for <paramref name="serverName"/> (the client's SNI) or, without SNI, for
    /// <paramref name="address"/> (as an IP SAN). Made on first use and cached per name for the life of this object.
    /// </summary>
    public SslStreamCertificateContext GetServerContext(string? serverName, IPAddress? address)
    {
        string key = !string.IsNullOrEmpty(serverName) ? "dns:" + serverName.ToLowerInvariant() : "ip:" + (address ?? IPAddress.Loopback);
        return _leaves.GetOrAdd(key, k => new Lazy<SslStreamCertificateContext>(() => MakeLeaf(k), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
    }

    /// <summary>The leaf certificate for a name (see <see cref="GetServerContext"/>).</summary>
    public X509Certificate2 GetLeaf(string? serverName, IPAddress? address) => GetServerContext(serverName, address).TargetCertificate;

    /// <inheritdoc />
    public void Dispose()
    {
        _key.Dispose();
    }

    private SslStreamCertificateContext MakeLeaf(string key)
    {
        Interlocked.Increment(ref _leavesMade);
        bool isDns = key.StartsWith("dns:", StringComparison.Ordinal);
        string name = key[(key.IndexOf(':', StringComparison.Ordinal) + 1)..];
        using ECDsa leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        CertificateRequest request = new(new X500DistinguishedName("CN=" + (isDns ? name : name.Replace(",", "", StringComparison.Ordinal)) + ", O=keploy-dotnet"), leafKey, HashAlgorithmName.SHA256);
        SubjectAlternativeNameBuilder san = new();
        if (isDns)
        {
            san.AddDnsName(name);
        }
        else
        {
            san.AddIpAddress(IPAddress.Parse(name));
        }

        request.CertificateExtensions.Add(san.Build(true));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));

        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        DateTimeOffset notBefore = Certificate.NotBefore.ToUniversalTime().AddMinutes(1);
        DateTimeOffset notAfter = Certificate.NotAfter.ToUniversalTime().AddMinutes(-1);
        using X509Certificate2 signed = request.Create(Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(_key), notBefore, notAfter, serial);

        // Through PKCS#12 so the key is usable by the TLS stack on every platform.
        using X509Certificate2 withKey = signed.CopyWithPrivateKey(leafKey);
        X509Certificate2 leaf = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        return SslStreamCertificateContext.Create(leaf, new X509Certificate2Collection(Certificate), offline: true);
    }

    private static CertificateAuthority Load(string dir, string certPath, string keyPath)
    {
        if (!OperatingSystem.IsWindows())
        {
            UnixFileMode mode = File.GetUnixFileMode(keyPath);
            if ((mode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
            {
                throw new InvalidOperationException($"{keyPath}: the CA private key is readable by other users (mode {Convert.ToString((int)mode, 8)}); fix it with chmod 600 {keyPath}");
            }
        }

        try
        {
            X509Certificate2 cert = X509CertificateLoader.LoadCertificate(Encoding.ASCII.GetBytes(File.ReadAllText(certPath)));
            ECDsa key = ECDsa.Create();
            key.ImportFromPem(File.ReadAllText(keyPath));
            using X509Certificate2 check = cert.CopyWithPrivateKey(key);
            return new CertificateAuthority(dir, cert, key, created: false);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new InvalidOperationException($"{dir}: cannot load the keploy CA ({CertificateFileName}, {KeyFileName}): {ex.Message}; delete the folder to make a new CA");
        }
    }

    private static FileStream AcquireLock(string path)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }
    }

    private static void WriteAtomically(string path, string text, bool privateFile)
    {
        string temp = path + ".tmp-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        FileStreamOptions options = new() { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = privateFile ? UnixFileMode.UserRead | UnixFileMode.UserWrite : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        }

        using (FileStream fs = new(temp, options))
        {
            fs.Write(Encoding.ASCII.GetBytes(text));
            fs.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }
}
