using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Proxy;
using Keploy.Core.Replay;
using Keploy.Core.Tls;

namespace Keploy.Core.Tests.Tls;

/// <summary>HTTPS through the proxy: a real HttpClient, a real Kestrel HTTPS server whose certificate comes from a private CA.</summary>
public sealed class HttpsRecordReplayTests : IDisposable
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

    [Fact]
    public async Task RecordsHttpsCallsAsHttpsMocksAndReplaysThemWithTheServerStopped()
    {
        using CertificateAuthority ca = CertificateAuthority.LoadOrCreate(_caDir);
        ConcurrentQueue<string> log = new();
        ListRecorder recorder = new();
        int serverPort;
        X509Certificate2? seenAtRecord = null;
        RemoteCertificateValidationCallback appTrust = (s, cert, chain, errors) =>
        {
            // The app trusts the keploy CA (as it does through SSL_CERT_FILE under `record`).
            seenAtRecord ??= X509CertificateLoader.LoadCertificate(cert!.GetRawCertData());
            return PrivatePki.TrustOnly(ca.Certificate)(s, cert, chain, errors);
        };

        await using (KestrelHttpsServer server = new(_pki.Server))
        {
            serverPort = server.Port;
            // The proxy trusts what the app's SSL_CERT_FILE would: the company's private CA.
            TlsInterception tls = new(ca, new UpstreamTrust(_pki.CaPemPath, null));
            await using ProxyServer proxy = TlsTestSupport.StartProxy(ProxyMode.Record, server.EndPoint, tls, recorder, null, log);
            using HttpClient app = TlsTestSupport.AppClient(proxy.Port, server.Port, appTrust);
            Assert.Equal("{\"n\":1}", await app.GetStringAsync("/count"));
            Assert.Equal("{\"n\":2}", await app.GetStringAsync("/count"));
            HttpResponseMessage echoed = await app.PostAsync("/echo", new StringContent("{\"order\":42}", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Created, echoed.StatusCode);
            Assert.Equal("{\"order\":42}", await echoed.Content.ReadAsStringAsync());
        }

        // The app was shown a leaf for its SNI name signed by the keploy CA.
        Assert.NotNull(seenAtRecord);
        Assert.Equal(ca.Certificate.Subject, seenAtRecord!.Issuer);
        Assert.Contains("localhost", seenAtRecord.GetNameInfo(X509NameType.DnsName, false), StringComparison.Ordinal);

        List<Mock> mocks = await recorder.WaitForAsync(3);
        Assert.Equal(3, mocks.Count);
        HttpMockSpec first = HttpSpec.FromMock(mocks[0]);
        Assert.Equal($"https://localhost:{serverPort}/count", first.Request.Url);
        Assert.Equal("GET", first.Metadata["operation"]);
        Assert.Equal("{\"n\":1}", first.Response.Body.Text);
        Assert.Equal($"https://localhost:{serverPort}/echo", HttpSpec.FromMock(mocks[2]).Request.Url);
        Assert.DoesNotContain(log, l => l.Contains("relaying it untouched", StringComparison.Ordinal));

        // Replay: the server is gone; the mock server terminates TLS with the same CA.
        MockPool pool = new(mocks, firstTestRequestTime: null);
        ConcurrentQueue<string> replayLog = new();
        TlsInterception replayTls = new(ca, new UpstreamTrust(null, null));
        await using ProxyServer replay = TlsTestSupport.StartProxy(ProxyMode.Test, new IPEndPoint(IPAddress.Loopback, serverPort), replayTls, null, pool, replayLog);
        using HttpClient again = TlsTestSupport.AppClient(replay.Port, serverPort, PrivatePki.TrustOnly(ca.Certificate));
        Assert.Equal("{\"n\":1}", await again.GetStringAsync("/count"));
        Assert.Equal("{\"n\":2}", await again.GetStringAsync("/count"));
        HttpResponseMessage replayed = await again.PostAsync("/echo", new StringContent("{\"order\":42}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, replayed.StatusCode);
        Assert.Equal("{\"order\":42}", await replayed.Content.ReadAsStringAsync());
        Assert.Equal(3, pool.TakeEvents().Count(e => e.Mock is not null));

        HttpResponseMessage miss = await again.GetAsync("/count");
        Assert.Equal(HttpStatusCode.BadGateway, miss.StatusCode);
        MockMiss report = Assert.Single(pool.TakeEvents()).Miss!;
        Assert.Equal($"GET https://localhost:{serverPort}/count", report.Summary);
    }

    [Fact]
    public async Task AServerTheAppWouldNotTrustIsRelayedUntouchedAndNotRecorded()
    {
        using CertificateAuthority ca = CertificateAuthority.LoadOrCreate(_caDir);
        await using KestrelHttpsServer server = new(_pki.Server);
        ConcurrentQueue<string> log = new();
        ListRecorder recorder = new();
        // The app's trust (SSL_CERT_FILE unset) does not include the private CA: the proxy must not make the call succeed.
        TlsInterception tls = new(ca, new UpstreamTrust(null, null));
        await using ProxyServer proxy = TlsTestSupport.StartProxy(ProxyMode.Record, server.EndPoint, tls, recorder, null, log);

        // An app that trusts the keploy CA but not the server's CA fails as it would without the tool: it sees the real certificate.
        using (HttpClient app = TlsTestSupport.AppClient(proxy.Port, server.Port, PrivatePki.TrustOnly(ca.Certificate)))
        {
            HttpRequestException ex = await Assert.ThrowsAsync<HttpRequestException>(() => app.GetStringAsync("/hello"));
            Assert.Contains("SSL", ex.ToString(), StringComparison.OrdinalIgnoreCase);
        }

        // An app that trusts the server's CA itself (pinning it) gets its answer through the untouched relay.
        using (HttpClient pinned = TlsTestSupport.AppClient(proxy.Port, server.Port, PrivatePki.TrustOnly(_pki.Ca)))
        {
            Assert.Equal("hello over tls", await pinned.GetStringAsync("/hello"));
        }

        Assert.Empty(recorder.Snapshot());
        Assert.Contains(log, l => l.Contains("is not trusted as the app would trust it", StringComparison.Ordinal) && l.Contains("relaying it untouched (not recorded)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnAppThatPinsItsOwnCaGetsOneLineNamingTheWaysOutAndLaterConnectionsAreRelayed()
    {
        using CertificateAuthority ca = CertificateAuthority.LoadOrCreate(_caDir);
        await using KestrelHttpsServer server = new(_pki.Server);
        ConcurrentQueue<string> log = new();
        ListRecorder recorder = new();
        TlsInterception tls = new(ca, new UpstreamTrust(_pki.CaPemPath, null));
        await using ProxyServer proxy = TlsTestSupport.StartProxy(ProxyMode.Record, server.EndPoint, tls, recorder, null, log);

        // First connection: the proxy shows its leaf, the app (trusting only its company CA) aborts the handshake.
        using (HttpClient app = TlsTestSupport.AppClient(proxy.Port, server.Port, PrivatePki.TrustOnly(_pki.Ca)))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => app.GetStringAsync("/hello"));
        }

        // Later connections to that destination are relayed untouched: the pinned app works.
        for (int i = 0; i < 2; i++)
        {
            using HttpClient app = TlsTestSupport.AppClient(proxy.Port, server.Port, PrivatePki.TrustOnly(_pki.Ca));
            Assert.Equal("hello over tls", await app.GetStringAsync("/hello"));
        }

        string line = Assert.Single(log, l => l.Contains("aborted the TLS handshake", StringComparison.Ordinal));
        Assert.Contains($"localhost (127.0.0.1:{server.Port})", line, StringComparison.Ordinal);
        Assert.Contains("dotnet keploy cert", line, StringComparison.Ordinal);
        Assert.Contains($"--pass-through-ports {server.Port}", line, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
        Assert.Empty(recorder.Snapshot());
    }
    [Fact]
    public async Task H2OverTlsChosenByAlpnIsRecordedAndReplayed()
    {
        using CertificateAuthority ca = CertificateAuthority.LoadOrCreate(_caDir);
        ConcurrentQueue<string> log = new();
        ListRecorder recorder = new();
        int serverPort;
        await using (KestrelHttpsServer server = new(_pki.Server))
        {
            serverPort = server.Port;
            TlsInterception tls = new(ca, new UpstreamTrust(_pki.CaPemPath, null));
            await using ProxyServer proxy = TlsTestSupport.StartProxy(ProxyMode.Record, server.EndPoint, tls, recorder, null, log);

            // HTTP/2 only: ALPN "h2"; the proxy offers h2 to the real server and, as it agreed, to the app.
            using HttpClient app = TlsTestSupport.AppClient(proxy.Port, server.Port, PrivatePki.TrustOnly(ca.Certificate));
            HttpRequestMessage request = new(HttpMethod.Get, "/hello") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
            HttpResponseMessage response = await app.SendAsync(request);
            Assert.Equal(HttpVersion.Version20, response.Version);
            Assert.Equal("hello over tls", await response.Content.ReadAsStringAsync());
        }

        Mock mock = Assert.Single(await recorder.WaitForAsync(1));
        HttpMockSpec spec = HttpSpec.FromMock(mock);
        Assert.Equal(2, spec.Request.ProtoMajor);
        Assert.Equal($"https://localhost:{serverPort}/hello", spec.Request.Url);
        Assert.DoesNotContain(log, l => l.Contains("relaying it untouched", StringComparison.Ordinal));

        MockPool pool = new([mock], firstTestRequestTime: null);
        TlsInterception replayTls = new(ca, new UpstreamTrust(null, null));
        await using ProxyServer replay = TlsTestSupport.StartProxy(ProxyMode.Test, new IPEndPoint(IPAddress.Loopback, serverPort), replayTls, null, pool, new ConcurrentQueue<string>());
        using HttpClient again = TlsTestSupport.AppClient(replay.Port, serverPort, PrivatePki.TrustOnly(ca.Certificate));
        HttpResponseMessage replayed = await again.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/hello") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact });
        Assert.Equal(HttpVersion.Version20, replayed.Version);
        Assert.Equal("hello over tls", await replayed.Content.ReadAsStringAsync());
        Assert.Empty(pool.Unconsumed());
    }

    [Fact]
    public async Task TheClientHelloGivesTheServerNameAndAlpnList()
    {
        // A real ClientHello: produced by SslStream into a pipe nobody answers.
        System.IO.Pipelines.Pipe toServer = new();
        System.IO.Pipelines.Pipe toClient = new();
        Stream wire = new DuplexStream(toClient.Reader.AsStream(), toServer.Writer.AsStream());
        SslStream client = new(wire);
        _ = client.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "api.example.test",
            ApplicationProtocols = new List<SslApplicationProtocol> { SslApplicationProtocol.Http2, SslApplicationProtocol.Http11 },
        });
        System.IO.Pipelines.ReadResult read;
        do
        {
            read = await toServer.Reader.ReadAsync();
            toServer.Reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
        while (TlsClientHello.FirstRecordLength(read.Buffer) is not int n || read.Buffer.Length < n);

        Assert.True(TlsClientHello.LooksLikeTls(read.Buffer));
        TlsClientHello hello = TlsClientHello.TryParse(read.Buffer)!;
        Assert.Equal("api.example.test", hello.ServerName);
        Assert.Equal(new[] { "h2", "http/1.1" }, hello.Alpn);
        Assert.False(TlsClientHello.LooksLikeTls(new System.Buffers.ReadOnlySequence<byte>("GET / HTTP/1.1\r\n"u8.ToArray())));
        toClient.Writer.Complete();
    }

    private sealed class DuplexStream(Stream read, Stream write) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => write.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => write.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => read.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => read.ReadAsync(buffer, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => write.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => write.WriteAsync(buffer, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
