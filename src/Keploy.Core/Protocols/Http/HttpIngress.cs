using System.IO.Pipelines;

namespace Keploy.Core.Protocols.Http;

/// <summary>
/// Record mode, incoming side: relays one accepted connection to the app byte-exact and reports each completed exchange, from
/// which the record session writes a test case (<see cref="HttpSpec.CreateTestCase"/>).
/// </summary>
public static class HttpIngress
{
    /// <summary>
    /// Relays <paramref name="client"/> ↔ <paramref name="app"/> until the client is done and every response relayed, or a side
    /// closes. Calls <paramref name="onExchange"/> per completed exchange with the request (absolute URL
    /// <c>http://&lt;Host header&gt;&lt;target&gt;</c>, timestamp at its first byte) and the response (timestamp at its last byte).
    /// The streams are left open (the caller disposes them). Bad input is logged through <paramref name="log"/>, never thrown.
    /// </summary>
    public static Task RelayAsync(
        Stream client, Stream app, Action<HttpRequestRecord, HttpResponseRecord> onExchange, Action<string> log, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(onExchange);
        return RelayAsync(
            client,
            app,
            (request, response) =>
            {
                onExchange(request, response);
                return ValueTask.CompletedTask;
            },
            log,
            ct);
    }

    /// <summary>
    /// <see cref="RelayAsync(Stream, Stream, Action{HttpRequestRecord, HttpResponseRecord}, Action{string}, CancellationToken)"/>
    /// with an asynchronous <paramref name="onExchange"/>: the connection's next response is relayed only after the returned task
    /// completes (backpressure for a queue that is full).
    /// </summary>
    public static Task RelayAsync(
        Stream client, Stream app, Func<HttpRequestRecord, HttpResponseRecord, ValueTask> onExchange, Action<string> log, CancellationToken ct) =>
        RelayAsync(client, app, onExchange, null, log, ct);

    /// <summary>
    /// As <see cref="RelayAsync(Stream, Stream, Func{HttpRequestRecord, HttpResponseRecord, ValueTask}, Action{string}, CancellationToken)"/>,
    /// and a connection that opens with the HTTP/2 client preface (h2c with prior knowledge, RFC 9113 §3.4: <c>PRI * HTTP/2.0</c>)
    /// is relayed byte-exact by <see cref="Http2.Http2Relay"/>, each completed stream handed to <paramref name="onHttp2Stream"/>
    /// (request, response; the relay waits for the returned task). Null <paramref name="onHttp2Stream"/>: HTTP/2 is relayed as
    /// unparsed HTTP/1 would be (logged, not recorded).
    /// </summary>
    public static async Task RelayAsync(
        Stream client,
        Stream app,
        Func<HttpRequestRecord, HttpResponseRecord, ValueTask> onExchange,
        Func<Http2.Http2Message, Http2.Http2Message, ValueTask>? onHttp2Stream,
        Action<string> log,
        CancellationToken ct)
    {
        IDuplexPipe clientPipe = new StreamDuplexPipe(client);
        IDuplexPipe appPipe = new StreamDuplexPipe(app);
        if (onHttp2Stream is not null && await StartsWithHttp2PrefaceAsync(clientPipe.Input, ct).ConfigureAwait(false))
        {
            await Http2.Http2Relay.RunAsync(
                clientPipe,
                appPipe,
                (request, response) => onHttp2Stream(request, response).AsTask().GetAwaiter().GetResult(),
                log,
                ct).ConfigureAwait(false);
            return;
        }

        await HttpRelay.RunAsync(
            clientPipe,
            appPipe,
            parts => onExchange(
                HttpRecordConversion.Request(parts.Request, parts.RequestBody, HttpRecordConversion.AbsoluteUrl(parts.Request), parts.FirstRequestByte),
                HttpRecordConversion.Response(parts.Response, parts.ResponseBody, parts.LastResponseByte)),
            log,
            ct,
            clientFinished: () =>
            {
                if (app is System.Net.Sockets.NetworkStream network)
                {
                    try
                    {
                        network.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
                    }
                    catch (System.Net.Sockets.SocketException)
                    {
                        // Already closed.
                    }
                }
            }).ConfigureAwait(false);
    }

    /// <summary>The HTTP/2 client connection preface (RFC 9113 §3.4).</summary>
    private static ReadOnlySpan<byte> Http2Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    /// <summary>
    /// Peeks (consumes nothing) until the first bytes either match the whole preface or differ from it; false at end of stream.
    /// </summary>
    private static async Task<bool> StartsWithHttp2PrefaceAsync(PipeReader reader, CancellationToken ct)
    {
        byte[] head = new byte[Http2Preface.Length];
        while (true)
        {
            ReadResult result = await reader.ReadAsync(ct).ConfigureAwait(false);
            System.Buffers.ReadOnlySequence<byte> buffer = result.Buffer;
            int n = (int)Math.Min(buffer.Length, Http2Preface.Length);
            System.Buffers.BuffersExtensions.CopyTo(buffer.Slice(0, n), head);
            bool matches = head.AsSpan(0, n).SequenceEqual(Http2Preface[..n]);
            if (!matches || n == Http2Preface.Length || result.IsCompleted)
            {
                reader.AdvanceTo(buffer.Start);
                return matches && n == Http2Preface.Length;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private sealed class StreamDuplexPipe(Stream stream) : IDuplexPipe
    {
        public PipeReader Input { get; } = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));

        public PipeWriter Output { get; } = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
    }
}
