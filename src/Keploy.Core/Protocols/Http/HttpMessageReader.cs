using System.Buffers;
using System.IO.Pipelines;

namespace Keploy.Core.Protocols.Http;

/// <summary>
/// Reads HTTP/1.x messages from a <see cref="PipeReader"/>, optionally forwarding every consumed byte unchanged to a
/// <see cref="PipeWriter"/> as it arrives (streaming relay), while decoding the body into an <see cref="HttpBodyCapture"/>.
/// </summary>
internal static class HttpMessageReader
{
    /// <summary>
    /// Reads one head. Returns null when the reader completes before any byte of a new message.
    /// </summary>
    /// <param name="reader">Source.</param>
    /// <param name="forward">Where to copy the head bytes (unchanged), or null.</param>
    /// <param name="isRequest">Request or response head.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The head and the time its first byte was seen.</returns>
    /// <exception cref="HttpParseException">Malformed head, or the connection closed inside it. Unparsed bytes stay in the reader.</exception>
    /// <param name="flush">False leaves the forwarded head in <paramref name="forward"/> unflushed: the caller then flushes it, or
    /// passes <c>headUnflushed: true</c> to <see cref="ReadBodyAsync"/> so head and body go out in one write when both arrived.</param>
    public static async ValueTask<(HttpHead Head, DateTimeOffset FirstByte)?> ReadHeadAsync(
        PipeReader reader, PipeWriter? forward, bool isRequest, CancellationToken cancellationToken, bool flush = true)
    {
        DateTimeOffset? firstByte = null;
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (!buffer.IsEmpty)
            {
                firstByte ??= DateTimeOffset.UtcNow;
            }

            HttpHead head;
            SequencePosition end;
            bool complete;
            try
            {
                complete = HttpHeadParser.TryParse(buffer, isRequest, out head, out end);
            }
            catch (HttpParseException)
            {
                reader.AdvanceTo(buffer.Start, buffer.Start);
                throw;
            }

            if (!complete)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    if (buffer.IsEmpty)
                    {
                        return null;
                    }

                    throw new HttpParseException(
                        $"HTTP {(isRequest ? "request" : "response")} head: connection closed after {buffer.Length} bytes of an incomplete head");
                }

