using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Keploy.Core.Protocols.Postgres;
using Keploy.Core.Protocols.Postgres.Messages;

namespace Keploy.Core.Tests.Postgres;

/// <summary>A byte-level PostgreSQL client for tests: sends encoded frontend messages, reads backend frames.</summary>
internal sealed class RawPgClient : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private byte[] _buffer = Array.Empty<byte>();

    public static async Task<RawPgClient> ConnectAsync(int port)
    {
        RawPgClient c = new();
        await c._socket.ConnectAsync(IPAddress.Loopback, port);
        return c;
    }

    public Task SendAsync(params byte[][] messages) => _socket.SendAsync(messages.SelectMany(m => m).ToArray());

    /// <summary>StartupMessage as <c>keploy_md5</c>, answering an MD5 request (or none, in replay); returns after ReadyForQuery.</summary>
    public async Task<List<PgFrame>> StartupMd5Async(string password = "keploy")
    {
        const string user = "keploy_md5";
        await SendAsync(new StartupMessage(StartupMessage.Version30, new[] { KeyValuePair.Create("user", user), KeyValuePair.Create("database", "keploy") }).Encode());
        List<PgFrame> frames = new();
        while (true)
        {
            PgFrame f = await ReadAsync();
            frames.Add(f);
            if (f.Type == (byte)'R' && f.Raw.Length == 13 && f.Raw[8] == 5)
            {
                byte[] salt = f.Raw[9..13];
                string inner = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(password + user)));
                string outer = "md5" + Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(inner).Concat(salt).ToArray()));
                await SendAsync(new PgWriter((byte)'p').CString(outer).ToArray());
            }
            else if (f.Type == (byte)'Z')
            {
                return frames;
            }
            else if (f.Type == (byte)'E')
            {
                throw new InvalidOperationException("startup failed: " + Encoding.UTF8.GetString(f.Raw));
            }
        }
    }

    /// <summary>Reads frames up to and including ReadyForQuery.</summary>
    public async Task<List<PgFrame>> ReadUntilReadyAsync()
    {
        List<PgFrame> frames = new();
        while (true)
        {
            PgFrame f = await ReadAsync();
            frames.Add(f);
            if (f.Type == (byte)'Z')
            {
                return frames;
            }
        }
    }

    public async Task<PgFrame> ReadAsync()
    {
        while (true)
        {
            ReadOnlySequence<byte> seq = new(_buffer);
            if (PgFrameReader.TryRead(ref seq, untyped: false, frontend: false, out PgFrame frame))
            {
                _buffer = seq.ToArray();
                return new PgFrame(frame.Type, frame.Raw.ToArray());
            }

            byte[] chunk = new byte[8192];
            int n = await _socket.ReceiveAsync(chunk);
            if (n == 0)
            {
                throw new EndOfStreamException($"server closed with {_buffer.Length} unread byte(s)");
            }

            _buffer = _buffer.Concat(chunk[..n]).ToArray();
        }
    }

    public void Dispose() => _socket.Dispose();
}
