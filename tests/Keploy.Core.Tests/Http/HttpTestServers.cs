using System.IO.Compression;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Proxy;

namespace Keploy.Core.Tests.Http;

/// <summary>A real HTTP upstream on loopback (HttpListener) answering a few fixed routes.</summary>
internal sealed class HttpTestUpstream : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private int _count;

    public HttpTestUpstream()
    {
        int port = TestPorts.Free();
        Port = port;
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public void Dispose()
    {
        _listener.Close();
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync();
            }
            catch (Exception)
            {
                return;
            }

            using MemoryStream body = new();
            await ctx.Request.InputStream.CopyToAsync(body);
            string path = ctx.Request.Url!.AbsolutePath;
            HttpListenerResponse resp = ctx.Response;
            byte[] answer;
            if (path == "/count")
            {
                answer = Encoding.UTF8.GetBytes($"{{\"n\":{Interlocked.Increment(ref _count)}}}");
                resp.ContentType = "application/json";
            }
            else if (path == "/gzip")
            {
                MemoryStream gz = new();
                using (GZipStream z = new(gz, CompressionMode.Compress, leaveOpen: true))
                {
                    z.Write("{\"compressed\":\"yes\"}"u8);
                }

                answer = gz.ToArray();
                resp.AddHeader("Content-Encoding", "gzip");
                resp.ContentType = "application/json";
            }
            else if (path == "/chunked")
            {
                resp.SendChunked = true;
                answer = Encoding.UTF8.GetBytes(new string('x', 5000));
            }
            else
            {
                answer = body.ToArray();
                resp.ContentType = ctx.Request.ContentType ?? "text/plain";
                resp.StatusCode = 201;
            }

            if (!resp.SendChunked)
            {
                resp.ContentLength64 = answer.Length;
            }

            await resp.OutputStream.WriteAsync(answer);
            resp.Close();
        }
    }
}

/// <summary>A loopback listener that hands each accepted connection to an integration (record or replay), like the proxy does.</summary>
internal sealed class HttpTestProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _cts = new();
    private readonly Task _loop;
    private long _nextId;

    public HttpTestProxy(Func<long, IDuplexPipe, ProxyConnection> makeConnection, bool record, IProtocolIntegration? integration = null)
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(async () =>
        {
            IProtocolIntegration http = integration ?? new HttpIntegration();
            while (!_cts.IsCancellationRequested)
            {
                Socket socket;
                try
                {
                    socket = await _listener.AcceptSocketAsync(_cts.Token);
                }
                catch (Exception)
                {
                    return;
                }

                _ = Task.Run(async () =>
                {
                    using NetworkStream stream = new(socket, ownsSocket: true);
                    ProxyConnection connection = makeConnection(_nextId++, new DuplexStreamPipe(stream));
                    try
                    {
                        await (record ? http.RecordAsync(connection, _cts.Token) : http.ReplayAsync(connection, _cts.Token));
                    }
                    catch (OperationCanceledException)
                    {
                    }
                });
            }
        });
    }

    public int Port { get; }

    public List<string> Log { get; } = new();

    public void Dispose()
    {
        _cts.Cancel();
        _listener.Stop();
    }

    public static async ValueTask<IDuplexPipe> ConnectAsync(int port, CancellationToken ct)
    {
        Socket s = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await s.ConnectAsync(IPAddress.Loopback, port, ct);
        return new DuplexStreamPipe(new NetworkStream(s, ownsSocket: true));
    }

    internal sealed class DuplexStreamPipe(Stream stream) : IDuplexPipe
    {
        public PipeReader Input { get; } = PipeReader.Create(stream);

        public PipeWriter Output { get; } = PipeWriter.Create(stream);
    }
}

/// <summary>An in-memory recorder that names mocks mock-0, mock-1, ... in arrival order.</summary>
internal sealed class ListMockRecorder : IMockRecorder
{
    private readonly object _gate = new();

    public List<Mock> Mocks { get; } = new();

    public void Record(Mock mock)
    {
        lock (_gate)
        {
            if (mock.Name.Length == 0)
            {
                mock.Name = $"mock-{Mocks.Count}";
            }

            Mocks.Add(mock);
        }
    }

    public List<Mock> Snapshot()
    {
        lock (_gate)
        {
            return Mocks.ToList();
        }
    }
}
