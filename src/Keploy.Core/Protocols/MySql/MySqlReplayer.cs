using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Keploy.Core.Models;
using Keploy.Core.Proxy;
using Keploy.Core.Protocols.MySql.Messages;
using Keploy.Core.Replay;
using Keploy.Core.Replay.Matching;

namespace Keploy.Core.Protocols.MySql;

/// <summary>
/// Test mode for one connection: plays the MySQL server from the mocks. The greeting is the recorded HandshakeV10 (or a
/// synthesised one) without CLIENT_COMPRESS, zstd, optional metadata, session tracking, LOCAL INFILE, MariaDB extensions, and
/// CLIENT_SSL unless TLS interception is on (then an SSLRequest gets TLS with the keploy CA). Any password is accepted:
/// mysql_native_password gets OK, caching_sha2_password gets AuthMoreData FastAuthSuccess + OK, any other plugin an
/// AuthSwitchRequest to mysql_native_password first. Each command is matched with <see cref="MockMatchRule"/> against
/// <see cref="MockPool.GetCandidates"/> (exact, then volatile) and answered with the recorded packets, EOFs re-framed for the
/// client's CLIENT_DEPRECATE_EOF and statement ids of this connection. No match: ERR 1105 HY000 naming the closest mock, and
/// <see cref="MockPool.ReportMiss"/>. COM_PING, COM_RESET_CONNECTION, COM_INIT_DB and COM_CHANGE_USER without a mock get OK.
/// </summary>
internal sealed class MySqlReplayer
{
    private const uint NeverOffered = MySqlRecorder.Unsupported | MySqlCapabilities.SessionTrack | MySqlCapabilities.LocalFiles;
    private readonly ProxyConnection _connection;
    private readonly MockPool _pool;
    private readonly MySqlMockIndex _index;
    private readonly MySqlSession _session = new();
    private readonly Dictionary<uint, string> _queries = new();
    private uint _nextStatement = 1;

    public MySqlReplayer(ProxyConnection connection)
    {
        _connection = connection;
        _pool = connection.Mocks!;
        _index = MySqlMockIndex.For(_pool, connection.Log);
    }

