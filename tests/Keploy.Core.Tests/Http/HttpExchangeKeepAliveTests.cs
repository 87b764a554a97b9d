using System.Net;
using System.Net.Sockets;
using System.Text;
using Keploy.Core.Protocols.Http;

namespace Keploy.Core.Tests.Http;

/// <summary>
/// The replay's client keeps one HTTP/1.1 connection to the app between requests (RFC 9112 §9.3) and opens a new one when the app
/// said <c>Connection: close</c> or closed it. Served by a real socket server on a free port that counts its connections.
/// </summary>
public sealed class HttpExchangeKeepAliveTests : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;
    private int _connections;

    public HttpExchangeKeepAliveTests()
    {
        _listener.Start();
        _serving = ServeAsync();
    }

    private Uri Target => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _serving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    [Fact]
    public async Task One_connection_serves_consecutive_requests_until_the_app_says_close()
    {
        using HttpConnectionCache cache = new();
        for (int i = 1; i <= 3; i++)
        {
            HttpResponseRecord response = await HttpExchange.SendAsync(Request("/n/" + i), Target, TimeSpan.FromSeconds(10), cache, CancellationToken.None);
            Assert.Equal("reply /n/" + i + " on connection 1", response.Body.Text);
        }

        Assert.Equal(1, Volatile.Read(ref _connections));

        // The app answers this one with Connection: close; the next request needs (and gets) a new connection.
        HttpResponseRecord closing = await HttpExchange.SendAsync(Request("/close"), Target, TimeSpan.FromSeconds(10), cache, CancellationToken.None);
        Assert.Equal("reply /close on connection 1", closing.Body.Text);
        HttpResponseRecord after = await HttpExchange.SendAsync(Request("/after"), Target, TimeSpan.FromSeconds(10), cache, CancellationToken.None);
        Assert.Equal("reply /after on connection 2", after.Body.Text);
        Assert.Equal(2, Volatile.Read(ref _connections));
    }

    [Fact]
    public async Task Without_a_cache_every_request_has_its_own_connection()
    {
        for (int i = 1; i <= 2; i++)
        {
            HttpResponseRecord response = await HttpExchange.SendAsync(Request("/n/" + i), Target, TimeSpan.FromSeconds(10), CancellationToken.None);
            Assert.Equal("reply /n/" + i + " on connection " + i, response.Body.Text);
        }

        Assert.Equal(2, Volatile.Read(ref _connections));
    }

    private HttpRequestRecord Request(string path) => new()
    {
        Method = "GET",
        Url = new Uri(Target, path).ToString(),
        Header = { ["Host"] = Target.Authority },
    };

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client = await _listener.AcceptTcpClientAsync(_stop.Token);
            int number = Interlocked.Increment(ref _connections);
            _ = Task.Run(() => ServeConnectionAsync(client, number));
        }
    }

    /// <summary>Answers each request head with its path and the connection's number; <c>/close</c> gets <c>Connection: close</c>.</summary>
    private async Task ServeConnectionAsync(TcpClient client, int number)
    {
        using (client)
        {
            using StreamReader reader = new(client.GetStream(), Encoding.ASCII, false, 1024, leaveOpen: true);
            Stream stream = client.GetStream();
            while (await reader.ReadLineAsync(_stop.Token) is { Length: > 0 } requestLine)
            {
                while (await reader.ReadLineAsync(_stop.Token) is { Length: > 0 })
                {
                }

                string path = requestLine.Split(' ')[1];
                bool close = path == "/close";
                byte[] body = Encoding.ASCII.GetBytes($"reply {path} on connection {number}");
                string head = $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\n{(close ? "Connection: close\r\n" : "")}\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
                await stream.WriteAsync(body, _stop.Token);
                if (close)
                {
                    return;
                }
            }
        }
    }
}
