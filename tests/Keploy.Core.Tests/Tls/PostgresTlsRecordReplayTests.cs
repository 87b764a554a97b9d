using System.Collections.Concurrent;
using System.Net;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Postgres;
using Keploy.Core.Proxy;
using Keploy.Core.Replay;
using Keploy.Core.Tests.Postgres;
using Keploy.Core.Tls;
using Npgsql;

namespace Keploy.Core.Tests.Tls;

/// <summary>PostgreSQL over TLS (Npgsql SslMode=Require) through the proxy's SSLRequest handling; the scripts/postgres.sh server has ssl = on.</summary>
[Trait("Category", "Postgres")]
public sealed class PostgresTlsRecordReplayTests : IDisposable
{
    private static readonly IPEndPoint Server = new(IPAddress.Loopback, 55432);
    private readonly string _caDir = TlsTestSupport.NewCaDirectory();

    public void Dispose()
    {
        try
        {
            Directory.Delete(_caDir, true);
        }
        catch (IOException)
        {
        }
    }

    private static string Text(Mock m)
    {
        YamlDotNet.RepresentationModel.YamlStream stream = new(new YamlDotNet.RepresentationModel.YamlDocument(m.Spec));
        StringWriter w = new();
        stream.Save(w, assignAnchors: false);
        return w.ToString();
    }

    private static string Via(int port, string sslMode, string password = "keploy", string extra = "", string user = "keploy") =>
        $"Host=127.0.0.1;Port={port};Username={user};Password={password};Database=keploy;Pooling=false;SSL Mode={sslMode};Timeout=60;Command Timeout=60{extra}";

    private static ProxyServer Start(ProxyMode mode, IPEndPoint target, TlsInterception tls, IMockRecorder? recorder, MockPool? pool, ConcurrentQueue<string> log)
    {
        ProxyServer proxy = new(
            new ProxyServerOptions { Mode = mode, Port = 0, Addresses = new[] { IPAddress.Loopback }, Recorder = recorder, Mocks = pool, Tls = tls, FirstBytesTimeout = TimeSpan.FromSeconds(30) },
            new IProtocolIntegration[] { new PostgresIntegration() },
            new FixedDestinationResolver(target),
            log.Enqueue);
        proxy.Start();
        return proxy;
    }

    private static async Task<List<string>> Workload(string cs)
    {
        List<string> seen = new();
        await using NpgsqlConnection conn = new(cs);
        await conn.OpenAsync();
        await using (NpgsqlCommand ssl = new("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", conn))
        {
            seen.Add("ssl=" + await ssl.ExecuteScalarAsync());
        }

        await using (NpgsqlCommand create = new("CREATE TEMP TABLE tls_orders (id uuid PRIMARY KEY, item text)", conn))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using (NpgsqlCommand ins = new("INSERT INTO tls_orders (id, item) VALUES ($1, $2)", conn))
        {
            ins.Parameters.AddWithValue(Guid.Parse("6f1c2a4e-3b5d-4c7e-9a8b-0d1e2f3a4b5c"));
            ins.Parameters.AddWithValue("keyboard");
            seen.Add("inserted=" + await ins.ExecuteNonQueryAsync());
        }

        await using (NpgsqlCommand sel = new("SELECT item FROM tls_orders WHERE id = $1", conn))
        {
            sel.Parameters.AddWithValue(Guid.Parse("6f1c2a4e-3b5d-4c7e-9a8b-0d1e2f3a4b5c"));
            seen.Add("item=" + await sel.ExecuteScalarAsync());
        }

        return seen;
    }

