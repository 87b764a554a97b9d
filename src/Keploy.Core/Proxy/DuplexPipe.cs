using System.IO.Pipelines;
using System.Net.Sockets;

namespace Keploy.Core.Proxy;

/// <summary>A socket seen as an <see cref="IDuplexPipe"/> (reader and writer over one <see cref="NetworkStream"/>).</summary>
internal sealed class DuplexPipe : IDuplexPipe, IAsyncDisposable
{
    private readonly Socket _socket;

    private DuplexPipe(Socket socket)
    {
        _socket = socket;
        NetworkStream stream = new(socket, ownsSocket: true);
        Input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 4096));
        Output = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 16 * 1024));
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    /// <summary>
    /// The socket, for a recorder that hands the connection to <see cref="SocketRelay"/> once <see cref="Input"/> has no read in
    /// flight and <see cref="Output"/> is flushed (neither is used afterwards; disposing the pipe still closes the socket).
    /// </summary>
    public Socket Socket => _socket;

    /// <summary>Wraps a connected socket; disposing the pipe closes the socket.</summary>
    public static DuplexPipe Create(Socket socket)
    {
        socket.NoDelay = true;
        return new DuplexPipe(socket);
    }

    /// <summary>Connects to <paramref name="endPoint"/> and wraps the socket.</summary>
    public static async ValueTask<DuplexPipe> ConnectAsync(System.Net.IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        Socket socket = new(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return Create(socket);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Input.CompleteAsync().ConfigureAwait(false);
            await Output.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The peer may already be gone; closing is best effort.
        }

        _socket.Dispose();
    }
}
