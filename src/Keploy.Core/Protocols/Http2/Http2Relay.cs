using System.Buffers;
using System.IO.Pipelines;

namespace Keploy.Core.Protocols.Http2;

/// <summary>
/// Record mode for HTTP/2: relays both directions byte-exact (every byte is forwarded as read, never re-encoded) while a
/// <see cref="Http2StreamDemultiplexer"/> per direction decodes the copy; each stream whose request and response both completed
/// is handed to the callback. Bytes that stop decoding (a protocol error of either peer) end the decoding, not the relay: the
/// rest of the connection is relayed untouched and one line is logged.
/// </summary>
internal sealed class Http2Relay
{
    private readonly object _gate = new();
    private readonly Dictionary<int, Http2Message> _requests = new();
    private readonly Dictionary<int, Http2Message> _responses = new();
    private readonly Action<Http2Message, Http2Message> _onStream;
    private readonly Action<string> _log;
    private volatile bool _decoding = true;

    private Http2Relay(Action<Http2Message, Http2Message> onStream, Action<string> log)
    {
        _onStream = onStream;
        _log = log;
    }

    /// <summary>Streams recorded so far.</summary>
    public int Completed { get; private set; }

    /// <summary>Relays until both directions ended. Never throws for bad bytes; cancellation ends it.</summary>
    public static async Task<int> RunAsync(IDuplexPipe client, IDuplexPipe upstream, Action<Http2Message, Http2Message> onStream, Action<string> log, CancellationToken ct)
    {
        var relay = new Http2Relay(onStream, log);
        var requests = new Http2MessageCollector();
        var responses = new Http2MessageCollector();
        Task up = relay.PumpAsync(client.Input, upstream.Output, new Http2StreamDemultiplexer(clientToServer: true), requests, fromClient: true, ct);
        Task down = relay.PumpAsync(upstream.Input, client.Output, new Http2StreamDemultiplexer(clientToServer: false), responses, fromClient: false, ct);
        await Task.WhenAll(up, down).ConfigureAwait(false);
        return relay.Completed;
    }

    private async Task PumpAsync(PipeReader from, PipeWriter to, Http2StreamDemultiplexer demux, Http2MessageCollector collector, bool fromClient, CancellationToken ct)
    {
        var events = new List<Http2StreamEvent>();
        long forwarded = 0; // octets at the start of the unread buffer that were already forwarded
        try
        {
            while (true)
            {
                ReadResult result = await from.ReadAsync(ct).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                foreach (ReadOnlyMemory<byte> segment in buffer.Slice(forwarded))
                {
                    to.Write(segment.Span);
                }

                FlushResult flush = await to.FlushAsync(ct).ConfigureAwait(false);
                SequencePosition consumed = buffer.End;
                if (_decoding)
                {
                    ReadOnlySequence<byte> rest = buffer;
                    try
                    {
                        demux.Feed(ref rest, events);
                        consumed = rest.Start;
                        Dispatch(events, collector, fromClient);
                    }
                    catch (Exception ex) when (ex is Http2ProtocolException or HpackException)
                    {
                        _decoding = false;
                        _log($"http2: {(fromClient ? "client" : "server")} sent bytes that do not decode ({ex.Message}); relaying the rest of the connection untouched, not recorded");
                        consumed = buffer.End;
                    }
                    finally
                    {
                        events.Clear();
                    }
                }

                forwarded = buffer.Slice(consumed).Length;
                from.AdvanceTo(consumed, buffer.End);
                if (result.IsCompleted || flush.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            _log($"http2: {(fromClient ? "client" : "server")} side ended: {ex.Message}");
        }
        finally
        {
            await to.CompleteAsync().ConfigureAwait(false);
            await from.CompleteAsync().ConfigureAwait(false);
        }
    }

    private void Dispatch(List<Http2StreamEvent> events, Http2MessageCollector collector, bool fromClient)
    {
        foreach (Http2StreamEvent e in events)
        {
            if (collector.Apply(e) is not Http2Message message)
            {
                continue;
            }

            Http2Message? request, response;
            lock (_gate)
            {
                Dictionary<int, Http2Message> mine = fromClient ? _requests : _responses;
                Dictionary<int, Http2Message> other = fromClient ? _responses : _requests;
                if (!other.Remove(message.StreamId, out Http2Message? counterpart))
                {
                    mine[message.StreamId] = message;
                    continue;
                }

                (request, response) = fromClient ? (message, counterpart) : (counterpart, message);
                Completed++;
            }

            if (request.ResetCode is not null || response.ResetCode is not null)
            {
                _log($"http2: stream {message.StreamId} was reset ({(request.ResetCode ?? response.ResetCode)}); not recorded");
                continue;
            }

            if (request.Truncated || response.Truncated)
            {
                _log($"http2: stream {message.StreamId} body larger than the recording bound; not recorded");
                continue;
            }

            _onStream(request, response);
        }
    }
}
