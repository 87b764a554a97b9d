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
    public static Task<HttpResponseRecord> SendAsync(HttpRequestRecord request, Uri target, TimeSpan timeout, CancellationToken ct) =>
        SendAsync(request, target, timeout, null, ct);

    /// <summary>
    /// <see cref="SendAsync(HttpRequestRecord, Uri, TimeSpan, CancellationToken)"/> over <paramref name="connections"/>: an idle
    /// connection to the same target is reused (HTTP/1.1 persistent connection, RFC 9112 §9.3) when the socket shows neither data
    /// nor a close, and kept after a response that allows it (no <c>Connection: close</c> on either side, not HTTP/1.0, body not
    /// delimited by close, no upgrade). A request is never sent twice. Null: a new connection per request.
    /// </summary>
    public static async Task<HttpResponseRecord> SendAsync(HttpRequestRecord request, Uri target, TimeSpan timeout, HttpConnectionCache? connections, CancellationToken ct)
    {
        using CancellationTokenSource cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        HttpCachedConnection? connection = connections?.Take(target);
        try
        {
            if (connection is null)
            {
                TcpClient tcp = new() { NoDelay = true };
                try
                {
                    await tcp.ConnectAsync(target.Host, target.Port, cts.Token).ConfigureAwait(false);
                }
                catch
                {
                    tcp.Dispose();
                    throw;
                }

                connection = new HttpCachedConnection(target, tcp);
            }

            await connection.Stream.WriteAsync(HttpWire.Request(request, HttpUrl.OriginForm(request.Url)), cts.Token).ConfigureAwait(false);
            PipeReader reader = connection.Reader;
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
                HttpResponseRecord response = HttpRecordConversion.Response(head, body, DateTimeOffset.UtcNow);
                if (connections is not null && framing != HttpBodyFraming.UntilClose && Persistent(request, head))
                {
                    connections.Return(connection);
                    connection = null;
                }

                return response;
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"{request.Method} {target}: no complete response within {timeout.TotalSeconds:0.###} s");
        }
        finally
        {
            connection?.Dispose();
        }
    }

    /// <summary>Whether the connection stays open after this exchange (RFC 9112 §9.3: HTTP/1.1 unless either side sent <c>close</c>; no 101).</summary>
    private static bool Persistent(HttpRequestRecord request, HttpHead response)
    {
        static bool Close(string? value) => value is not null && value.Split(',').Any(t => t.Trim().Equals("close", StringComparison.OrdinalIgnoreCase));
        string? requestConnection = request.Header.FirstOrDefault(h => h.Key.Equals("Connection", StringComparison.OrdinalIgnoreCase)).Value;
        return response.StatusCode != 101 && response.Major == 1 && response.Minor >= 1 && request.ProtoMajor == 1 && request.ProtoMinor >= 1
            && !Close(response.Get("Connection")) && !Close(requestConnection);
    }
}

/// <summary>One open HTTP/1.1 connection to the app: the socket, its stream and the reader positioned after the last response.</summary>
public sealed class HttpCachedConnection : IDisposable
{
    private readonly TcpClient _tcp;

    internal HttpCachedConnection(Uri target, TcpClient tcp)
    {
        Target = target.Host + ":" + target.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _tcp = tcp;
        Stream = tcp.GetStream();
        Reader = PipeReader.Create(Stream, new StreamPipeReaderOptions(leaveOpen: true));
    }

    /// <summary><c>host:port</c> the connection goes to.</summary>
    public string Target { get; }

    internal NetworkStream Stream { get; }

    internal PipeReader Reader { get; }

    /// <summary>True while the peer has neither closed the connection nor sent anything unasked (a reusable idle connection).</summary>
    internal bool Idle
    {
        get
        {
            try
            {
                return _tcp.Connected && !_tcp.Client.Poll(0, SelectMode.SelectRead);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return false;
            }
        }
    }

    /// <summary>Closes the connection.</summary>
    public void Dispose()
    {
        Reader.Complete();
        _tcp.Dispose();
    }
}

/// <summary>
/// At most one idle connection to the app kept between replayed requests (the replay sends one request at a time): taken by
/// <see cref="HttpExchange"/> for a request and given back after a response that leaves it open. Thread-safe. Dispose closes it.
/// </summary>
public sealed class HttpConnectionCache : IDisposable
{
    private HttpCachedConnection? _idle;

    /// <summary>The idle connection to <paramref name="target"/> when it is still open and quiet, or null (another one is closed).</summary>
    internal HttpCachedConnection? Take(Uri target)
    {
        HttpCachedConnection? idle = Interlocked.Exchange(ref _idle, null);
        if (idle is null)
        {
            return null;
        }

        if (idle.Target == target.Host + ":" + target.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) && idle.Idle)
        {
            return idle;
        }

        idle.Dispose();
        return null;
    }

    /// <summary>Keeps <paramref name="connection"/> for the next request (closes the one kept before, if any).</summary>
    internal void Return(HttpCachedConnection connection) => Interlocked.Exchange(ref _idle, connection)?.Dispose();

    /// <summary>Closes the idle connection.</summary>
    public void Dispose() => Interlocked.Exchange(ref _idle, null)?.Dispose();
}
