using System.IO.Pipelines;
using System.Threading.Channels;

namespace Keploy.Core.Protocols.Http;

/// <summary>One completed exchange seen by <see cref="HttpRelay"/>.</summary>
/// <param name="Request">Request head.</param>
/// <param name="RequestBody">Request body (de-chunked, bounded).</param>
/// <param name="FirstRequestByte">When the first request byte arrived.</param>
/// <param name="Response">Final response head (interim 1xx answers are relayed, not reported).</param>
/// <param name="ResponseBody">Response body (de-chunked, bounded).</param>
/// <param name="LastResponseByte">When the last response byte was relayed.</param>
internal sealed record HttpExchangeParts(
    HttpHead Request, HttpBodyCapture RequestBody, DateTimeOffset FirstRequestByte, HttpHead Response, HttpBodyCapture ResponseBody,
    DateTimeOffset LastResponseByte);

/// <summary>
/// Relays an HTTP/1.x connection byte-exact in both directions while parsing it: keep-alive and pipelined exchanges,
/// <c>Expect: 100-continue</c> (interim answers relayed), bodies streamed as they arrive, <c>Upgrade</c> (101) and <c>CONNECT</c>
/// tunnels passed through raw after the head. Garbage switches that direction to raw relay after one log line.
/// </summary>
internal static class HttpRelay
{
    private sealed class RawFlag
    {
        public volatile bool Value;
    }

    private sealed class Pending
    {
        public required HttpHead Head { get; init; }

        public required DateTimeOffset FirstByte { get; init; }

        public HttpBodyCapture Body { get; } = new();

        public TaskCompletionSource<bool> Completed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<bool> Tunnel { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>
    /// Runs until the client finished and every outstanding response was relayed, or either side closed.
    /// Never throws on bad input (logs one line); cancellation ends it.
    /// </summary>
    public static Task RunAsync(
        IDuplexPipe client, IDuplexPipe upstream, Action<HttpExchangeParts> onExchange, Action<string> log, CancellationToken cancellationToken,
        Action? clientFinished = null) =>
        RunAsync(
            client,
            upstream,
            parts =>
            {
                onExchange(parts);
                return ValueTask.CompletedTask;
            },
            log,
            cancellationToken,
            clientFinished);

    /// <summary>
    /// <see cref="RunAsync(IDuplexPipe, IDuplexPipe, Action{HttpExchangeParts}, Action{string}, CancellationToken, Action?)"/> with an
    /// asynchronous callback: the next response of the connection is relayed once the returned task completes.
    /// </summary>
    public static async Task RunAsync(
        IDuplexPipe client, IDuplexPipe upstream, Func<HttpExchangeParts, ValueTask> onExchange, Action<string> log, CancellationToken cancellationToken,
        Action? clientFinished = null)
    {
        using CancellationTokenSource cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Channel<Pending> pending = Channel.CreateUnbounded<Pending>();
        RawFlag raw = new();
        Task requests = RequestsAsync(client.Input, upstream.Output, pending.Writer, raw, log, cts.Token, clientFinished);
        Task responses = ResponsesAsync(upstream.Input, client.Output, pending.Reader, raw, onExchange, log, cts.Token);
        Task first = await Task.WhenAny(requests, responses).ConfigureAwait(false);
        if (first == responses)
        {
            // The server is done (closed, or the client's requests are all answered): stop reading the client.
            cts.Cancel();
        }

        await Task.WhenAll(Quiet(requests), Quiet(responses)).ConfigureAwait(false);
        await upstream.Output.CompleteAsync().ConfigureAwait(false);
        await client.Output.CompleteAsync().ConfigureAwait(false);
    }

    private static async Task Quiet(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Already logged or a plain cancellation/close.
        }
    }

