using System.IO.Pipelines;
using System.Net.Security;

namespace Keploy.Core.Tls;

/// <summary>
/// A decrypted TLS connection seen as an <see cref="IDuplexPipe"/>: <see cref="PipeReader.Create(Stream, StreamPipeReaderOptions)"/>
/// and <see cref="PipeWriter.Create(Stream, StreamPipeWriterOptions)"/> over the <see cref="SslStream"/>. Completing the writer
/// closes the TLS stream (as completing a socket pipe closes the socket); disposing also disposes the transport underneath.
/// </summary>
public sealed class TlsDuplexPipe : IDuplexPipe, IAsyncDisposable
{
    private readonly IAsyncDisposable? _transport;
    private int _disposed;

    /// <summary>Wraps an authenticated stream; <paramref name="transport"/> (the raw connection) is disposed with it.</summary>
    public TlsDuplexPipe(SslStream stream, IAsyncDisposable? transport)
    {
        Stream = stream;
        _transport = transport;
        Input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 4096, leaveOpen: true));
        Output = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 16 * 1024, leaveOpen: false));
    }

    /// <summary>The TLS stream (negotiated protocol, ALPN, certificates).</summary>
    public SslStream Stream { get; }

    /// <inheritdoc />
    public PipeReader Input { get; }

    /// <inheritdoc />
    public PipeWriter Output { get; }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await Input.CompleteAsync().ConfigureAwait(false);
            await Output.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The peer may already be gone; closing is best effort.
        }

        await Stream.DisposeAsync().ConfigureAwait(false);
        if (_transport is not null)
        {
            await _transport.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>A <see cref="Stream"/> over an <see cref="IDuplexPipe"/> (what <see cref="SslStream"/> needs as its inner stream). Bytes
/// already buffered in the reader (peeked for protocol detection) are read first. Disposing it does not complete the pipe.</summary>
internal sealed class DuplexPipeStream : Stream
{
    private readonly IDuplexPipe _pipe;

    public DuplexPipeStream(IDuplexPipe pipe)
    {
        _pipe = pipe;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            ReadResult result = await _pipe.Input.ReadAsync(cancellationToken).ConfigureAwait(false);
            System.Buffers.ReadOnlySequence<byte> data = result.Buffer;
            if (!data.IsEmpty)
            {
                int n = (int)Math.Min(buffer.Length, data.Length);
                System.Buffers.BuffersExtensions.CopyTo(data.Slice(0, n), buffer.Span);
                _pipe.Input.AdvanceTo(data.GetPosition(n));
                return n;
            }

            _pipe.Input.AdvanceTo(data.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                return 0;
            }
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        FlushResult r = await _pipe.Output.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (r.IsCompleted)
        {
            throw new IOException("the connection was closed by the peer");
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => _pipe.Output.FlushAsync(cancellationToken).AsTask();

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            try
            {
                _pipe.Output.Complete();
                _pipe.Input.Complete();
            }
            catch (Exception)
            {
                // Already closed by the peer.
            }
        }

        base.Dispose(disposing);
    }
}
