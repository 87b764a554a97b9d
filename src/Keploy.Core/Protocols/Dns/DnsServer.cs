using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Keploy.Core.Diagnostics;
using Keploy.Core.Proxy;
using Keploy.Core.Replay;
using Keploy.Core.Replay.Matching;

namespace Keploy.Core.Protocols.Dns;

/// <summary>Settings of a <see cref="DnsServer"/>.</summary>
public sealed class DnsServerOptions
{
    /// <summary>Record (forward to the real resolver, write mocks) or test (answer from mocks only).</summary>
    public ProxyMode Mode { get; set; } = ProxyMode.Record;

    /// <summary>UDP port (Keploy's <c>--dns-port</c>, 26789); 0 picks a free port (the same on every address).</summary>
    public int Port { get; set; } = 26789;

    /// <summary>Addresses to listen on: loopback IPv4 and IPv6 (skipped when unavailable), where the eBPF programs send DNS.</summary>
    public IReadOnlyList<IPAddress> Addresses { get; set; } = new[] { IPAddress.Loopback, IPAddress.IPv6Loopback };

    /// <summary>Record mode: where mocks go.</summary>
    public IMockRecorder? Recorder { get; set; }

    /// <summary>Test mode: the mocks to answer from.</summary>
    public MockPool? Mocks { get; set; }

    /// <summary>
    /// Record mode: the real resolver for a query from the app's address (UDP source). Default: <see cref="DnsServer.SystemResolver"/>;
    /// the record session passes the resolver the app addressed (eBPF <c>dns_dst_by_port</c>) when known.
    /// </summary>
    public Func<IPEndPoint, IPEndPoint?> Upstream { get; set; } = _ => DnsServer.SystemResolver();

    /// <summary>Record mode: how long to wait for the real resolver's answer before telling the app SERVFAIL. 5 s.</summary>
    public TimeSpan UpstreamTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Debug lines (<c>--debug</c>), or null.</summary>
    public Action<string>? Debug { get; set; }
}

/// <summary>
/// Keploy's DNS server (<c>pkg/agent/proxy/dns.go</c>, <c>dnsPort</c>) for UDP DNS (RFC 1035 §4.2.1) the eBPF programs redirect
/// from the app. Record mode forwards each query byte-exact to the real resolver, relays its answer byte-exact and writes one
/// <c>kind: DNS</c> mock per (name, type, class) the first time it is answered (Keploy dedups the same way). Test mode answers from
/// the mocks (<see cref="MockMatchRule"/>: same type and class, name compared case-insensitively); a question no mock has gets
/// SERVFAIL (RCODE 2) and is reported as a miss; the real resolver is never asked. A datagram that is not a DNS query is logged in
/// one line and dropped.
/// </summary>
public sealed class DnsServer : IAsyncDisposable
{
    internal const int ServFail = 2;
    internal const int FormErr = 1;
    private readonly DnsServerOptions _options;
    private readonly Action<string> _log;
    private readonly List<Socket> _sockets = new();
    private readonly List<Task> _loops = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, byte> _recorded = new(StringComparer.Ordinal);

    /// <summary>Creates the server; call <see cref="Start"/>.</summary>
    /// <param name="options">Mode, port, recorder or mocks.</param>
    /// <param name="log">One line per notable event (upstream failure, malformed datagram, miss).</param>
    public DnsServer(DnsServerOptions options, Action<string> log)
    {
        _options = options;
        _log = log;
    }

    /// <summary>The UDP port listened on.</summary>
    public int Port { get; private set; }

