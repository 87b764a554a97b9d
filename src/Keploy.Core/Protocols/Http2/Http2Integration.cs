using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Keploy.Core.Proxy;

namespace Keploy.Core.Protocols.Http2;

/// <summary>
/// HTTP/2 for the proxy (RFC 9113): connections that start with the client preface (h2c with prior knowledge, §3.3), and h2
/// inside intercepted TLS when ALPN chose it. Record relays byte-exact and writes each stream as one mock (<c>kind: gRPC</c> for
/// <c>application/grpc*</c>, else <c>kind: Http</c>); test mode serves the streams from the mocks (<see cref="Http2MockServer"/>).
/// </summary>
public sealed class Http2Integration : IProtocolIntegration
{
    /// <summary>Writes gRPC mocks (and Http ones, served by the same matcher as HTTP/1.x).</summary>
    public string Kind => Grpc.GrpcSpec.Kind;

    /// <inheritdoc/>
    public int Priority => 90;

    /// <summary>Yes when the bytes are the client connection preface, NeedMoreData while they are a proper prefix of it.</summary>
    public ProtocolMatch Match(ReadOnlySequence<byte> prefix, IPEndPoint destination)
    {
        ReadOnlySpan<byte> preface = Http2FrameCodec.ClientPreface;
        int n = (int)Math.Min(prefix.Length, preface.Length);
        Span<byte> head = stackalloc byte[24];
        prefix.Slice(0, n).CopyTo(head);
        if (!head[..n].SequenceEqual(preface[..n]))
        {
            return ProtocolMatch.No;
        }

        return n == preface.Length ? ProtocolMatch.Yes : ProtocolMatch.NeedMoreData;
    }

    /// <inheritdoc/>
    public async Task RecordAsync(ProxyConnection connection, CancellationToken cancellationToken)
    {
        if (connection.ConnectUpstreamAsync is null || connection.Recorder is null)
        {
            connection.Log("http2: record mode needs ConnectUpstreamAsync and Recorder");
            return;
        }

        IDuplexPipe upstream;
        try
        {
            upstream = await connection.ConnectUpstreamAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
        {
            connection.Log($"http2: cannot connect to {connection.Destination}: {ex.Message}");
            await connection.Client.Output.CompleteAsync().ConfigureAwait(false);
            return;
        }

        IMockRecorder recorder = connection.Recorder;
        await Http2Relay.RunAsync(
            connection.Client,
            upstream,
            (request, response) => recorder.Record(Http2Records.ToMock(request, response, connection.Id, connection.IsTls, connection.Scheme)),
            connection.Log,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task ReplayAsync(ProxyConnection connection, CancellationToken cancellationToken) => Http2MockServer.RunAsync(connection, cancellationToken);
}
