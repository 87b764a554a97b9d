using System.Buffers.Binary;
using System.Net;
using System.Net.Http;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Grpc;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Protocols.Http2;
using Keploy.Core.Proxy;
using Keploy.Core.Replay;
using Keploy.Core.Storage;
using Keploy.Core.Tests.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Keploy.Core.Tests.Http2;

/// <summary>A real Kestrel h2c server (Http2 only, port 0): GET /item/{id} and a gRPC server-streaming method written by hand.</summary>
internal sealed class KestrelH2cServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelH2cServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<KestrelH2cServer> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        WebApplication app = builder.Build();
        app.MapGet("/item/{id}", (string id) => Results.Json(new { id, name = $"item {id}" }));
        app.MapPost("/demo.Numbers/Count", async (HttpContext ctx) =>
        {
            // request: field 1 = how many; answers that many messages {1: i, 2: "n<i>"}
            var body = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(body);
            byte[] bytes = body.ToArray();
            int count = new CodedInputStream(bytes, 5, bytes.Length - 5) is var input && input.ReadTag() == 8 ? input.ReadInt32() : 0;
            ctx.Response.ContentType = "application/grpc";
            ctx.Response.AppendTrailer("grpc-status", "0");
            ctx.Response.AppendTrailer("grpc-message", "");
            for (int i = 1; i <= count; i++)
            {
                byte[] message = Message(o => { o.WriteTag(1, WireFormat.WireType.Varint); o.WriteInt32(i); o.WriteTag(2, WireFormat.WireType.LengthDelimited); o.WriteString($"n{i}"); });
                await ctx.Response.Body.WriteAsync(Frame(message));
                await ctx.Response.Body.FlushAsync();
            }
        });
        await app.StartAsync();
        int port = new Uri(app.Urls.First()).Port;
        return new KestrelH2cServer(app, port);
    }

    public static byte[] Message(Action<CodedOutputStream> write)
    {
        var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        write(output);
        output.Flush();
        return stream.ToArray();
    }

    public static byte[] Frame(byte[] message)
    {
        byte[] framed = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)message.Length);
        message.CopyTo(framed, 5);
        return framed;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed class Http2RecordReplayTests
{
    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(b => b, b => b);
    private static readonly Method<byte[], byte[]> Count = new(MethodType.ServerStreaming, "demo.Numbers", "Count", Raw, Raw);
    private static readonly Method<byte[], byte[]> CreateUser = new(MethodType.Unary, "user.UserService", "CreateUser", Raw, Raw);
    private static readonly Method<byte[], byte[]> DeleteUser = new(MethodType.Unary, "user.UserService", "DeleteUser", Raw, Raw);

    private static HttpTestProxy Recorder(int upstreamPort, ListMockRecorder recorder) => new(
        (id, client) => new ProxyConnection(id, new IPEndPoint(IPAddress.Loopback, upstreamPort), client, _ => { })
        {
            ConnectUpstreamAsync = ct => HttpTestProxy.ConnectAsync(upstreamPort, ct),
            Recorder = recorder,
        },
        record: true,
        new Http2Integration());

    private static HttpTestProxy Replayer(int upstreamPort, MockPool pool, List<string>? log = null) => new(
        (id, client) => new ProxyConnection(id, new IPEndPoint(IPAddress.Loopback, upstreamPort), client, line => { lock (log ?? new()) { log?.Add(line); } })
        {
            Mocks = pool,
        },
        record: false,
        new Http2Integration());

    private static HttpClient H2cClient(int proxyPort, int upstreamPort)
    {
        HttpClient client = HttpRecordReplayTests.Client(proxyPort, upstreamPort);
        client.DefaultRequestVersion = HttpVersion.Version20;
        client.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        return client;
    }

    private static GrpcChannel Channel(int proxyPort, int upstreamPort) => GrpcChannel.ForAddress(
        $"http://127.0.0.1:{upstreamPort}",
        new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                ConnectCallback = async (ctx, ct) =>
                {
                    var s = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                    await s.ConnectAsync(IPAddress.Loopback, proxyPort, ct);
                    return new System.Net.Sockets.NetworkStream(s, ownsSocket: true);
                },
            },
        });

    private static async Task<List<Mock>> WaitFor(ListMockRecorder recorder, int count)
    {
        for (int i = 0; i < 3000 && recorder.Snapshot().Count < count; i++)
        {
            await Task.Delay(10);
        }

        return recorder.Snapshot();
    }

    [Fact]
    public async Task FiftyConcurrentStreamsRecordAsFiftyMocksAndReplayWithTheServerStopped()
    {
        var recorder = new ListMockRecorder();
        int upstreamPort;
        string[] recorded;
        await using (KestrelH2cServer server = await KestrelH2cServer.StartAsync())
        {
            upstreamPort = server.Port;
            using HttpTestProxy proxy = Recorder(server.Port, recorder);
            using HttpClient client = H2cClient(proxy.Port, server.Port);
            HttpResponseMessage[] responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => client.GetAsync($"/item/{i}")));
            Assert.All(responses, r => Assert.Equal(HttpVersion.Version20, r.Version));
            recorded = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
        }

        List<Mock> mocks = await WaitFor(recorder, 50);
        Assert.Equal(50, mocks.Count);
        Assert.All(mocks, m => Assert.Equal("Http", m.Kind));
        HttpMockSpec first = HttpSpec.FromMock(mocks[0]);
        Assert.Equal(2, first.Request.ProtoMajor);
        Assert.Equal(50, mocks.Select(m => HttpSpec.FromMock(m).Request.Url).Distinct().Count());

        // replay: Kestrel is stopped; the same 50 concurrent calls are answered from the mocks, written and read back first
        string text = KeployYaml.FormatMocks(mocks);
        List<Mock> reread = KeployYaml.ReadNodes(new StringReader(text), "mocks.yaml").Select(d => KeployYaml.FromNode<Mock>(d.Root, d.Location)).ToList();
        var pool = new MockPool(reread, null);
        using (HttpTestProxy replay = Replayer(upstreamPort, pool))
        using (HttpClient client = H2cClient(replay.Port, upstreamPort))
        {
            string[] replayed = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => client.GetStringAsync($"/item/{i}")));
            Assert.Equal(recorded, replayed);
            HttpResponseMessage miss = await client.GetAsync("/item/none");
            Assert.Equal(HttpStatusCode.BadGateway, miss.StatusCode);
        }

        Assert.Empty(pool.Unconsumed());
        Assert.Contains(pool.TakeEvents(), e => e.Miss is { Kind: "Http" } miss && miss.Summary.Contains("/item/none") && miss.ClosestMock is not null);
    }

    [Fact]
    public async Task ServerStreamingGrpcCallIsRecordedWithEveryMessageAndReplayedInOrder()
    {
        var recorder = new ListMockRecorder();
        byte[] request = KestrelH2cServer.Message(o => { o.WriteTag(1, WireFormat.WireType.Varint); o.WriteInt32(5); });
        int upstreamPort;
        List<byte[]> live = new();
        await using (KestrelH2cServer server = await KestrelH2cServer.StartAsync())
        {
            upstreamPort = server.Port;
            using HttpTestProxy proxy = Recorder(server.Port, recorder);
            using GrpcChannel channel = Channel(proxy.Port, server.Port);
            using AsyncServerStreamingCall<byte[]> call = channel.CreateCallInvoker().AsyncServerStreamingCall(Count, null, new CallOptions(), request);
            await foreach (byte[] message in call.ResponseStream.ReadAllAsync())
            {
                live.Add(message);
            }
        }

        Assert.Equal(5, live.Count);
        Mock mock = Assert.Single(await WaitFor(recorder, 1));
        Assert.Equal("gRPC", mock.Kind);
        GrpcMockSpec spec = GrpcSpec.FromMock(mock);
        Assert.Equal("/demo.Numbers/Count", spec.Request.Path);
        Assert.Equal("1: 5\n", spec.Request.Body.DecodedData);
        Assert.Equal(5, spec.Response.Messages.Count);
        Assert.Equal("1: 3\n2: {\"n3\"}\n", spec.Response.Messages[2].DecodedData);
        Assert.Equal("0", spec.Response.Trailers.OrdinaryHeaders["grpc-status"]);

        var pool = new MockPool([mock], null);
        var replayed = new List<byte[]>();
        using (HttpTestProxy replay = Replayer(upstreamPort, pool))
        using (GrpcChannel channel = Channel(replay.Port, upstreamPort))
        {
            using AsyncServerStreamingCall<byte[]> call = channel.CreateCallInvoker().AsyncServerStreamingCall(Count, null, new CallOptions(), request);
            await foreach (byte[] message in call.ResponseStream.ReadAllAsync())
            {
                replayed.Add(message);
            }

            Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        }

        Assert.Equal(live, replayed);
    }

    [Fact]
    public async Task GrpcNetClientIsAnsweredFromTheGoGrpcMocksAndMissesAreUnavailable()
    {
        List<Mock> mocks = KeployYaml.ReadMocks(Path.Combine(TestPaths.Fixtures, "samples-go/go-grpc/keploy/test-set-0/mocks.yaml")).ToList();
        var pool = new MockPool(mocks, null);
        int upstreamPort = TestPorts.Free();
        var log = new List<string>();
        using HttpTestProxy replay = Replayer(upstreamPort, pool, log);
        using GrpcChannel channel = Channel(replay.Port, upstreamPort);
        CallInvoker invoker = channel.CreateCallInvoker();

        byte[] create = KestrelH2cServer.Message(o =>
        {
            o.WriteTag(2, WireFormat.WireType.LengthDelimited);
            o.WriteString("test1");
            o.WriteTag(3, WireFormat.WireType.LengthDelimited);
            o.WriteString("test1@gmail.com");
            o.WriteTag(4, WireFormat.WireType.Varint);
            o.WriteInt32(20);
        });
        byte[] answer = await invoker.AsyncUnaryCall(CreateUser, null, new CallOptions(), create);

        // {1: {1: 1, 2: "test1", 3: "test1@gmail.com", 4: 20}}
        var outer = new CodedInputStream(answer);
        Assert.Equal((1u << 3) | 2, outer.ReadTag());
        var user = new CodedInputStream(outer.ReadBytes().ToByteArray());
        Assert.Equal(1u << 3, user.ReadTag());
        Assert.Equal(1, user.ReadInt32());
        Assert.Equal((2u << 3) | 2, user.ReadTag());
        Assert.Equal("test1", user.ReadString());

        RpcException miss = await Assert.ThrowsAsync<RpcException>(async () => await invoker.AsyncUnaryCall(DeleteUser, null, new CallOptions(), KestrelH2cServer.Message(o => { o.WriteTag(1, WireFormat.WireType.Varint); o.WriteInt32(9); })));
        Assert.Equal(StatusCode.Unavailable, miss.StatusCode);
        MockMiss reported = Assert.Single(pool.TakeEvents(), e => e.Miss is not null).Miss!;
        Assert.Equal("gRPC", reported.Kind);
        Assert.Contains("/user.UserService/DeleteUser", reported.Summary);
        Assert.NotNull(reported.ClosestMock);
    }
}
