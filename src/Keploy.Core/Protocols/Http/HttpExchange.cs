using System.IO.Pipelines;
using System.Net.Sockets;

namespace Keploy.Core.Protocols.Http;

/// <summary>
/// Replay runner's client: sends a recorded request to the app over a raw socket and captures the full response the way the
/// recorder does (de-chunked, text bodies decompressed), so recorded and actual responses compare like for like.
/// </summary>
public static class HttpExchange
{
    /// <summary>
    /// Sends <paramref name="request"/> (its URL may be absolute; the path and query are sent in origin-form, the recorded headers
    /// including <c>Host</c> are kept, <c>Content-Length</c> is recomputed) to <paramref name="target"/> (scheme http, host, port).
    /// </summary>
    /// <returns>The final response (interim 1xx skipped); <see cref="HttpResponseRecord.Timestamp"/> is when its last byte arrived.</returns>
    /// <exception cref="TimeoutException">No complete response within <paramref name="timeout"/>.</exception>
    /// <exception cref="HttpParseException">The app's response is malformed.</exception>
    /// <exception cref="SocketException">The app cannot be reached.</exception>
    public static async Task<HttpResponseRecord> SendAsync(HttpRequestRecord request, Uri target, TimeSpan timeout, CancellationToken ct)
    {
        using CancellationTokenSource cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            using TcpClient tcp = new() { NoDelay = true };
            await tcp.ConnectAsync(target.Host, target.Port, cts.Token).ConfigureAwait(false);
            NetworkStream stream = tcp.GetStream();
            await stream.WriteAsync(HttpWire.Request(request, HttpUrl.OriginForm(request.Url)), cts.Token).ConfigureAwait(false);
            PipeReader reader = PipeReader.Create(stream);
            while (true)
            {
                (HttpHead Head, DateTimeOffset FirstByte)? read = await HttpMessageReader.ReadHeadAsync(reader, null, false, cts.Token).ConfigureAwait(false);
                if (read is null)
                {
                    throw new HttpParseException($"HTTP response: {target} closed the connection without answering {request.Method} {request.Url}");
                }

                HttpHead head = read.Value.Head;
                if (head.StatusCode is >= 100 and < 200 && head.StatusCode != 101)
                {
                    continue;
                }

                HttpBodyCapture body = new();
                (HttpBodyFraming framing, long length) = HttpMessageReader.ResponseFraming(head, request.Method);
                await HttpMessageReader.ReadBodyAsync(reader, null, framing, length, body, "HTTP response body", cts.Token).ConfigureAwait(false);
                return HttpRecordConversion.Response(head, body, DateTimeOffset.UtcNow);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"{request.Method} {target}: no complete response within {timeout.TotalSeconds:0.###} s");
        }
    }
}
