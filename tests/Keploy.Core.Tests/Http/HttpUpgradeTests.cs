using System.Net;
using System.Net.Sockets;
using System.Text;
using Keploy.Core.Protocols.Http;

namespace Keploy.Core.Tests.Http;

public sealed class HttpUpgradeTests
{
    [Fact]
    public async Task UpgradedConnectionIsRelayedRawAndExpectContinueIsRelayedNotRecorded()
    {
        TcpListener app = new(IPAddress.Loopback, 0);
        app.Start();
        Task server = Task.Run(async () =>
        {
            using TcpClient c = await app.AcceptTcpClientAsync();
            NetworkStream s = c.GetStream();
            byte[] buf = new byte[4096];
            string seen = "";
            while (!seen.Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                seen += Encoding.ASCII.GetString(buf, 0, await s.ReadAsync(buf));
            }

            // First exchange: POST with Expect: 100-continue.
            await s.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray());
            int got = 0;
            while (got < 4)
            {
                got += await s.ReadAsync(buf.AsMemory(got));
            }

            await s.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray());
            seen = "";
            while (!seen.Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                seen += Encoding.ASCII.GetString(buf, 0, await s.ReadAsync(buf));
            }

            await s.WriteAsync("HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n"u8.ToArray());
            int n;
            while ((n = await s.ReadAsync(buf)) > 0)
            {
                await s.WriteAsync(buf.AsMemory(0, n));
            }
        });

        TcpListener ingress = new(IPAddress.Loopback, 0);
        ingress.Start();
        List<(HttpRequestRecord, HttpResponseRecord)> exchanges = new();
        Task relay = Task.Run(async () =>
        {
            using TcpClient client = await ingress.AcceptTcpClientAsync();
            using TcpClient appConn = new();
            await appConn.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)app.LocalEndpoint).Port);
            await HttpIngress.RelayAsync(client.GetStream(), appConn.GetStream(), (q, r) => exchanges.Add((q, r)), _ => { }, CancellationToken.None);
        });

        using TcpClient user = new();
        await user.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)ingress.LocalEndpoint).Port);
        NetworkStream us = user.GetStream();
        await us.WriteAsync("POST /p HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"u8.ToArray());
        string interim = await ReadUntilAsync(us, "\r\n\r\n");
        Assert.Equal("HTTP/1.1 100 Continue\r\n\r\n", interim);
        await us.WriteAsync("body"u8.ToArray());
        Assert.Equal("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", await ReadUntilAsync(us, "ok"));
        await us.WriteAsync("GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n"u8.ToArray());
        Assert.StartsWith("HTTP/1.1 101", await ReadUntilAsync(us, "\r\n\r\n"), StringComparison.Ordinal);
        await us.WriteAsync(Encoding.Latin1.GetBytes("\u0001raw\u00ff not http"));
        Assert.Equal("\u0001raw\u00ff not http", await ReadUntilAsync(us, "http"));
        user.Client.Shutdown(SocketShutdown.Send);
        await relay;
        await server;
        app.Stop();
        ingress.Stop();

        var (req, resp) = Assert.Single(exchanges);
        Assert.Equal("http://a/p", req.Url);
        Assert.Equal("body", req.Body.Text);
        Assert.Equal(200, resp.StatusCode);
        Assert.Equal("ok", resp.Body.Text);
    }

    private static async Task<string> ReadUntilAsync(NetworkStream s, string end)
    {
        StringBuilder sb = new();
        byte[] one = new byte[1];
        while (!sb.ToString().EndsWith(end, StringComparison.Ordinal))
        {
            if (await s.ReadAsync(one) == 0)
            {
                break;
            }

            sb.Append((char)one[0]);
        }

        return sb.ToString();
    }
}
