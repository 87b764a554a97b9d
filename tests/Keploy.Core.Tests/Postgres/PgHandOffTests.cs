using System.Net;
using System.Security.Cryptography;
using System.Text;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Postgres;
using Keploy.Core.Proxy;
using Npgsql;

namespace Keploy.Core.Tests.Postgres;

/// <summary>
/// The record-mode hand-off (issue 12): once a connection's startup is over, <see cref="PostgresRecorder"/> gives both sockets to
/// <see cref="SocketRelay.Recording"/> with a tap. Against the real server: the mocks must be the ones the pipe pumps record, and
/// bytes the pumps had read past their last whole message must still cross once, in order, and be recorded.
/// </summary>
[Trait("Category", "Postgres")]
public sealed class PgHandOffTests
{
    private static readonly IPEndPoint Server = new(IPAddress.Loopback, 55432);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Relay_thread_records_the_same_mocks_as_the_pipe_pumps()
    {
        PostgresTestPaths.EnsureServer();
        (List<(string Requests, string Responses)> relayed, int activeDuring) = await RecordSessionAsync(handOff: true);
        (List<(string Requests, string Responses)> pumped, _) = await RecordSessionAsync(handOff: false);

        Assert.True(activeDuring > 0, "the connection was not handed to the record relay");
        Assert.Equal(pumped.Count, relayed.Count);
        for (int i = 0; i < pumped.Count; i++)
        {
            Assert.Equal(pumped[i].Requests, relayed[i].Requests);
            Assert.Equal(pumped[i].Responses, relayed[i].Responses);
        }
    }