    /// <param name="user">keploy_md5: MD5 authentication, the recorder's leg to the server is TLS too. keploy: SCRAM, whose channel
    /// binding (SCRAM-SHA-256-PLUS) cannot cross the interception, so the recorder's leg to the server falls back to plain.</param>
    [Theory]
    [InlineData("keploy_md5", true)]
    [InlineData("keploy", false)]
    public async Task SslModeRequireIsRecordedOverTlsAndReplayedOverTlsWithTheServerUnreachable(string user, bool serverLegTls)
    {
        PostgresTestPaths.EnsureServer();
        using CertificateAuthority ca = CertificateAuthority.LoadOrCreate(_caDir);
        TlsInterception tls = new(ca, new UpstreamTrust(null, null));
        ConcurrentQueue<string> log = new();
        MemoryRecorder recorder = new();
        List<string> recorded;
        await using (ProxyServer proxy = Start(ProxyMode.Record, Server, tls, recorder, null, log))
        {
            // Before: the app got 'N', failed, and its failure was recorded. Now: the server's 'S', TLS on both legs.
            recorded = await Workload(Via(proxy.Port, "Require", user: user));
            await proxy.StopAsync(TimeSpan.FromSeconds(5));
        }

        Assert.Equal(new[] { "ssl=" + serverLegTls, "inserted=1", "item=keyboard" }, recorded);
        Assert.Equal(serverLegTls ? 0 : 1, log.Count(l => l.Contains("SCRAM channel binding", StringComparison.Ordinal)));
        List<Mock> mocks = recorder.Mocks.ToList();
        Assert.True(mocks.Count > 0, "no mocks; proxy log:\n" + string.Join("\n", log));
        Assert.All(mocks, m => Assert.Equal("Postgres", m.Kind));
        Assert.Contains(mocks, m => Text(m).Contains("Uw==", StringComparison.Ordinal));
        Assert.Contains(mocks, m => Text(m).Contains("keyboard", StringComparison.Ordinal));
        Assert.DoesNotContain(log, l => l.Contains("malformed", StringComparison.Ordinal) || l.Contains("refused", StringComparison.Ordinal));

        // Replay: nothing listens on port 1; the mock server answers 'S' and terminates TLS with the keploy CA.
        MockPool pool = new(mocks, null);
        ConcurrentQueue<string> replayLog = new();
        await using ProxyServer replay = Start(ProxyMode.Test, new IPEndPoint(IPAddress.Loopback, 1), new TlsInterception(ca, new UpstreamTrust(null, null)), null, pool, replayLog);
        List<string> replayed = await Workload(Via(replay.Port, "Require", password: "any", user: user));
        Assert.Equal(recorded, replayed);
        Assert.DoesNotContain(pool.TakeEvents(), e => e.Miss is not null);
    }

    [Fact]
    public async Task AnAppVerifyingTheServerAgainstItsOwnCaGetsOneLineAndIsThenRelayedUntouched()
    {
        PostgresTestPaths.EnsureServer();
        using CertificateAuthority ca = CertificateAuthority.LoadOrCreate(_caDir);
        TlsInterception tls = new(ca, new UpstreamTrust(null, null));
        ConcurrentQueue<string> log = new();
        MemoryRecorder recorder = new();
        string serverCert = Path.Combine(Environment.GetEnvironmentVariable("KEPLOY_PG_DIR") is { Length: > 0 } d ? d : "/tmp/keploy-pg", "data", "server.crt");
        await using ProxyServer proxy = Start(ProxyMode.Record, Server, tls, recorder, null, log);
        // The app trusts only the server's own certificate (as libpq's sslmode=verify-full with sslrootcert does).
        System.Security.Cryptography.X509Certificates.X509Certificate2 own = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(serverCert);
        NpgsqlDataSourceBuilder builder = new(Via(proxy.Port, "Require", user: "keploy_md5"));
        builder.UseSslClientAuthenticationOptionsCallback(o => o.RemoteCertificateValidationCallback = PrivatePki.TrustOnly(own));
        await using NpgsqlDataSource source = builder.Build();

        // The first connection meets the keploy leaf and is refused by the app (Npgsql may retry it on its own, then relayed).
        try
        {
            await using NpgsqlConnection pinned = await source.OpenConnectionAsync();
        }
        catch (NpgsqlException)
        {
        }

        await using (NpgsqlConnection again = await source.OpenConnectionAsync())
        {
            await using NpgsqlCommand ssl = new("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", again);
            Assert.Equal(true, await ssl.ExecuteScalarAsync());
        }

        Assert.DoesNotContain(recorder.Mocks, m => Text(m).Contains("pg_stat_ssl", StringComparison.Ordinal));
        string line = Assert.Single(log, l => l.Contains("aborted the TLS handshake", StringComparison.Ordinal));
        Assert.Contains("127.0.0.1:55432", line, StringComparison.Ordinal);
        Assert.Contains("dotnet keploy cert", line, StringComparison.Ordinal);
        Assert.Contains("--pass-through-ports 55432", line, StringComparison.Ordinal);
    }
}
