using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;

namespace Keploy.Core.Tls;

/// <summary>The app aborted the TLS handshake in which the proxy showed its leaf certificate (it does not trust the keploy CA).</summary>
public sealed class TlsClientRejectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TlsClientRejectedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>The TLS handshake with the real server failed (not trusted as the app would trust it, or a protocol failure).</summary>
public sealed class TlsUpstreamException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TlsUpstreamException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>
/// TLS for the proxy, shared by all its connections: terminates the app's TLS with a leaf certificate from
/// <see cref="Authority"/> (per SNI name, or the original IP address), opens TLS to the real destination (record mode), and remembers
/// destinations whose app refused the leaf (certificate pinning) so their later connections are relayed untouched. Only HTTP/1.1
/// is offered through ALPN (HTTP/2 is not implemented).
/// </summary>
public sealed class TlsInterception
{
    /// <summary>The ALPN name of HTTP/1.1.</summary>
    public const string Http11 = "http/1.1";

    /// <summary>The ALPN protocol id of HTTP/2 over TLS (RFC 9113 §3.2).</summary>
    public const string Http2 = "h2";

    /// <summary>The protocols of <paramref name="offered"/> that the proxy understands inside TLS (h2, http/1.1), in the app's order.</summary>
    public static IReadOnlyList<string> Understood(IReadOnlyList<string> offered) =>
        offered.Where(p => p is Http11 or Http2).Distinct(StringComparer.Ordinal).ToList();

    private readonly ConcurrentDictionary<IPEndPoint, byte> _pinned = new();

    /// <summary>Creates the shared state.</summary>
    /// <param name="authority">Signs the leaf certificates.</param>
    /// <param name="upstreamTrust">What the app would trust (record mode, HTTPS).</param>
    public TlsInterception(CertificateAuthority authority, UpstreamTrust upstreamTrust)
    {
        Authority = authority;
        UpstreamTrust = upstreamTrust;
    }

    /// <summary>The local CA.</summary>
    public CertificateAuthority Authority { get; }

    /// <summary>The app's trust, used to verify real servers.</summary>
    public UpstreamTrust UpstreamTrust { get; }

    /// <summary>How long a handshake may take before it counts as failed.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>True when the app refused the leaf certificate for <paramref name="destination"/> before.</summary>
    public bool IsPinned(IPEndPoint destination) => _pinned.ContainsKey(destination);

    /// <summary>
    /// Remembers that the app refused the leaf for <paramref name="destination"/> and, the first time only, logs one line naming the
    /// destination and the two ways out.
    /// </summary>
    public void ReportRejected(IPEndPoint destination, string? serverName, Action<string> log)
    {
        if (_pinned.TryAdd(destination, 0))
        {
            string name = string.IsNullOrEmpty(serverName) ? destination.ToString() : $"{serverName} ({destination})";
            log($"tls: the app aborted the TLS handshake with {name}: it does not trust the keploy CA (its own CA or a pinned certificate); " +
                $"not recorded, later connections to it are relayed untouched. Either trust the CA (`dotnet keploy cert` prints it) or pass --pass-through-ports {destination.Port}");
        }
    }

