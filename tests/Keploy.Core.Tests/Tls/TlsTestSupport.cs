using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Keploy.Core.Models;
using Keploy.Core.Proxy;
using Keploy.Core.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Keploy.Core.Tests.Tls;

/// <summary>A private CA (a company's, not keploy's) and a server certificate for localhost / 127.0.0.1 it signed, as PEM files.</summary>
internal sealed class PrivatePki : IDisposable
{
    public PrivatePki()
    {
        Directory = Path.Combine(Path.GetTempPath(), "keploy-tls-pki-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(Directory);
        using RSA caKey = RSA.Create(2048);
        CertificateRequest caReq = new("CN=Example Corp Private Root " + Guid.NewGuid().ToString("N")[..6], caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caReq.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        caReq.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caReq.PublicKey, false));
        Ca = caReq.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));

        using RSA key = RSA.Create(2048);
        CertificateRequest req = new("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        SubjectAlternativeNameBuilder san = new();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        req.CertificateExtensions.Add(san.Build());
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
        req.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Ca, true, false));
        using X509Certificate2 signed = req.Create(Ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(30), RandomNumberGenerator.GetBytes(12));
        using X509Certificate2 withKey = signed.CopyWithPrivateKey(key);
        Server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        CaPemPath = Path.Combine(Directory, "corp-ca.pem");
        File.WriteAllText(CaPemPath, Ca.ExportCertificatePem() + "\n");
    }

    public string Directory { get; }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 Server { get; }

    /// <summary>The private CA alone, as a PEM bundle (what a user puts in SSL_CERT_FILE).</summary>
    public string CaPemPath { get; }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Validation that trusts only <paramref name="root"/> (an app whose trust store is that CA).</summary>
    public static RemoteCertificateValidationCallback TrustOnly(X509Certificate2 root) => (_, cert, chain, errors) =>
    {
        if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0 || cert is null)
        {
            return false;
        }

        using X509Chain c = new();
        c.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        c.ChainPolicy.CustomTrustStore.Add(root);
        c.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (X509ChainElement e in chain.ChainElements)
            {
                c.ChainPolicy.ExtraStore.Add(e.Certificate);
            }
        }

        return c.Build(X509CertificateLoader.LoadCertificate(cert.GetRawCertData()));
    };
}

/// <summary>A real Kestrel HTTPS server on 127.0.0.1 (free port) with a given certificate: GET /count, POST /echo, GET /hello.</summary>
internal sealed class KestrelHttpsServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _count;

    public KestrelHttpsServer(X509Certificate2 certificate)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l =>
        {
            l.Protocols = HttpProtocols.Http1AndHttp2;
            l.UseHttps(certificate);
        }));
        _app = builder.Build();
        _app.MapGet("/count", () => Results.Json(new { n = Interlocked.Increment(ref _count) }));
        _app.MapGet("/hello", () => Results.Text("hello over tls"));
        _app.MapPost("/echo", async (HttpRequest r) =>
        {
            using StreamReader reader = new(r.Body);
            return Results.Text(await reader.ReadToEndAsync(), "application/json", statusCode: 201);
        });
        _app.StartAsync().GetAwaiter().GetResult();
        string address = _app.Urls.First();
        Port = new Uri(address).Port;
    }

    public int Port { get; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

internal sealed class ListRecorder : IMockRecorder
{
    private readonly ConcurrentQueue<Mock> _mocks = new();
    private int _n;

    public void Record(Mock mock)
    {
        if (mock.Name.Length == 0)
        {
            mock.Name = "mock-" + Interlocked.Increment(ref _n);
        }

        _mocks.Enqueue(mock);
    }

    public List<Mock> Snapshot() => _mocks.ToList();

    public async Task<List<Mock>> WaitForAsync(int count)
    {
        for (int i = 0; i < 3000 && _mocks.Count < count; i++)
        {
            await Task.Delay(10);
        }

        return Snapshot();
    }
}

internal static class TlsTestSupport
{
    /// <summary>A fresh CA directory per test class (never the user's real one).</summary>
    public static string NewCaDirectory() => Path.Combine(Path.GetTempPath(), "keploy-tls-ca-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>An app's HttpClient whose every connection goes to <paramref name="proxyPort"/> (as the eBPF redirect does) and whose
    /// trust is <paramref name="validate"/>.</summary>
    public static HttpClient AppClient(int proxyPort, int serverPort, RemoteCertificateValidationCallback validate, string host = "localhost")
    {
        SocketsHttpHandler handler = new()
        {
            ConnectCallback = async (_, ct) =>
            {
                System.Net.Sockets.Socket s = new(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                await s.ConnectAsync(IPAddress.Loopback, proxyPort, ct);
                return new System.Net.Sockets.NetworkStream(s, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = validate },
        };
        return new HttpClient(handler) { BaseAddress = new Uri($"https://{host}:{serverPort}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public static ProxyServer StartProxy(ProxyMode mode, IPEndPoint destination, TlsInterception tls, IMockRecorder? recorder, Keploy.Core.Replay.MockPool? pool, ConcurrentQueue<string> log)
    {
        ProxyServer proxy = new(
            new ProxyServerOptions { Mode = mode, Port = 0, Addresses = new[] { IPAddress.Loopback }, Recorder = recorder, Mocks = pool, Tls = tls, FirstBytesTimeout = TimeSpan.FromSeconds(30) },
            ProtocolRegistry.All(),
            new FixedDestinationResolver(destination),
            log.Enqueue);
        proxy.Start();
        return proxy;
    }
}