                continue;
            }

            if (forward is not null)
            {
                Write(forward, buffer.Slice(0, end));
            }

            reader.AdvanceTo(end);
            if (forward is not null && flush)
            {
                await forward.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            return (head, firstByte ?? DateTimeOffset.UtcNow);
        }
    }

    /// <summary>Framing of a request body (RFC 9112 §6.3): chunked, Content-Length, else none.</summary>
    /// <exception cref="HttpParseException">Invalid Content-Length, or a Transfer-Encoding whose last coding is not chunked.</exception>
    public static (HttpBodyFraming Framing, long Length) RequestFraming(HttpHead head)
    {
        if (head.Get("Transfer-Encoding") is not null)
        {
            if (!HttpHeadParser.IsChunked(head))
            {
                throw new HttpParseException($"HTTP request head: Transfer-Encoding '{head.Get("Transfer-Encoding")}' does not end in chunked");
            }

            return (HttpBodyFraming.Chunked, -1);
        }

        long? length = HttpHeadParser.ContentLength(head);
        return length is > 0 ? (HttpBodyFraming.ContentLength, length.Value) : (HttpBodyFraming.None, 0);
    }

    /// <summary>Framing of a response body given the request method (RFC 9112 §6.3).</summary>
    public static (HttpBodyFraming Framing, long Length) ResponseFraming(HttpHead head, string requestMethod)
    {
        if (string.Equals(requestMethod, "HEAD", StringComparison.OrdinalIgnoreCase) || head.StatusCode is < 200 or 204 or 304
            || (string.Equals(requestMethod, "CONNECT", StringComparison.OrdinalIgnoreCase) && head.StatusCode / 100 == 2))
        {
            return (HttpBodyFraming.None, 0);
        }

        if (head.Get("Transfer-Encoding") is not null)
        {
            return HttpHeadParser.IsChunked(head) ? (HttpBodyFraming.Chunked, -1) : (HttpBodyFraming.UntilClose, -1);
        }

        long? length = HttpHeadParser.ContentLength(head);
        if (length is not null)
        {
            return length == 0 ? (HttpBodyFraming.None, 0) : (HttpBodyFraming.ContentLength, length.Value);
        }

        return (HttpBodyFraming.UntilClose, -1);
    }

    /// <summary>
    /// Reads (and forwards) one body with the given framing, appending decoded bytes to <paramref name="capture"/>.
    /// </summary>
    /// <exception cref="HttpParseException">Malformed chunked coding, or the connection closed before the body ended.</exception>
    /// <param name="reader">Where the body bytes come from (positioned just after the head).</param>
    /// <param name="forward">Where they are relayed as they arrive, byte-exact; null to only read.</param>
    /// <param name="framing">How the body is delimited (Content-Length, chunked, until close, none).</param>
    /// <param name="length">The Content-Length in bytes, when <paramref name="framing"/> is Content-Length.</param>
    /// <param name="capture">Receives the decoded body (bounded; see <see cref="HttpBodyCapture"/>).</param>
    /// <param name="what">Names the message in error messages (<c>request</c>, <c>response</c>).</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <param name="headUnflushed">The head was forwarded unflushed (<c>ReadHeadAsync(flush: false)</c>): it is flushed together
    /// with the body bytes already buffered, or on its own before waiting for more bytes (never held back while waiting).</param>
    public static async ValueTask ReadBodyAsync(
        PipeReader reader, PipeWriter? forward, HttpBodyFraming framing, long length, HttpBodyCapture capture, string what,
        CancellationToken cancellationToken, bool headUnflushed = false)
    {
        headUnflushed &= forward is not null;
        if (framing == HttpBodyFraming.None)
        {
            if (headUnflushed)
            {
                await forward!.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        HttpChunkedDecoder? chunked = framing == HttpBodyFraming.Chunked ? new HttpChunkedDecoder() : null;
        long remaining = length;
        while (true)
        {
            ReadResult result;
            if (headUnflushed)
            {
                // First pass only (nothing examined yet): take what is buffered, else send the head before waiting.
                headUnflushed = false;
                if (!reader.TryRead(out result))
                {
                    await forward!.FlushAsync(cancellationToken).ConfigureAwait(false);
                    result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }

            ReadOnlySequence<byte> buffer = result.Buffer;
            SequencePosition consumed;
            bool done;
            switch (framing)
            {
                case HttpBodyFraming.ContentLength:
                {
                    long take = Math.Min(remaining, buffer.Length);
                    ReadOnlySequence<byte> slice = buffer.Slice(0, take);
                    foreach (ReadOnlyMemory<byte> segment in slice)
                    {
                        capture.Append(segment.Span);
                    }

                    remaining -= take;
                    consumed = slice.End;
                    done = remaining == 0;
                    break;
                }

                case HttpBodyFraming.Chunked:
                {
                    try
                    {
                        consumed = chunked!.Decode(buffer, capture, what);
                    }
                    catch (HttpParseException)
                    {
                        reader.AdvanceTo(buffer.Start, buffer.Start);
                        throw;
                    }

                    done = chunked.IsDone;
                    break;
                }

                default:
                {
                    foreach (ReadOnlyMemory<byte> segment in buffer)
                    {
                        capture.Append(segment.Span);
                    }

                    consumed = buffer.End;
                    done = result.IsCompleted;
                    break;
                }
            }

            if (forward is not null)
            {
                Write(forward, buffer.Slice(0, consumed));
            }

            reader.AdvanceTo(consumed, buffer.End);
            if (forward is not null)
            {
                FlushResult flush = await forward.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (flush.IsCompleted && !done)
                {
                    throw new IOException($"{what}: the receiving side closed during the body");
                }
            }

            if (done)
            {
                return;
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                throw new HttpParseException($"{what}: connection closed before the body ended ({capture.Length} bytes read)");
            }
        }
    }

    /// <summary>Copies bytes unchanged until <paramref name="reader"/> completes (tunnels, upgraded connections, garbage).</summary>
    public static async Task CopyRawAsync(PipeReader reader, PipeWriter writer, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            Write(writer, result.Buffer);
            reader.AdvanceTo(result.Buffer.End);
            FlushResult flush = await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (result.IsCompleted || result.IsCanceled || flush.IsCompleted)
            {
                return;
            }
        }
    }

    private static void Write(PipeWriter writer, ReadOnlySequence<byte> bytes)
    {
        foreach (ReadOnlyMemory<byte> segment in bytes)
        {
            writer.Write(segment.Span);
        }
    }
}
