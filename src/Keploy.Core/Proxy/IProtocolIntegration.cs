using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Keploy.Core.Models;
using Keploy.Core.Replay;

namespace Keploy.Core.Proxy;

/// <summary>The answer of <see cref="IProtocolIntegration.Match"/>.</summary>
public enum ProtocolMatch
{
    /// <summary>Not this protocol.</summary>
    No,

    /// <summary>This protocol; the proxy hands the connection over.</summary>
    Yes,

    /// <summary>Cannot tell from the bytes so far; the proxy reads more (bounded) and asks again.</summary>
    NeedMoreData,
}

/// <summary>
/// One protocol the proxy understands (HTTP, PostgreSQL, ...). Each protocol lives in its own folder under <c>Protocols/</c> with
/// the same shape: a codec (one type per wire message), a typed view of its mock spec, an integration (this interface) with a
/// recorder and a replayer, and a matcher.
/// </summary>
public interface IProtocolIntegration
{
    /// <summary>The mock <c>kind</c> it writes (<c>Http</c>, <c>Postgres</c>).</summary>
    string Kind { get; }

    /// <summary>Every mock kind this integration serves at replay (default: <see cref="Kind"/>; Postgres also serves <c>PostgresV2</c>).</summary>
    IReadOnlyList<string> ServedKinds => new[] { Kind };

    /// <summary>Lower runs first when deciding who takes a connection.</summary>
    int Priority { get; }

    /// <summary>
    /// True for the last-resort integration (Generic): the proxy hands it every connection no other integration claims, and a
    /// connection whose server speaks first. At most one is registered.
    /// </summary>
    bool IsFallback => false;

    /// <summary>
    /// For a connection whose server spoke first (the client stayed silent for <see cref="ProxyServerOptions.ServerFirstWait"/>):
    /// decides from the server's first bytes (a MySQL HandshakeV10, an SMTP 220 line). Must not consume anything. Default: no.
    /// Integrations that say yes get the open upstream through <see cref="ProxyConnection.ConnectUpstreamAsync"/> with the
    /// greeting still unread; unclaimed greetings go to the fallback (Generic).
    /// </summary>
    ProtocolMatch MatchGreeting(ReadOnlySequence<byte> greeting, IPEndPoint destination) => ProtocolMatch.No;

    /// <summary>
    /// Test mode, for a client silent for <see cref="ProxyServerOptions.ServerFirstWait"/>: true when this integration holds a
    /// recorded server greeting for <paramref name="destination"/> and so plays a server that speaks first; it then gets the
    /// connection at once. Default: false.
    /// </summary>
    bool HasGreetingMock(MockPool mocks, IPEndPoint destination) => false;

    /// <summary>True for server-speaks-first protocols, decided by destination port alone (the prefix is empty then).</summary>
    bool MatchesByPortOnly(IPEndPoint destination) => false;

    /// <summary>
    /// Decides from the first bytes the client sent. Must not consume anything; <paramref name="prefix"/> may be short.
    /// </summary>
    ProtocolMatch Match(ReadOnlySequence<byte> prefix, IPEndPoint destination);

    /// <summary>
    /// Record mode: relay the connection between <see cref="ProxyConnection.Client"/> and the real destination (open it with
    /// <see cref="ProxyConnection.ConnectUpstreamAsync"/>), byte-exact and streaming, and hand every completed exchange to
    /// <see cref="ProxyConnection.Recorder"/> as a mock. Returns when either side closes. Must not throw on garbage: log through
    /// <see cref="ProxyConnection.Log"/> and return.
    /// </summary>
    Task RecordAsync(ProxyConnection connection, CancellationToken cancellationToken);

    /// <summary>
    /// Test mode: play the server from <see cref="ProxyConnection.Mocks"/>. A request without a matching mock gets the protocol's
    /// error answer and is reported with <see cref="MockPool.ReportMiss"/>; real dependencies are never contacted.
    /// </summary>
    Task ReplayAsync(ProxyConnection connection, CancellationToken cancellationToken);
}

/// <summary>Receives mocks as their exchanges complete (record mode). Implementations are thread-safe and write atomically.</summary>
public interface IMockRecorder
{
    /// <summary>
    /// Stores a completed mock. The recorder assigns <see cref="KeployDocument.Name"/> (unique in the test-set) when it is empty.
    /// </summary>
    void Record(Mock mock);
}

/// <summary>Everything a protocol needs for one proxied connection.</summary>
public sealed class ProxyConnection
{
    private readonly Action<string>? _warn;

    /// <summary>Creates the context; the proxy server does this for every accepted connection.</summary>
    public ProxyConnection(long id, IPEndPoint destination, IDuplexPipe client, Action<string> log)
    {
        Id = id;
        Destination = destination;
        Client = client;
        Log = log;
    }

    /// <summary>Sequence number of the connection within this run, from 0; written as <c>connID</c>.</summary>
    public long Id { get; }

    /// <summary>Where the app meant to connect (from the eBPF original-destination map).</summary>
    public IPEndPoint Destination { get; }

    /// <summary>The app's side. Bytes peeked for protocol detection are still unread.</summary>
    public IDuplexPipe Client { get; }

    /// <summary>Logs one line about this connection (the proxy prefixes the connection id and destination).</summary>
    public Action<string> Log { get; }

    /// <summary>Debug lines about this connection (<c>--debug</c>); a no-op unless the proxy was given a debug sink.</summary>
    public Action<string> Debug { get; init; } = _ => { };

    /// <summary>Warning lines about this connection (a driver-upgrade fallback); <see cref="Log"/> unless the proxy was given a warning sink.</summary>
    public Action<string> Warn
    {
        get => _warn ?? Log;
        init => _warn = value;
    }

    /// <summary>Record mode: opens the real destination. Null in test mode.</summary>
    public Func<CancellationToken, ValueTask<IDuplexPipe>>? ConnectUpstreamAsync { get; init; }

    /// <summary>Record mode: where completed mocks go. Null in test mode.</summary>
    public IMockRecorder? Recorder { get; init; }

    /// <summary>Test mode: the mocks to serve from. Null in record mode.</summary>
    public MockPool? Mocks { get; init; }

    /// <summary>True when the proxy terminated the app's TLS: <see cref="Client"/> (and the upstream from
    /// <see cref="ConnectUpstreamAsync"/>) carry the decrypted bytes.</summary>
    public bool IsTls { get; init; }

    /// <summary>The URL scheme of the app's connection: <c>https</c> when <see cref="IsTls"/>, else <c>http</c>.</summary>
    public string Scheme => IsTls ? "https" : "http";

    /// <summary>The server name the app asked for in its TLS ClientHello (SNI), or null.</summary>
    public string? ServerName { get; init; }

    /// <summary>The proxy's TLS machinery (CA, upstream trust), for protocols that negotiate TLS themselves (PostgreSQL's
    /// SSLRequest); null when TLS interception is off.</summary>
    public Keploy.Core.Tls.TlsInterception? Tls { get; init; }
}