    private static async Task RequestsAsync(
        PipeReader client, PipeWriter upstream, ChannelWriter<Pending> pending, RawFlag raw, Action<string> log, CancellationToken ct,
        Action? clientFinished)
    {
        bool tunnel = false;
        try
        {
            while (true)
            {
                (HttpHead Head, DateTimeOffset FirstByte)? read = await HttpMessageReader.ReadHeadAsync(client, upstream, true, ct, flush: false).ConfigureAwait(false);
                if (read is null)
                {
                    return;
                }

                Pending p = new() { Head = read.Value.Head, FirstByte = read.Value.FirstByte };
                pending.TryWrite(p);
                bool connect = string.Equals(p.Head.Method, "CONNECT", StringComparison.OrdinalIgnoreCase);
                if (connect)
                {
                    await upstream.FlushAsync(ct).ConfigureAwait(false);
                }
                else
                {
                    // Head and body leave in one write when the body is already here (the head is never held back while waiting).
                    (HttpBodyFraming framing, long length) = HttpMessageReader.RequestFraming(p.Head);
                    await HttpMessageReader.ReadBodyAsync(client, upstream, framing, length, p.Body, "HTTP request body", ct, headUnflushed: true).ConfigureAwait(false);
                    if (p.Body.Truncated)
                    {
                        log($"http: request body of {p.Body.Length} bytes; recording keeps the first {p.Body.Limit}");
                    }
                }

                p.Completed.TrySetResult(true);
                if (connect || p.Head.Get("Upgrade") is not null)
                {
                    if (await p.Tunnel.Task.ConfigureAwait(false))
                    {
                        tunnel = true;
                        await HttpMessageReader.CopyRawAsync(client, upstream, ct).ConfigureAwait(false);
                        return;
                    }
                }
            }
        }
        catch (HttpParseException ex)
        {
            log($"http: {ex.Message}; relaying the rest of the client's bytes unparsed");
            raw.Value = true;
            tunnel = true;
            pending.TryComplete();
            await HttpMessageReader.CopyRawAsync(client, upstream, ct).ConfigureAwait(false);
        }
        finally
        {
            pending.TryComplete();
            if (tunnel)
            {
                // Raw mode: pass the client's end of stream on so the server ends its side too.
                await upstream.CompleteAsync().ConfigureAwait(false);
                clientFinished?.Invoke();
            }
        }
    }

    private static async Task ResponsesAsync(
        PipeReader upstream, PipeWriter client, ChannelReader<Pending> pending, RawFlag raw, Func<HttpExchangeParts, ValueTask> onExchange,
        Action<string> log, CancellationToken ct)
    {
        try
        {
            while (await pending.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                pending.TryRead(out Pending? p);
                HttpHead head;
                while (true)
                {
                    (HttpHead Head, DateTimeOffset FirstByte)? read = await HttpMessageReader.ReadHeadAsync(upstream, client, false, ct, flush: false).ConfigureAwait(false);
                    if (read is null)
                    {
                        p!.Tunnel.TrySetResult(false);
                        return;
                    }

                    head = read.Value.Head;
                    if (head.StatusCode is >= 100 and < 200 && head.StatusCode != 101)
                    {
                        await client.FlushAsync(ct).ConfigureAwait(false);
                        continue; // interim (100 Continue, 103 Early Hints): relayed, not the answer
                    }

                    break;
                }

                bool connect = string.Equals(p!.Head.Method, "CONNECT", StringComparison.OrdinalIgnoreCase);
                if (head.StatusCode == 101 || (connect && head.StatusCode / 100 == 2))
                {
                    await client.FlushAsync(ct).ConfigureAwait(false);
                    p.Tunnel.TrySetResult(true);
                    await HttpMessageReader.CopyRawAsync(upstream, client, ct).ConfigureAwait(false);
                    return;
                }

                p.Tunnel.TrySetResult(false);
                HttpBodyCapture body = new();
                (HttpBodyFraming framing, long length) = HttpMessageReader.ResponseFraming(head, p.Head.Method);
                await HttpMessageReader.ReadBodyAsync(upstream, client, framing, length, body, "HTTP response body", ct, headUnflushed: true).ConfigureAwait(false);
                DateTimeOffset last = DateTimeOffset.UtcNow;
                if (body.Truncated)
                {
                    log($"http: response body of {body.Length} bytes; recording keeps the first {body.Limit}");
                }

                await p.Completed.Task.ConfigureAwait(false);
                try
                {
                    await onExchange(new HttpExchangeParts(p.Head, p.Body, p.FirstByte, head, body, last)).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    log($"http: could not record {p.Head.Method} {p.Head.Target}: {ex.Message}");
                }

                if (framing == HttpBodyFraming.UntilClose || head.WantsClose)
                {
                    return;
                }
            }

            if (raw.Value)
            {
                await HttpMessageReader.CopyRawAsync(upstream, client, ct).ConfigureAwait(false);
            }
        }
        catch (HttpParseException ex)
        {
            log($"http: {ex.Message}; relaying the rest of the server's bytes unparsed");
            await HttpMessageReader.CopyRawAsync(upstream, client, ct).ConfigureAwait(false);
        }
    }
}
