using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Postgres;
using Keploy.Core.Protocols.Postgres.Messages;
using Keploy.Core.Proxy;
using Keploy.Core.Replay;
using Npgsql;

namespace Keploy.Core.Tests.Postgres;

/// <summary>Sends each connection wherever <see cref="Target"/> points when it arrives.</summary>
internal sealed class SwitchableResolver(IPEndPoint target) : IDestinationResolver
{
    public IPEndPoint Target { get; set; } = target;

    public bool TryResolve(IPEndPoint clientEndPoint, out IPEndPoint destination)
    {
        destination = Target;
        return true;
    }
}

/// <summary>COPY, LISTEN/NOTIFY, CancelRequest, Execute row limits and bad server bytes through the proxy, against the real server.</summary>
[Trait("Category", "Postgres")]
public sealed class PgProtocolFlowTests
{
    private static readonly IPEndPoint Server = new(IPAddress.Loopback, 55432);

    private static List<(List<PgFrame> Requests, List<PgFrame> Responses)> Frames(IEnumerable<Mock> mocks) =>
        mocks.Select(m => PostgresMockReader.ReadFrames(m)).Select(t => (t.Requests, t.Responses)).ToList();

    [Fact]
    public async Task Copy_from_stdin_and_to_stdout_through_the_recording_proxy()
    {
        PostgresTestPaths.EnsureServer();
        await using (NpgsqlConnection direct = new(PostgresTestPaths.ConnectionString))
        {
            await direct.OpenAsync();
            await using NpgsqlCommand create = new("CREATE TABLE IF NOT EXISTS pgtest_copy (id int, name text); TRUNCATE pgtest_copy", direct);
            await create.ExecuteNonQueryAsync();
        }

        MemoryRecorder recorder = new();
        var (proxy, log) = await PgHarness.StartRecordAsync(recorder, Server);
        List<string> exported = new();
        ulong imported;
        await using (proxy)
        {
            await using (NpgsqlConnection conn = new(PgHarness.Via(proxy.Port)))
            {
                await conn.OpenAsync();
                await using (NpgsqlBinaryImporter import = await conn.BeginBinaryImportAsync("COPY pgtest_copy (id, name) FROM STDIN (FORMAT BINARY)"))
                {
                    for (int i = 1; i <= 500; i++)
                    {
                        await import.StartRowAsync();
                        await import.WriteAsync(i, NpgsqlTypes.NpgsqlDbType.Integer);
                        await import.WriteAsync("name-" + i, NpgsqlTypes.NpgsqlDbType.Text);
                    }

                    imported = await import.CompleteAsync();
                }

                using (TextReader export = await conn.BeginTextExportAsync("COPY (SELECT id, name FROM pgtest_copy ORDER BY id) TO STDOUT"))
                {
                    while (await export.ReadLineAsync() is { } line)
                    {
                        exported.Add(line);
                    }
                }

                await using NpgsqlCommand after = new("SELECT count(*) FROM pgtest_copy", conn);
                Assert.Equal(500L, await after.ExecuteScalarAsync());
            }

            await proxy.StopAsync(TimeSpan.FromSeconds(5));
        }

        Assert.Equal(500UL, imported);
        Assert.Equal(500, exported.Count);
        Assert.Equal("1\tname-1", exported[0]);
        Assert.Equal("500\tname-500", exported[^1]);
        Assert.DoesNotContain(log, l => l.Contains("malformed") || l.Contains("truncated"));

        // One mock holds the whole COPY FROM: Query, every CopyData, CopyDone; CopyInResponse, CommandComplete "COPY 500", ReadyForQuery.
        var frames = Frames(recorder.Mocks);
        var copyIn = Assert.Single(frames, f => f.Responses.Any(r => r.Letter == 'G'));
        Assert.Equal('Q', copyIn.Requests[0].Letter);
        Assert.Equal('c', copyIn.Requests[^1].Letter);
        Assert.True(copyIn.Requests.Count(r => r.Letter == 'd') >= 1);
        Assert.Contains(copyIn.Responses, r => r.Letter == 'C' && System.Text.Encoding.ASCII.GetString(r.Raw).Contains("COPY 500"));
        Assert.Equal('Z', copyIn.Responses[^1].Letter);

        // COPY TO: CopyOutResponse, CopyData rows (500 lines in all), CopyDone, CommandComplete, ReadyForQuery.
        var copyOut = Assert.Single(frames, f => f.Responses.Any(r => r.Letter == 'H'));
        Assert.Equal(new[] { 'c', 'C', 'Z' }, copyOut.Responses.TakeLast(3).Select(r => r.Letter));
        string data = string.Concat(copyOut.Responses.Where(r => r.Letter == 'd').Select(r => System.Text.Encoding.UTF8.GetString(r.Body.Span)));
        Assert.Equal(500, data.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Listen_notify_relays_the_NotificationResponse()
    {
        PostgresTestPaths.EnsureServer();
        MemoryRecorder recorder = new();
        var (proxy, log) = await PgHarness.StartRecordAsync(recorder, Server);
        await using (proxy)
        {
            await using (NpgsqlConnection listener = new(PgHarness.Via(proxy.Port)))
            {
                await listener.OpenAsync();
                ConcurrentQueue<(string Channel, string Payload)> got = new();
                listener.Notification += (_, e) => got.Enqueue((e.Channel, e.Payload));
                await using (NpgsqlCommand listen = new("LISTEN keploy_chan", listener))
                {
                    await listen.ExecuteNonQueryAsync();
                }

                await using (NpgsqlConnection notifier = new(PgHarness.Via(proxy.Port)))
                {
                    await notifier.OpenAsync();
                    await using NpgsqlCommand notify = new("SELECT pg_notify('keploy_chan', 'stock changed')", notifier);
                    await notify.ExecuteNonQueryAsync();
                }

                // Bounded wait: the notification arrives on its own, between requests.
                Assert.True(await listener.WaitAsync(TimeSpan.FromSeconds(10)), "no notification within 10 s");
                Assert.Equal(("keploy_chan", "stock changed"), Assert.Single(got));

                await using NpgsqlCommand still = new("SELECT 'after notify'", listener);
                Assert.Equal("after notify", await still.ExecuteScalarAsync());
            }

            await proxy.StopAsync(TimeSpan.FromSeconds(5));
        }

        Assert.DoesNotContain(log, l => l.Contains("malformed"));
        Assert.Contains(Frames(recorder.Mocks), f => f.Responses.Any(r => r.Letter == 'A'));
    }

    [Fact]
    public async Task CancelRequest_on_its_own_connection_cancels_and_the_proxy_survives()
    {
        PostgresTestPaths.EnsureServer();
        MemoryRecorder recorder = new();
        var (proxy, log) = await PgHarness.StartRecordAsync(recorder, Server);
        await using (proxy)
        {
            await using (NpgsqlConnection conn = new(PgHarness.Via(proxy.Port)))
            {
                await conn.OpenAsync();
                await using NpgsqlCommand sleep = new("SELECT pg_sleep(10)", conn);
                using CancellationTokenSource cts = new();
                Task<object?> running = sleep.ExecuteScalarAsync(cts.Token);
                await Task.Delay(300);
                cts.Cancel();
                OperationCanceledException ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);

                // 57014 query_canceled: the server got the CancelRequest (relayed on its own connection) and stopped the query.
                Assert.Equal("57014", Assert.IsType<PostgresException>(ex.InnerException).SqlState);
                await using NpgsqlCommand again = new("SELECT 'same connection'", conn);
                Assert.Equal("same connection", await again.ExecuteScalarAsync());
                await using NpgsqlConnection other = new(PgHarness.Via(proxy.Port));
                await other.OpenAsync();
                await using NpgsqlCommand third = new("SELECT 'new connection'", other);
                Assert.Equal("new connection", await third.ExecuteScalarAsync());
            }

            await proxy.StopAsync(TimeSpan.FromSeconds(5));
        }

        Assert.Contains(log, l => l.Contains("CancelRequest relayed"));
        Assert.Contains(Frames(recorder.Mocks), f => f.Responses.Any(r => r.Letter == 'E' && System.Text.Encoding.UTF8.GetString(r.Raw).Contains("57014")));
    }

    [Fact]
    public async Task Execute_with_a_row_limit_gets_PortalSuspended_recorded_and_replayed()
    {
        PostgresTestPaths.EnsureServer();
        byte[][] bundle =
        {
            new Parse("", "SELECT g FROM generate_series(1, 5) AS g", Array.Empty<int>()).Encode(),
            new Bind("", "", Array.Empty<short>(), Array.Empty<byte[]?>(), Array.Empty<short>()).Encode(),
            new Execute("", 2).Encode(),
            new Execute("", 2).Encode(),
            new Execute("", 0).Encode(),
            Sync.Encode(),
        };

        MemoryRecorder recorder = new();
        List<PgFrame> live;
        var (proxy, log) = await PgHarness.StartRecordAsync(recorder, Server);
        await using (proxy)
        {
            using (RawPgClient client = await RawPgClient.ConnectAsync(proxy.Port))
            {
                await client.StartupMd5Async();
                await client.SendAsync(bundle);
                live = await client.ReadUntilReadyAsync();
            }

            await proxy.StopAsync(TimeSpan.FromSeconds(5));
        }

        // ParseComplete, BindComplete, 2 rows + PortalSuspended, 2 rows + PortalSuspended, 1 row + CommandComplete "SELECT 1", ReadyForQuery.
        Assert.Equal("12DDsDDsDCZ", new string(live.Select(f => f.Letter).ToArray()));
        Assert.DoesNotContain(log, l => l.Contains("malformed"));

        MockPool pool = new(recorder.Mocks.ToList(), null);
        var (replay, replayLog) = PgHarness.StartReplay(pool);
        await using (replay)
        {
            using RawPgClient client = await RawPgClient.ConnectAsync(replay.Port);
            await client.StartupMd5Async();
            await client.SendAsync(bundle);
            List<PgFrame> replayed = await client.ReadUntilReadyAsync();
            Assert.Equal(live.Select(f => Convert.ToHexString(f.Raw)), replayed.Select(f => Convert.ToHexString(f.Raw)));
            Assert.DoesNotContain(pool.TakeEvents(), e => e.Miss is not null);
        }
    }

    [Theory]
    [InlineData("FF0000000901020304", "malformed backend traffic")] // unknown type byte
    [InlineData("52000000640000", "server closed in the middle of a")] // 'R' claiming 100 bytes, then EOF
    public async Task Bad_bytes_from_the_server_close_that_connection_with_one_line_and_the_proxy_keeps_serving(string junkHex, string expected)
    {
        PostgresTestPaths.EnsureServer();
        using TcpListener fake = new(IPAddress.Loopback, 0);
        fake.Start();
        IPEndPoint fakeEndPoint = (IPEndPoint)fake.LocalEndpoint;
        Task serve = Task.Run(async () =>
        {
            using Socket s = await fake.AcceptSocketAsync();
            byte[] buf = new byte[1024];
            await s.ReceiveAsync(buf); // the StartupMessage
            await s.SendAsync(Convert.FromHexString(junkHex));
            s.Shutdown(SocketShutdown.Send);
            while (await s.ReceiveAsync(buf) > 0)
            {
            }
        });

        SwitchableResolver resolver = new(fakeEndPoint);
        ConcurrentQueue<string> log = new();
        MemoryRecorder recorder = new();
        await using ProxyServer proxy = new(new ProxyServerOptions { Mode = ProxyMode.Record, Port = 0, Addresses = new[] { IPAddress.Loopback }, Recorder = recorder },
            new IProtocolIntegration[] { new PostgresIntegration() }, resolver, log.Enqueue);
        proxy.Start();

        // A raw client (Npgsql would open a second attempt, which the one-shot fake server never answers): the proxy closes it.
        using (RawPgClient victim = await RawPgClient.ConnectAsync(proxy.Port))
        {
            await Assert.ThrowsAsync<EndOfStreamException>(() => victim.StartupMd5Async());
        }

        await serve;

        // Other connections are served: the next one goes to the real server.
        resolver.Target = Server;
        await using (NpgsqlConnection good = new(PgHarness.Via(proxy.Port)))
        {
            await good.OpenAsync();
            await using NpgsqlCommand c = new("SELECT 'served'", good);
            Assert.Equal("served", await c.ExecuteScalarAsync());
        }

        await proxy.StopAsync(TimeSpan.FromSeconds(5));
        string[] lines = log.Where(l => l.Contains(fakeEndPoint.ToString(), StringComparison.Ordinal)).ToArray();
        string line = Assert.Single(lines);
        Assert.Contains(expected, line);
        Assert.StartsWith("proxy: connection ", line);
        Assert.DoesNotContain(log, l => l.Contains("   at ", StringComparison.Ordinal));
    }
}