    [Fact]
    public async Task Bytes_read_before_the_hand_off_cross_once_and_are_recorded()
    {
        PostgresTestPaths.EnsureServer();
        MemoryRecorder recorder = new();
        var (proxy, log) = await PgHarness.StartRecordAsync(recorder, Server);
        await using (proxy)
        {
            using RawPgClient client = await RawPgClient.ConnectAsync(proxy.Port);
            const string user = "keploy_md5";
            await client.SendAsync(new Protocols.Postgres.Messages.StartupMessage(Protocols.Postgres.Messages.StartupMessage.Version30,
                new[] { KeyValuePair.Create("user", user), KeyValuePair.Create("database", "keploy") }).Encode());
            PgFrame md5 = await client.ReadAsync().WaitAsync(Bound);
            Assert.Equal((byte)'R', md5.Type);
            byte[] salt = md5.Raw[9..13];
            string inner = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes("keploy" + user)));
            string outer = "md5" + Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(inner).Concat(salt).ToArray()));
            byte[] password = new PgWriter((byte)'p').CString(outer).ToArray();
            byte[] query = new PgWriter((byte)'Q').CString("SELECT 'handed over' AS a, 42 AS b").ToArray();

            // The password and the first 7 bytes of the query in one write: the pumps read the partial query before the startup
            // ends, so the hand-off has to carry it over; the rest of the query follows on the relay thread.
            await client.SendAsync(password, query[..7]);
            List<PgFrame> startup = await client.ReadUntilReadyAsync().WaitAsync(Bound);
            Assert.Contains(startup, f => f.Type == (byte)'K');
            await Task.Delay(200); // the hand-off happens after the ReadyForQuery went out
            await client.SendAsync(query[7..]);
            List<PgFrame> answer = await client.ReadUntilReadyAsync().WaitAsync(Bound);
            Assert.Equal(new[] { 'T', 'D', 'C', 'Z' }, answer.Select(f => f.Letter));
            Assert.Contains("handed over", Encoding.UTF8.GetString(answer[1].Raw));
            await client.SendAsync(new PgWriter((byte)'X').ToArray());
            await WaitForAsync(() => recorder.Mocks.Any(m => PostgresMockReader.ReadFrames(m).Requests.Any(r => r.Type == (byte)'Q')));
            await proxy.StopAsync(TimeSpan.FromSeconds(5));
        }

        Mock queryMock = recorder.Mocks.Single(m => PostgresMockReader.ReadFrames(m).Requests.Any(r => r.Type == (byte)'Q'));
        var (requests, responses) = PostgresMockReader.ReadFrames(queryMock);
        Assert.Equal("SELECT 'handed over' AS a, 42 AS b", Encoding.UTF8.GetString(requests.Single().Raw[5..^1]));
        Assert.Equal(new[] { 'T', 'D', 'C', 'Z' }, responses.Select(f => f.Letter));
        Assert.DoesNotContain(log, l => l.Contains("malformed", StringComparison.Ordinal) || l.Contains("middle of", StringComparison.Ordinal));
    }

    // One Npgsql session (simple and extended queries, a 300 KB result, a pipelined batch, an error and what follows it), recorded
    // with the hand-off on or off: each recorded exchange after the startup as its requests' and responses' bytes.
    private static async Task<(List<(string Requests, string Responses)> Exchanges, int ActiveDuring)> RecordSessionAsync(bool handOff)
    {
        bool before = PostgresRecorder.HandOffEnabled;
        PostgresRecorder.HandOffEnabled = handOff;
        MemoryRecorder recorder = new();
        int active;
        try
        {
            var (proxy, _) = await PgHarness.StartRecordAsync(recorder, Server);
            await using (proxy)
            {
                // A connection string of its own per run: were the second proxy to get the first one's port, Npgsql would otherwise
                // reuse the first data source's loaded types and the second session would send fewer queries.
                await using (NpgsqlConnection conn = new(PgHarness.Via(proxy.Port) + $";Application Name=handoff-{handOff}"))
                {
                    await conn.OpenAsync();
                    await using (NpgsqlCommand simple = new("SELECT 1", conn))
                    {
                        Assert.Equal(1, await simple.ExecuteScalarAsync());
                    }

                    active = SocketRelay.IsSupported ? SocketRelay.Recording.Active : 0;
                    await using (NpgsqlCommand param = new("SELECT $1::text || '-' || $2::int", conn))
                    {
                        param.Parameters.AddWithValue("x");
                        param.Parameters.AddWithValue(7);
                        Assert.Equal("x-7", await param.ExecuteScalarAsync());
                    }

                    await using (NpgsqlCommand big = new("SELECT string_agg(md5(i::text), ',') FROM generate_series(1, 9000) i", conn))
                    {
                        Assert.True(((string)(await big.ExecuteScalarAsync())!).Length > 290_000);
                    }

                    await using (NpgsqlBatch batch = new(conn))
                    {
                        for (int i = 0; i < 5; i++)
                        {
                            batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT {i} * 11"));
                        }

                        await using NpgsqlDataReader reader = await batch.ExecuteReaderAsync();
                        int results = 0;
                        do
                        {
                            while (await reader.ReadAsync())
                            {
                                Assert.Equal(results * 11, reader.GetInt32(0));
                            }

                            results++;
                        }
                        while (await reader.NextResultAsync());
                        Assert.Equal(5, results);
                    }

                    await using (NpgsqlCommand bad = new("SELECT 1/0", conn))
                    {
                        await Assert.ThrowsAsync<PostgresException>(() => bad.ExecuteScalarAsync());
                    }

                    await using (NpgsqlCommand after = new("SELECT 'still here'", conn))
                    {
                        Assert.Equal("still here", await after.ExecuteScalarAsync());
                    }
                }

                await WaitForAsync(() => recorder.Mocks.Count(m => PgHarness.Type(m) != "config") >= 6);
                await proxy.StopAsync(TimeSpan.FromSeconds(5));
            }
        }
        finally
        {
            PostgresRecorder.HandOffEnabled = before;
        }

        List<(string, string)> exchanges = recorder.Mocks.Where(m => PgHarness.Type(m) != "config").Select(m =>
        {
            var (requests, responses) = PostgresMockReader.ReadFrames(m);
            return (string.Join(",", requests.Select(f => Convert.ToHexString(f.Raw))), string.Join(",", responses.Select(f => Convert.ToHexString(f.Raw))));
        }).ToList();
        return (exchanges, active);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (int i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), "the recorder did not write the expected mocks within 10 s");
    }
}
