using System.Net;

namespace Keploy.Core.Capture;

/// <summary>What one ingress capture record says (see <see cref="IngressCaptureEvent"/>).</summary>
public enum IngressEventKind
{
    /// <summary>The app's accept()/accept4() returned a connection on a recorded port.</summary>
    Open = 1,

    /// <summary>Bytes the app read from the client (read, recvfrom without MSG_PEEK, readv, recvmsg).</summary>
    Read = 2,

    /// <summary>Bytes the app wrote to the client (write, sendto, writev, sendmsg).</summary>
    Write = 3,

    /// <summary>The app closed the connection; <see cref="IngressCaptureEvent.Offset"/> and <see cref="IngressCaptureEvent.EndOffset"/>
    /// give the bytes read and written in all.</summary>
    Close = 4,
}

/// <summary>
/// One record of the ingress capture ring buffer (<c>data_events</c> in bpf/keploy.bpf.c), as handed to an
/// <see cref="IIngressCaptureSink"/>: a connection the app accepted, a read or write on it (the bytes are passed beside this),
/// or its close.
/// </summary>
/// <param name="ConnectionId">Unique per run, from 1, assigned at accept.</param>
/// <param name="Kind">What happened.</param>
/// <param name="MonotonicNs">When the syscall returned: CLOCK_MONOTONIC in nanoseconds (the clock of <see cref="System.Diagnostics.Stopwatch"/> on Linux).</param>
/// <param name="Offset">Read/Write: stream offset (bytes in that direction before this record); a record whose offset is not the
/// end of the previous one means bytes were not captured (ring buffer full, more than 128 KiB in one call, sendfile). Close: bytes
/// the app read in all.</param>
/// <param name="EndOffset">Close: bytes the app wrote in all; otherwise 0.</param>
/// <param name="Pid">The app process (tgid).</param>
/// <param name="LocalPort">Open: the port the app listens on (host order); otherwise 0.</param>
/// <param name="Remote">Open: the client's address and port; otherwise null.</param>
public readonly record struct IngressCaptureEvent(
    ulong ConnectionId, IngressEventKind Kind, long MonotonicNs, long Offset, long EndOffset, int Pid, int LocalPort, IPEndPoint? Remote);

/// <summary>Receives ingress capture records on the capture's ring-buffer thread, one at a time, in ring order.</summary>
public interface IIngressCaptureSink
{
    /// <summary>
    /// One record. <paramref name="data"/> (Read/Write) is valid only during the call. Must not block for long: the ring buffer
    /// fills while it does (records that do not fit are lost and counted, never waited for: the app is never slowed).
    /// </summary>
    void OnEvent(in IngressCaptureEvent e, ReadOnlySpan<byte> data);
}