    /// <summary>The first <c>nameserver</c> of <c>/etc/resolv.conf</c> on port 53, or null when there is none.</summary>
    public static IPEndPoint? SystemResolver()
    {
        try
        {
            foreach (string line in File.ReadLines("/etc/resolv.conf"))
            {
                string[] f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (f.Length >= 2 && f[0] == "nameserver" && IPAddress.TryParse(f[1].Split('%')[0], out IPAddress? a))
                {
                    return new IPEndPoint(a, 53);
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    /// <summary>
    /// Starts a server on <see cref="DnsServerOptions.Port"/>, or on a free port (logged in one line) when that one is taken: the
    /// app never addresses this port itself (the eBPF programs send its DNS here), so parallel runs need not share Keploy's 26789.
    /// </summary>
    public static DnsServer StartPreferred(DnsServerOptions options, Action<string> log)
    {
        DnsServer server = new(options, log);
        try
        {
            server.Start();
        }
        catch (SocketException e) when (options.Port != 0 && e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            server.CloseSockets();
            int wanted = options.Port;
            options.Port = 0;
            server = new DnsServer(options, log);
            server.Start();
            log($"dns: port {wanted} is taken; the DNS server listens on {server.Port} instead (the app's DNS is redirected there)");
        }

        return server;
    }

    /// <summary>Binds the sockets. Throws <see cref="SocketException"/> when the port is taken.</summary>
    public void Start()
    {
        int port = _options.Port;
        foreach (IPAddress address in _options.Addresses)
        {
            Socket socket = new(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                if (address.AddressFamily == AddressFamily.InterNetworkV6)
                {
                    socket.DualMode = false;
                }

                socket.Bind(new IPEndPoint(address, port));
            }
            catch (SocketException) when (address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.Dispose();
                continue;
            }
            catch
            {
                socket.Dispose();
                CloseSockets();
                throw;
            }

            port = ((IPEndPoint)socket.LocalEndPoint!).Port;
            _sockets.Add(socket);
        }

        Port = port;
        foreach (Socket socket in _sockets)
        {
            _loops.Add(Task.Run(() => ReceiveLoopAsync(socket)));
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        CloseSockets();
        await Task.WhenAll(_loops).ConfigureAwait(false);
    }

    private void CloseSockets()
    {
        foreach (Socket socket in _sockets)
        {
            socket.Dispose();
        }

        _sockets.Clear();
    }

    private async Task ReceiveLoopAsync(Socket socket)
    {
        byte[] buffer = new byte[65535];
        EndPoint any = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // an ICMP error from an earlier answer; keep serving
            }

            byte[] datagram = buffer.AsSpan(0, received.ReceivedBytes).ToArray();
            IPEndPoint app = (IPEndPoint)received.RemoteEndPoint;
            _ = Task.Run(() => HandleAsync(socket, app, datagram));
        }
    }

    private async Task HandleAsync(Socket socket, IPEndPoint app, byte[] datagram)
    {
        string where = $"dns: query from {app}";
        try
        {
            DnsMessage query;
            try
            {
                query = DnsMessage.Parse(datagram);
            }
            catch (DnsFormatException e)
            {
                _log(LogText.Escape($"{where}: not a DNS message ({e.Message}); dropped"));
                return;
            }

            if (query.Header.IsResponse || query.Questions.Count != 1)
            {
                _log(LogText.Escape($"{where}: {(query.Header.IsResponse ? "a response, not a query" : $"{query.Questions.Count} questions (one expected)")}; answered FORMERR"));
                await ReplyAsync(socket, app, Error(query, FormErr)).ConfigureAwait(false);
                return;
            }

            byte[] answer = _options.Mode == ProxyMode.Record ? await ForwardAsync(app, query, datagram, where).ConfigureAwait(false) : FromMocks(query);
            await ReplyAsync(socket, app, answer).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            if (!_stop.IsCancellationRequested)
            {
                _log(LogText.Escape($"{where}: {e.Message}"));
            }
        }
    }

    private async Task<byte[]> ForwardAsync(IPEndPoint app, DnsMessage query, byte[] datagram, string where)
    {
        DnsQuestion q = query.Questions[0];
        IPEndPoint? upstream = _options.Upstream(app);
        if (upstream is null)
        {
            _log(LogText.Escape($"{where}: {q.Name} {DnsTypes.Name(q.Type)}: no resolver known (none addressed, none in /etc/resolv.conf); answered SERVFAIL"));
            return Error(query, ServFail);
        }

        DateTimeOffset asked = DateTimeOffset.UtcNow;
        using Socket socket = new(upstream.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        using CancellationTokenSource timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(_options.UpstreamTimeout);
        byte[] buffer = new byte[65535];
        try
        {
            await socket.ConnectAsync(upstream, timeout.Token).ConfigureAwait(false);
            await socket.SendAsync(datagram, SocketFlags.None, timeout.Token).ConfigureAwait(false);
            while (true)
            {
                int n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                byte[] reply = buffer.AsSpan(0, n).ToArray();
                DnsMessage answer;
                try
                {
                    answer = DnsMessage.Parse(reply);
                }
                catch (DnsFormatException e)
                {
                    _log(LogText.Escape($"{where}: the answer of {upstream} does not decode ({e.Message}); relayed, not recorded"));
                    return reply;
                }

                if (answer.Header.Id != query.Header.Id)
                {
                    continue; // not ours (RFC 5452 §4.3); keep waiting
                }

                Record(q, answer, asked);
                return reply;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException && !_stop.IsCancellationRequested)
        {
            _log(LogText.Escape($"{where}: {q.Name} {DnsTypes.Name(q.Type)}: the resolver {upstream} did not answer ({(e is SocketException s ? s.Message : $"{_options.UpstreamTimeout.TotalSeconds:0.#} s")}); answered SERVFAIL"));
            return Error(query, ServFail);
        }
    }

    private void Record(DnsQuestion q, DnsMessage answer, DateTimeOffset asked) => RecordOnce(_recorded, _options.Recorder, q, answer, asked, _options.Debug);

    private byte[] FromMocks(DnsMessage query) => AnswerFromMocks(_options.Mocks!, query, _log, _options.Debug);

    /// <summary>Records the answer to <paramref name="q"/> as a DNS mock unless that (name, type, class) is in <paramref name="recorded"/>.</summary>
    internal static void RecordOnce(ConcurrentDictionary<string, byte> recorded, IMockRecorder? recorder, DnsQuestion q, DnsMessage answer, DateTimeOffset asked, Action<string>? debug)
    {
        string key = $"{q.Name.ToLowerInvariant()} {q.Type} {q.Class}";
        if (recorder is null || !recorded.TryAdd(key, 0))
        {
            return;
        }

        recorder.Record(DnsMockSpec.FromAnswer(q, answer).ToMock(asked, DateTimeOffset.UtcNow));
        debug?.Invoke(LogText.Escape($"dns: recorded {q.Name} {DnsTypes.Name(q.Type)} (rcode {answer.Header.ResponseCode}, {answer.Answers.Count} answers)"));
    }

    /// <summary>The answer to a one-question query from the DNS mocks of <paramref name="pool"/>, or SERVFAIL with a reported miss.</summary>
    internal static byte[] AnswerFromMocks(MockPool pool, DnsMessage query, Action<string> log, Action<string>? debug)
    {
        DnsQuestion q = query.Questions[0];
        MockMatch? match = MockMatchRule.Find(pool, pool.GetCandidates(DnsMockSpec.Kind), DnsMockSpec.View(q.Name, q.Type, q.Class), m =>
        {
            DnsMockSpec s = DnsMockSpec.FromMock(m);
            return DnsMockSpec.View(s.Name, s.Type, s.Class);
        });
        if (match is not null)
        {
            debug?.Invoke(LogText.Escape($"dns: {q.Name} {DnsTypes.Name(q.Type)} answered by {match.Mock.Name}"));
            return DnsMockSpec.FromMock(match.Mock).Answer(query).Encode();
        }

        string? closest = pool.GetAll(DnsMockSpec.Kind).FirstOrDefault(m => string.Equals(DnsMockSpec.FromMock(m).Name, q.Name, StringComparison.OrdinalIgnoreCase))?.Name;
        string summary = $"DNS {q.Name} {DnsTypes.Name(q.Type)} {DnsTypes.ClassName(q.Class)}: no DNS mock has this question; answered SERVFAIL";
        log(LogText.Escape("dns: " + summary));
        pool.ReportMiss(new MockMiss(DnsMockSpec.Kind, summary, closest, closest is null ? null : "recorded for another type or class", "dns"));
        return Error(query, ServFail);
    }

    /// <summary>An answer with no records and <paramref name="rcode"/> (1 FORMERR, 2 SERVFAIL).</summary>
    internal static byte[] Error(DnsMessage query, int rcode) =>
        new DnsMessage(new DnsHeader(query.Header.Id, DnsHeader.AnswerFlags(query.Header.Flags, false, false, true, rcode)), query.Questions, [], [], []).Encode();

    private async Task ReplyAsync(Socket socket, IPEndPoint app, byte[] answer) =>
        await socket.SendToAsync(answer, SocketFlags.None, app, _stop.Token).ConfigureAwait(false);
}
