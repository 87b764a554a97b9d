using System.Buffers;
using System.IO.Pipelines;
using Keploy.Core.Proxy;

namespace Keploy.Core.Protocols.Generic;

/// <summary>
/// Record mode for a connection no integration claimed: relays both directions byte-exact while cutting the traffic into
/// exchanges (client bytes until the server answers, then server bytes until the client speaks again); each finished exchange
/// becomes one <c>kind: Generic</c> mock. Bytes the server sends before the client said anything form a mock with no requests
/// (a greeting). An exchange over <see cref="MaxExchangeBytes"/> stops recording of the connection (still relayed, logged).
/// </summary>
internal sealed class GenericRecorder
{
    /// <summary>Most bytes kept for one exchange (both directions together): 16 MiB.</summary>
    public const int MaxExchangeBytes = 16 * 1024 * 1024;

    private readonly ProxyConnection _connection;
    private readonly object _gate = new();
    private readonly ArrayBufferWriter<byte> _request = new();
    private readonly ArrayBufferWriter<byte> _response = new();
    private DateTimeOffset _requestTime;
    private DateTimeOffset _responseTime;
    private bool _stopped;

    public GenericRecorder(ProxyConnection connection) => _connection = connection;

    public async Task RunAsync(CancellationToken ct)
    {
        IDuplexPipe upstream = await _connection.ConnectUpstreamAsync!(ct).ConfigureAwait(false);
        try
        {
            await Task.WhenAll(PumpAsync(_connection.Client.Input, upstream.Output, fromClient: true, ct), PumpAsync(upstream.Input, _connection.Client.Output, fromClient: false, ct)).ConfigureAwait(false);
        }
        finally
        {
            Flush();
            if (upstream is IAsyncDisposable d)
            {
                await d.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task PumpAsync(PipeReader from, PipeWriter to, bool fromClient, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                ReadResult result = await from.ReadAsync(ct).ConfigureAwait(false);
                foreach (ReadOnlyMemory<byte> segment in result.Buffer)
                {
                    Observe(segment.Span, fromClient);
                    await to.WriteAsync(segment, ct).ConfigureAwait(false);
                }

                from.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            // A reset on one side ends this direction; the finished exchanges are already recorded.
        }
        finally
        {
            await to.CompleteAsync().ConfigureAwait(false);
        }
    }

    private void Observe(ReadOnlySpan<byte> data, bool fromClient)
    {
        if (data.IsEmpty)
        {
            return;
        }

        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            DateTimeOffset now = DateTimeOffset.UtcNow;
            if (fromClient && _response.WrittenCount > 0)
            {
                FlushLocked();
            }

            if (_request.WrittenCount == 0 && _response.WrittenCount == 0)
            {
                _requestTime = now;
            }

            if (_request.WrittenCount + _response.WrittenCount + data.Length > MaxExchangeBytes)
            {
                _stopped = true;
                _connection.Log($"generic: an exchange passed {MaxExchangeBytes} bytes; the rest of this connection is relayed untouched and not recorded");
                return;
            }

            (fromClient ? _request : _response).Write(data);
            _responseTime = now;
        }
    }

    private void Flush()
    {
        lock (_gate)
        {
            if (!_stopped)
            {
                FlushLocked();
            }
        }
    }

    private void FlushLocked()
    {
        if (_request.WrittenCount == 0 && _response.WrittenCount == 0)
        {
            return;
        }

        byte[] request = _request.WrittenSpan.ToArray();
        byte[] response = _response.WrittenSpan.ToArray();
        _request.Clear();
        _response.Clear();
        _connection.Recorder?.Record(GenericMockSpec.Create(_connection.Destination.ToString(), _connection.Id, request, response, _requestTime, _responseTime));
    }
}
