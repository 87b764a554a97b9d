using System.Buffers;

namespace Keploy.Core.Protocols.Http2;

/// <summary>One direction of one HTTP/2 stream, complete: a request (client) or a response (server) (RFC 9113 §8.1).</summary>
public sealed class Http2Message
{
    /// <summary>Creates an empty message of <paramref name="streamId"/>.</summary>
    public Http2Message(int streamId) => StreamId = streamId;

    /// <summary>The stream identifier.</summary>
    public int StreamId { get; }

    /// <summary>The header fields (pseudo-headers first, as sent).</summary>
    public IReadOnlyList<Http2HeaderField> Headers { get; internal set; } = Array.Empty<Http2HeaderField>();

    /// <summary>Informational (1xx) header blocks that preceded <see cref="Headers"/> (responses only).</summary>
    public List<IReadOnlyList<Http2HeaderField>> Informational { get; } = new();

    /// <summary>The content: every DATA payload in order.</summary>
    public ArrayBufferWriter<byte> Body { get; } = new();

    /// <summary>The trailer fields, empty when none were sent.</summary>
    public IReadOnlyList<Http2HeaderField> Trailers { get; internal set; } = Array.Empty<Http2HeaderField>();

    /// <summary>The RST_STREAM error code when the stream was reset before END_STREAM, else null.</summary>
    public Http2ErrorCode? ResetCode { get; internal set; }

    /// <summary>True when <see cref="Body"/> exceeded the collector's bound and the rest was dropped.</summary>
    public bool Truncated { get; internal set; }

    /// <summary>When the first header block was seen.</summary>
    public DateTimeOffset Started { get; internal set; }

    /// <summary>When END_STREAM (or RST_STREAM) was seen.</summary>
    public DateTimeOffset Completed { get; internal set; }

    /// <summary>The first value of header <paramref name="name"/> (lower case), or null.</summary>
    public string? Header(string name) => Find(Headers, name);

    /// <summary>The first value of trailer <paramref name="name"/>, falling back to the headers (a trailers-only gRPC response
    /// carries grpc-status in its single header block).</summary>
    public string? Trailer(string name) => Find(Trailers, name) ?? Find(Headers, name);

    private static string? Find(IReadOnlyList<Http2HeaderField> fields, string name)
    {
        foreach (Http2HeaderField field in fields)
        {
            if (field.Name == name)
            {
                return field.Value;
            }
        }

        return null;
    }
}

/// <summary>
/// Assembles <see cref="Http2StreamEvent"/>s of one direction into complete <see cref="Http2Message"/>s, one per stream, handed
/// out when the stream's END_STREAM (or RST_STREAM) arrives. Bodies are bounded by <c>maxBodyBytes</c> per stream (the rest is
/// dropped and the message marked <see cref="Http2Message.Truncated"/>). Not thread-safe.
/// </summary>
public sealed class Http2MessageCollector
{
    private readonly Dictionary<int, Http2Message> _open = new();
    private readonly long _maxBodyBytes;
    private readonly TimeProvider _clock;

    /// <summary>Creates a collector.</summary>
    /// <param name="maxBodyBytes">Per-stream content bound in octets.</param>
    /// <param name="clock">Time source for <see cref="Http2Message.Started"/>/<see cref="Http2Message.Completed"/>.</param>
    public Http2MessageCollector(long maxBodyBytes = 16 << 20, TimeProvider? clock = null)
    {
        _maxBodyBytes = maxBodyBytes;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>Streams with headers seen and no end yet.</summary>
    public int OpenCount => _open.Count;

    /// <summary>Applies <paramref name="event"/>; returns the message it completed, or null.</summary>
    public Http2Message? Apply(Http2StreamEvent @event)
    {
        switch (@event)
        {
            case Http2HeadersEvent headers:
            {
                if (!_open.TryGetValue(headers.StreamId, out Http2Message? message))
                {
                    message = new Http2Message(headers.StreamId) { Started = _clock.GetUtcNow() };
                    _open[headers.StreamId] = message;
                }

                if (headers.IsTrailers)
                {
                    message.Trailers = headers.Fields;
                }
                else if (!headers.EndStream && IsInformational(headers.Fields))
                {
                    message.Informational.Add(headers.Fields);
                }
                else
                {
                    message.Headers = headers.Fields;
                }

                return headers.EndStream ? Complete(headers.StreamId) : null;
            }

            case Http2DataEvent data:
            {
                if (!_open.TryGetValue(data.StreamId, out Http2Message? message))
                {
                    return null; // DATA without HEADERS: a protocol error of the peer, relayed untouched
                }

                if (!message.Truncated && message.Body.WrittenCount + (long)data.Data.Length <= _maxBodyBytes)
                {
                    message.Body.Write(data.Data.Span);
                }
                else
                {
                    message.Truncated = true;
                }

                return data.EndStream ? Complete(data.StreamId) : null;
            }

            case Http2ResetEvent reset:
                if (_open.TryGetValue(reset.StreamId, out Http2Message? resetMessage))
                {
                    resetMessage.ResetCode = reset.ErrorCode;
                    return Complete(reset.StreamId);
                }

                return null;
            default:
                return null;
        }
    }

    private Http2Message Complete(int streamId)
    {
        Http2Message message = _open[streamId];
        _open.Remove(streamId);
        message.Completed = _clock.GetUtcNow();
        return message;
    }

    private static bool IsInformational(IReadOnlyList<Http2HeaderField> fields) =>
        fields.Count > 0 && fields[0].Name == ":status" && fields[0].Value.StartsWith('1');
}