    public async Task RunAsync(CancellationToken ct)
    {
        IDuplexPipe app = _connection.Client;
        Keploy.Core.Tls.TlsDuplexPipe? appTls = null;
        try
        {
            HandshakeV10 greeting = Greeting();
            _session.ServerCapabilities = greeting.CapabilityFlags;
            await SendAsync(app.Output, 0, [greeting.Encode(_session)], ct).ConfigureAwait(false);
            MySqlPacket? first = await MySqlPacketReader.ReadAsync(app.Input, ct).ConfigureAwait(false);
            if (first is not { } response)
            {
                return;
            }

            if (SslRequest.Is(response.Payload) && _connection.Tls is { } tls)
            {
                Keploy.Core.Tls.TlsClientHello? hello = await Keploy.Core.Tls.TlsInterception.PeekClientHelloAsync(app.Input, ct).ConfigureAwait(false);
                try
                {
                    appTls = await tls.AcceptAsync(app, hello?.ServerName, _connection.Destination.Address, Array.Empty<string>(), ct).ConfigureAwait(false);
                }
                catch (Keploy.Core.Tls.TlsClientRejectedException)
                {
                    tls.ReportRejected(_connection.Destination, hello?.ServerName, _connection.Log);
                    _pool.ReportMiss(new MockMiss(MySqlIntegration.MockKind, $"TLS connection to {_connection.Destination} (the app does not trust the keploy CA)", null, null, _connection.Destination.ToString()));
                    return;
                }

                app = appTls;
                first = await MySqlPacketReader.ReadAsync(app.Input, ct).ConfigureAwait(false);
                if (first is not { } afterTls)
                {
                    return;
                }

                response = afterTls;
            }

            HandshakeResponse41 hr = HandshakeResponse41.Decode(response.Payload);
            _session.ClientCapabilities = hr.CapabilityFlags;
            byte seq = (byte)(response.SequenceId + 1);
            if (!await AuthenticateAsync(app, hr.AuthPluginName, seq, greeting.AuthPluginData, ct).ConfigureAwait(false))
            {
                return;
            }

            await CommandsAsync(app, ct).ConfigureAwait(false);
        }
        catch (MySqlProtocolException ex)
        {
            _connection.Log($"closing: malformed client traffic: {ex.Message}");
        }
        finally
        {
            if (appTls is not null)
            {
                await appTls.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private HandshakeV10 Greeting()
    {
        uint remove = NeverOffered | (_connection.Tls is null ? MySqlCapabilities.Ssl : 0);
        HandshakeV10? recorded = _index.Handshakes.Select(h => h.Responses.FirstOrDefault()?.Message).OfType<HandshakeV10>().FirstOrDefault();
        byte[] scramble = RandomScramble();
        HandshakeV10 g = recorded ?? new HandshakeV10(10, "8.0.36-keploy", 1, scramble, 0, 0xDFFFFFFF, 255, MySqlServerStatus.Autocommit, "mysql_native_password", new byte[10]);
        if (g.AuthPluginData.Length < 21)
        {
            g = g with { AuthPluginData = scramble };
        }

        return g with { CapabilityFlags = (g.CapabilityFlags | MySqlCapabilities.Protocol41 | MySqlCapabilities.SecureConnection | MySqlCapabilities.PluginAuth) & ~remove, Reserved = new byte[10] };
    }

    private static byte[] RandomScramble()
    {
        byte[] s = new byte[21];
        for (int i = 0; i < 20; i++)
        {
            s[i] = (byte)RandomNumberGenerator.GetInt32(33, 127);
        }

        return s;
    }

    private async Task<bool> AuthenticateAsync(IDuplexPipe app, string plugin, byte seq, byte[] scramble, CancellationToken ct)
    {
        byte[] ok = new OkPacket(0, 0, 0, MySqlServerStatus.Autocommit, 0, Array.Empty<byte>()).Encode(_session);
        if (plugin == "caching_sha2_password")
        {
            await SendAsync(app.Output, seq, [new AuthMoreData([AuthMoreData.FastAuthSuccess]).Encode(_session), ok], ct).ConfigureAwait(false);
            return true;
        }

        if (plugin is "mysql_native_password" or "")
        {
            await SendAsync(app.Output, seq, [ok], ct).ConfigureAwait(false);
            return true;
        }

        // Another plugin (client_ed25519, sha256_password, mysql_clear_password): switch to mysql_native_password, accept any answer.
        await SendAsync(app.Output, seq, [new AuthSwitchRequest("mysql_native_password", scramble).Encode(_session)], ct).ConfigureAwait(false);
        MySqlPacket? answer = await MySqlPacketReader.ReadAsync(app.Input, ct).ConfigureAwait(false);
        if (answer is not { } a)
        {
            return false;
        }

        await SendAsync(app.Output, (byte)(a.SequenceId + 1), [ok], ct).ConfigureAwait(false);
        return true;
    }

    private async Task CommandsAsync(IDuplexPipe app, CancellationToken ct)
    {
        while (true)
        {
            MySqlPacket? next = await MySqlPacketReader.ReadAsync(app.Input, ct).ConfigureAwait(false);
            if (next is not { } p)
            {
                return;
            }

            if (p.Payload.Length == 0)
            {
                throw new MySqlProtocolException($"empty client packet (sequence id {p.SequenceId})");
            }

            byte command = p.Payload[0];
            if (command == MySqlCommand.Quit)
            {
                return;
            }

            MySqlSinglePacket msg = command == MySqlCommand.StmtExecute && !_session.Statements.ContainsKey(BitConverter.ToUInt32(p.Payload, 1))
                ? throw new MySqlProtocolException($"COM_STMT_EXECUTE for statement {BitConverter.ToUInt32(p.Payload, 1)}, which was not prepared on this connection")
                : MySqlRequestDecoder.Decode(p, _session);
            byte seq = (byte)(p.SequenceId + 1);
            List<byte[]>? answer = Answer(msg, command);
            if (answer is not null && answer.Count > 0)
            {
                await SendAsync(app.Output, seq, answer, ct).ConfigureAwait(false);
            }

            if (msg is ComStmtClose close)
            {
                _queries.Remove(close.StatementId);
            }
        }
    }

    /// <summary>The payloads answering <paramref name="msg"/> (empty for commands without an answer).</summary>
    private List<byte[]>? Answer(MySqlSinglePacket msg, byte command)
    {
        MatchRequest live = MySqlMatcher.View(msg, id => _queries.TryGetValue(id, out string? q) ? q : null);
        MockMatch? match = MockMatchRule.Find(_pool, _pool.GetCandidates(MySqlIntegration.MockKind), live, m => _index.Get(m)?.View);
        bool silent = MySqlCommand.HasNoResponse(command);
        if (match is null)
        {
            if (silent)
            {
                return new List<byte[]>();
            }

            if (msg is ComPing or ComResetConnection or ComInitDb or ComChangeUser)
            {
                if (msg is ComResetConnection or ComChangeUser)
                {
                    _session.Statements.Clear();
                    _queries.Clear();
                }

                _connection.Debug($"mysql: {MySqlMatcher.Describe(live)} answered OK (no mock)");
                return [new OkPacket(0, 0, 0, MySqlServerStatus.Autocommit, 0, Array.Empty<byte>()).Encode(_session)];
            }

            if (!_pool.StrictMocks && msg is ComQuery q && MySqlSql.IsSessionStatement(q.Query) && MySqlSql.Normalize(q.Query).StartsWith("SET ", StringComparison.OrdinalIgnoreCase))
            {
                // A driver's own session setting (MySqlConnector's SET NAMES) the recording does not have: it returns no data.
                _connection.Warn($"driver upgrade? session statement '{TextDiff.Truncate(q.Query, 120)}' was not recorded; answered OK");
                return [new OkPacket(0, 0, 0, MySqlServerStatus.Autocommit, 0, Array.Empty<byte>()).Encode(_session)];
            }

            return Miss(live);
        }

        _connection.Debug(match.Differences.Count == 0
            ? $"mysql: {MySqlMatcher.Describe(live)} matched {match.Mock.Name}"
            : $"mysql: {MySqlMatcher.Describe(live)} matched {match.Mock.Name} with differences: {FieldDifference.Join(match.Differences)}");
        MySqlRecordedMock recorded = _index.Get(match.Mock)!.Recorded;
        List<byte[]> payloads = new();
        foreach (MySqlEntry e in recorded.Responses)
        {
            switch (e.Message)
            {
                case ResultSet rs:
                    payloads.AddRange(rs.Payloads(_session));
                    break;
                case ComStmtPrepareOk ok when msg is ComStmtPrepare prep:
                {
                    uint id = _nextStatement++;
                    _session.Statements[id] = new MySqlStatement(prep.Query, ok.NumParams, ok.NumColumns);
                    _queries[id] = prep.Query;
                    payloads.AddRange(ok.Payloads(_session, id));
                    break;
                }

                case OkPacket ok when ok.Header == 0xFE:
                    payloads.Add(ResultSet.AdaptTerminator(ok.Encode(_session), _session));
                    break;
                case EofPacket eof:
                    payloads.Add(ResultSet.AdaptTerminator(eof.Encode(_session), _session));
                    break;
                case MySqlSinglePacket single:
                    payloads.Add(single.Encode(_session));
                    break;
                default:
                    throw new MySqlProtocolException($"mock {match.Mock.Name}: cannot send a {e.Message.PacketType}");
            }
        }

        return payloads;
    }

    private List<byte[]> Miss(MatchRequest live)
    {
        string summary = MySqlMatcher.Describe(live);
        Mock? closest = null;
        double best = -1;
        foreach (Mock m in _pool.GetAll(MySqlIntegration.MockKind))
        {
            if (_index.Get(m)?.View is { } v)
            {
                double score = TextDiff.Similarity(live.Shape, v.Shape);
                if (score > best)
                {
                    best = score;
                    closest = m;
                }
            }
        }

        string? diff = closest is null ? null : TextDiff.ExplainLines([summary], [MySqlMatcher.Describe(_index.Get(closest)!.View!)]);
        _pool.ReportMiss(new MockMiss(MySqlIntegration.MockKind, summary, closest?.Name, diff, _connection.Destination.ToString()));
        _connection.Log($"no mock matches {TextDiff.Truncate(summary, 200)}{(closest is null ? "" : $"; closest {closest.Name}")}");
        string text = $"keploy: no mock matches {TextDiff.Truncate(summary, 300)}{(closest is null ? "" : $" (closest {closest.Name})")}";
        return [new ErrPacket(1105, "#", "HY000", text).Encode(_session)];
    }

    private static async Task SendAsync(PipeWriter output, byte seq, IEnumerable<byte[]> payloads, CancellationToken ct)
    {
        foreach (byte[] p in payloads)
        {
            seq = MySqlPacketReader.Write(output, seq, p);
        }

        await output.FlushAsync(ct).ConfigureAwait(false);
    }
}
