using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Keploy.Core.Protocols.MySql;
using Keploy.Core.Protocols.MySql.Messages;
using Keploy.Core.Tests.Postgres;
using MySqlConnector;
using MySqlCommand = MySqlConnector.MySqlCommand;

namespace Keploy.Core.Tests.MySql;

/// <summary>Decode → encode of every packet MariaDB and MySqlConnector exchanged gives the same bytes.</summary>
[Trait("Category", "MySql")]
public sealed class MySqlCodecTests
{
    /// <summary>A TCP relay on a free port that keeps both directions' bytes (client→server, server→client).</summary>
    private sealed class Tee : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Task _run;

        public Tee(int target)
        {
            _listener.Start();
            _run = Task.Run(async () =>
            {
                using TcpClient app = await _listener.AcceptTcpClientAsync();
                using TcpClient server = new();
                await server.ConnectAsync(IPAddress.Loopback, target);
                await Task.WhenAll(Copy(app.GetStream(), server.GetStream(), Up), Copy(server.GetStream(), app.GetStream(), Down));
            });
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public MemoryStream Up { get; } = new();

        public MemoryStream Down { get; } = new();

        private static async Task Copy(NetworkStream from, NetworkStream to, MemoryStream keep)
        {
            byte[] buffer = new byte[65536];
            try
            {
                int n;
                while ((n = await from.ReadAsync(buffer)) > 0)
                {
                    lock (keep)
                    {
                        keep.Write(buffer, 0, n);
                    }

                    await to.WriteAsync(buffer.AsMemory(0, n));
                }

                to.Socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            await Task.WhenAny(_run, Task.Delay(TimeSpan.FromSeconds(30)));
        }
    }

    private static Queue<MySqlPacket> Packets(MemoryStream s)
    {
        ReadOnlySequence<byte> seq = new(s.ToArray());
        Queue<MySqlPacket> q = new();
        while (MySqlPacketReader.TryRead(ref seq, out MySqlPacket p))
        {
            q.Enqueue(p);
        }

        Assert.True(seq.IsEmpty, "a truncated packet was captured");
        return q;
    }

    [Fact]
    public async Task Every_captured_MariaDB_packet_decodes_and_encodes_back_to_its_bytes()
    {
        string table = "kc_" + Guid.NewGuid().ToString("N")[..12];
        MemoryRecorder recorder = new();

        // app → recording proxy (plain protocol offered) → tee → MariaDB: the tee sees the real server's bytes.
        Tee tee = new(MariaDbServer.Port);
        var (proxy, _) = MySqlHarness.StartRecord(recorder, tee.Port);
        await using (proxy)
        {
            await using MySqlConnection c = new(MySqlHarness.Via(proxy.Port));
            await c.OpenAsync();
            await using (MySqlCommand cmd = new($"CREATE TABLE {table} (id INT PRIMARY KEY, f DOUBLE, d DATE, t TIME(3), b BLOB, u TINYINT UNSIGNED)", c))
            {
                await cmd.ExecuteNonQueryAsync();
            }

            await using (MySqlCommand cmd = new($"INSERT INTO {table} VALUES (1, 2.5, '2026-12-02', '-27:04:05.250', x'00ff10', 200), (2, NULL, NULL, NULL, NULL, NULL)", c))
            {
                await cmd.ExecuteNonQueryAsync();
            }

            await using (MySqlCommand cmd = new($"SELECT * FROM {table} WHERE id >= @id; SELECT 'x'", c))
            {
                cmd.Parameters.AddWithValue("@id", 0);
                await using MySqlDataReader r = await cmd.ExecuteReaderAsync();
                while (await r.NextResultAsync())
                {
                }
            }

            await using (MySqlCommand cmd = new($"SELECT * FROM {table} WHERE id >= @id AND f IS NULL OR b = @b", c))
            {
                cmd.Parameters.AddWithValue("@id", 1);
                cmd.Parameters.AddWithValue("@b", new byte[] { 0, 255, 16 });
                await cmd.PrepareAsync();
                await using MySqlDataReader r = await cmd.ExecuteReaderAsync();
                while (await r.ReadAsync())
                {
                }
            }

            await using (MySqlCommand cmd = new($"DROP TABLE {table}", c))
            {
                await cmd.ExecuteNonQueryAsync();
            }

            await proxy.StopAsync(TimeSpan.FromSeconds(5));
        }

        await tee.DisposeAsync();
        Queue<MySqlPacket> up = Packets(tee.Up), down = Packets(tee.Down);
        MySqlSession session = new();
        MySqlPacket greeting = down.Dequeue();
        HandshakeV10 hs = HandshakeV10.Decode(greeting.Payload);
        Assert.Equal(greeting.Payload, hs.Encode(session));
        Assert.Contains("MariaDB", hs.ServerVersion);
        session.ServerCapabilities = hs.CapabilityFlags;
        MySqlPacket response = up.Dequeue();
        HandshakeResponse41 hr = HandshakeResponse41.Decode(response.Payload);
        Assert.Equal(response.Payload, hr.Encode(session));
        session.ClientCapabilities = hr.CapabilityFlags;
        while (down.Peek().First != 0x00)
        {
            down.Dequeue(); // authentication packets up to the OK
            up.Dequeue();
        }

        Assert.True(OkPacket.Is(down.Dequeue().Payload));
        int commands = 0, resultSets = 0;
        while (up.Count > 0)
        {
            MySqlPacket p = up.Dequeue();
            MySqlSinglePacket msg = MySqlRequestDecoder.Decode(p, session);
            Assert.Equal(p.Payload, msg.Encode(session));
            commands++;
            if (MySqlCommand_HasNoResponse(p.Payload[0]))
            {
                continue;
            }

            MySqlResponseReader reader = new(p.Payload[0], session);
            List<byte[]> sent = new();
            while (true)
            {
                MySqlPacket r = down.Dequeue();
                sent.Add(r.Payload);
                if (reader.Add(r))
                {
                    break;
                }
            }

            List<byte[]> encoded = new();
            foreach (MySqlEntry e in reader.Entries)
            {
                switch (e.Message)
                {
                    case ResultSet rs:
                        resultSets++;
                        encoded.AddRange(rs.Payloads(session));
                        break;
                    case ComStmtPrepareOk ok:
                        session.Statements[ok.StatementId] = new MySqlStatement(((ComStmtPrepare)msg).Query, ok.NumParams, ok.NumColumns);
                        encoded.AddRange(ok.Payloads(session, ok.StatementId));
                        break;
                    case MySqlSinglePacket single:
                        encoded.Add(single.Encode(session));
                        break;
                }
            }

            Assert.Equal(sent.Count, encoded.Count);
            for (int i = 0; i < sent.Count; i++)
            {
                Assert.True(sent[i].AsSpan().SequenceEqual(encoded[i]), $"{msg.PacketType} answer packet {i}: {Convert.ToHexString(sent[i])} re-encoded as {Convert.ToHexString(encoded[i])}");
            }
        }

        Assert.Empty(down);
        Assert.True(commands >= 6, $"{commands} commands");
        Assert.True(resultSets >= 3, $"{resultSets} result sets");
    }

    private static bool MySqlCommand_HasNoResponse(byte command) => Keploy.Core.Protocols.MySql.MySqlCommand.HasNoResponse(command);
}
