using System.Buffers;
using System.IO.Pipelines;

namespace Keploy.Core.Proxy;

/// <summary>
/// What <see cref="RecordingRelay.PumpAsync"/> needs from a protocol for one direction of a recorded connection: framing
/// (<see cref="Take"/>), recording (<see cref="Observe"/>), when to record relative to relaying, and its log lines.
/// Implemented by the MySQL, PostgreSQL and Redis recorders.
/// </summary>
internal interface IRelayParser
{
    /// <summary>
    /// True: the messages of a read are observed before their bytes go on (client requests: a request is then pending before its
    /// answer can arrive); false: after, so the peer never waits for the recording. Read once per read.
    /// </summary>
    bool ObserveFirst { get; }

    /// <summary>
    /// True: every byte read goes on at once, complete messages or not (a large value streams through); false: only the bytes of
    /// complete messages go on (the rest waits for the next read).
    /// </summary>
    bool RelayPartial { get; }

    /// <summary>
    /// Takes the complete messages at the start of <paramref name="buffer"/> (remembered for <see cref="Observe"/>) and returns the
    /// number of bytes they span (0 when none is complete). Throws this protocol's exception on malformed bytes.
    /// </summary>
    long Take(ReadOnlySequence<byte> buffer);

    /// <summary>Records the messages of the last <see cref="Take"/>, read at <paramref name="now"/> (UTC).</summary>
    void Observe(DateTimeOffset now);

    /// <summary>The one log line for a peer that closed in the middle of a message (<paramref name="rest"/>: its bytes so far).</summary>
    string Truncated(ReadOnlySequence<byte> rest);

    /// <summary>The one log line when <paramref name="ex"/> is this protocol's malformed-traffic exception, else null.</summary>
    string? Malformed(Exception ex);

    /// <summary>
    /// True once the pump should stop after the read just relayed and observed, so the recorder can hand the connection to
    /// <see cref="SocketRelay"/> (see <see cref="RecordingRelay.PumpAsync"/>). Read once per read, after <see cref="Observe"/>.
    /// Only for parsers that do not <see cref="RelayPartial"/>.
    /// </summary>
    bool HandOff => false;
}

/// <summary>
/// The relay loop of the recorders (MySQL, PostgreSQL, Redis): reads what arrived, takes the complete messages, relays their
/// bytes byte-exact with one write and one flush per read (a read holds every message that arrived, so pipelined messages go on
/// together), and observes them before or after relaying as the <see cref="IRelayParser"/> says. Malformed traffic closes both
/// directions with one logged line; a peer closing mid-message is logged the same way; socket errors close both directions.
/// </summary>
internal static class RecordingRelay
{
    /// <summary>
    /// Relays <paramref name="from"/> to <paramref name="to"/> until <paramref name="from"/> completes, the peer stops reading, or
    /// <paramref name="both"/> is cancelled; completes <paramref name="to"/> at the end and returns null. Never throws: failures
    /// cancel <paramref name="both"/> (ending the other direction too) and are reported through <paramref name="log"/> when they
    /// concern the protocol.
    /// </summary>
    /// <returns>
    /// Null when the direction ended. Otherwise the pump stopped for a hand-off, leaving <paramref name="to"/> open and no read in
    /// flight on <paramref name="from"/>, and returns the bytes it read but did not take (everything read past the last complete
    /// message; nothing of them was relayed or observed): when <see cref="IRelayParser.HandOff"/> turned true after a read, or when
    /// a read of <paramref name="from"/> was cancelled with <see cref="PipeReader.CancelPendingRead"/> (the recorder's way to stop
    /// the other direction).
    /// </returns>
    public static async Task<byte[]?> PumpAsync(PipeReader from, PipeWriter to, IRelayParser parser, CancellationTokenSource both, Action<string> log)
    {
        CancellationToken ct = both.Token;
        long relayed = 0; // bytes at the start of the unconsumed buffer already sent on (RelayPartial)
        bool handedOff = false;
        try
        {
            while (true)
            {
                ReadResult result = await from.ReadAsync(ct).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                if (result.IsCanceled && !parser.RelayPartial)
                {
                    byte[] unread = buffer.ToArray();
                    from.AdvanceTo(buffer.End);
                    handedOff = true;
                    return unread;
                }

                DateTimeOffset now = DateTimeOffset.UtcNow;
                bool first = parser.ObserveFirst;
                bool partial = parser.RelayPartial;
                long taken = -1;
                if (first || !partial)
                {
                    taken = parser.Take(buffer);
                }

                if (first)
                {
                    parser.Observe(now);
                }

                long end = partial ? buffer.Length : taken;
                if (end > relayed)
                {
                    foreach (ReadOnlyMemory<byte> segment in buffer.Slice(relayed, end - relayed))
                    {
                        to.Write(segment.Span);
                    }

                    FlushResult flushed = await to.FlushAsync(ct).ConfigureAwait(false);
                    if (flushed.IsCompleted)
                    {
                        break;
                    }
                }

                if (taken < 0)
                {
                    taken = parser.Take(buffer);
                }

                if (!first)
                {
                    parser.Observe(now);
                }

                relayed = Math.Max(end, relayed) - taken;
                if (!partial && parser.HandOff)
                {
                    byte[] rest = buffer.Slice(taken).ToArray();
                    from.AdvanceTo(buffer.End);
                    handedOff = true;
                    return rest;
                }

                from.AdvanceTo(buffer.GetPosition(taken), buffer.End);
                if (result.IsCompleted)
                {
                    if (taken < buffer.Length)
                    {
                        log(parser.Truncated(buffer.Slice(taken)));
                        both.Cancel();
                    }

                    break;
                }
            }
        }
        catch (Exception ex) when (parser.Malformed(ex) is { } line)
        {
            log(line);
            both.Cancel();
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            both.Cancel();
        }
        finally
        {
            if (!handedOff)
            {
                await to.CompleteAsync().ConfigureAwait(false);
            }
        }

        return null;
    }
}