    /// <summary>
    /// Reads (without consuming) the app's first TLS record and parses its ClientHello; null when the bytes are not a ClientHello
    /// (the handshake that follows then fails and says why). Reads at most one record (16 KiB + 5 bytes).
    /// </summary>
    public static async Task<TlsClientHello?> PeekClientHelloAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult r = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            System.Buffers.ReadOnlySequence<byte> buffer = r.Buffer;
            bool? tls = TlsClientHello.LooksLikeTls(buffer);
            int? length = TlsClientHello.FirstRecordLength(buffer);
            if (tls == false || r.IsCompleted || length is int n && buffer.Length >= n)
            {
                TlsClientHello? hello = tls == true ? TlsClientHello.TryParse(buffer) : null;
                reader.AdvanceTo(buffer.Start, buffer.Start);
                return hello;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>
    /// Server side: completes the app's handshake (its ClientHello is still unread in <paramref name="client"/>) with the leaf for
    /// <paramref name="serverName"/> or <paramref name="address"/>. ALPN: the protocols of <paramref name="offered"/> the proxy understands (h2, http/1.1; record passes the one the real server chose). Throws
    /// <see cref="TlsClientRejectedException"/> when the app aborts the handshake or closes (or fails) before its first byte of
    /// plaintext (TLS 1.3 clients reject the certificate after the handshake); returns once that first byte arrived (unread).
    /// </summary>
    public async Task<TlsDuplexPipe> AcceptAsync(IDuplexPipe client, string? serverName, IPAddress address, IReadOnlyList<string> offered, CancellationToken cancellationToken)
    {
        SslStream ssl = new(new DuplexPipeStream(client), leaveInnerStreamOpen: false);
        SslServerAuthenticationOptions options = new()
        {
            ServerCertificateContext = Authority.GetServerContext(serverName, address),
            ClientCertificateRequired = false,
            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
        };
        if (Understood(offered) is { Count: > 0 } protocols)
        {
            options.ApplicationProtocols = protocols.Select(p => new SslApplicationProtocol(p)).ToList();
        }

        using CancellationTokenSource timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(HandshakeTimeout);
        try
        {
            await ssl.AuthenticateAsServerAsync(options, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException or ObjectDisposedException && !cancellationToken.IsCancellationRequested)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new TlsClientRejectedException($"the app aborted the TLS handshake: {ex.Message}", ex);
        }

        // With TLS 1.3 the app checks the certificate after the server's side of the handshake is done: its refusal (an alert,
        // then the end of the connection) shows up on the first read. Apps that use this path speak first (HTTP, PostgreSQL).
        TlsDuplexPipe pipe = new(ssl, null);
        try
        {
            ReadResult first = await pipe.Input.ReadAsync(timeout.Token).ConfigureAwait(false);
            bool empty = first.Buffer.IsEmpty && first.IsCompleted;
            pipe.Input.AdvanceTo(first.Buffer.Start, first.Buffer.Start);
            if (empty)
            {
                throw new IOException("the app closed the connection right after the handshake, before sending anything");
            }
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException or ObjectDisposedException && !cancellationToken.IsCancellationRequested)
        {
            await pipe.DisposeAsync().ConfigureAwait(false);
            throw new TlsClientRejectedException($"the app aborted the TLS connection: {ex.Message}", ex);
        }

        return pipe;
    }

    /// <summary>
    /// Client side: TLS over <paramref name="transport"/> (owned: disposed with the result, or on failure) to the real server, SNI
    /// <paramref name="targetHost"/>, ALPN http/1.1 when <paramref name="askHttp11"/>. <paramref name="verify"/> false accepts any
    /// certificate (PostgreSQL, whose client's sslmode is unknown). Throws <see cref="TlsUpstreamException"/>.
    /// </summary>
    public Task<TlsDuplexPipe> ConnectAsync(IDuplexPipe transport, string targetHost, bool verify, bool askHttp11, CancellationToken cancellationToken) =>
        ConnectAsync(transport, targetHost, verify, askHttp11 ? [Http11] : [], cancellationToken);

    /// <summary>
    /// Client side as above, offering the ALPN protocols <paramref name="alpn"/> (none when empty); the result's
    /// <see cref="SslStream.NegotiatedApplicationProtocol"/> says which one the real server chose.
    /// </summary>
    public async Task<TlsDuplexPipe> ConnectAsync(IDuplexPipe transport, string targetHost, bool verify, IReadOnlyList<string> alpn, CancellationToken cancellationToken)
    {
        SslStream ssl = new(new DuplexPipeStream(transport), leaveInnerStreamOpen: false);
        SslClientAuthenticationOptions options = new()
        {
            TargetHost = targetHost,
            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = verify ? (_, cert, chain, errors) => UpstreamTrust.Validate(cert, chain, errors) : (_, _, _, _) => true,
        };
        if (alpn.Count > 0)
        {
            options.ApplicationProtocols = alpn.Select(p => new SslApplicationProtocol(p)).ToList();
        }

        using CancellationTokenSource timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(HandshakeTimeout);
        try
        {
            await ssl.AuthenticateAsClientAsync(options, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException or ObjectDisposedException && !cancellationToken.IsCancellationRequested)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            if (transport is IAsyncDisposable d)
            {
                await d.DisposeAsync().ConfigureAwait(false);
            }

            throw new TlsUpstreamException(ex.Message, ex);
        }

        return new TlsDuplexPipe(ssl, transport as IAsyncDisposable);
    }
}
