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
    public static async Task RelayAsync(
        Stream client, Stream app, Func<HttpRequestRecord, HttpResponseRecord, ValueTask> onExchange, Action<string> log, CancellationToken ct)
    {
        IDuplexPipe clientPipe = new StreamDuplexPipe(client);
        IDuplexPipe appPipe = new StreamDuplexPipe(app);
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

    private sealed class StreamDuplexPipe(Stream stream) : IDuplexPipe
    {
        public PipeReader Input { get; } = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));

        public PipeWriter Output { get; } = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
    }
}
