using System.IO.Pipelines;

namespace Keploy.Core.Proxy;

/// <summary>Byte-exact copying between pipes, used for passthrough and for protocols' raw phases (Upgrade, CONNECT, COPY).</summary>
public static class PipeRelay
{
    /// <summary>Copies everything from <paramref name="from"/> to <paramref name="to"/> until <paramref name="from"/> completes.
    /// Completes <paramref name="to"/> afterwards so the other side sees end of stream.</summary>
    public static async Task CopyAsync(PipeReader from, PipeWriter to, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                ReadResult result = await from.ReadAsync(cancellationToken).ConfigureAwait(false);
                foreach (ReadOnlyMemory<byte> segment in result.Buffer)
                {
                    await to.WriteAsync(segment, cancellationToken).ConfigureAwait(false);
                }

                from.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        finally
        {
            await to.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Relays both directions until both are done (or one fails).</summary>
    public static Task BothWaysAsync(IDuplexPipe a, IDuplexPipe b, CancellationToken cancellationToken)
    {
        return Task.WhenAll(SafeCopy(a.Input, b.Output, cancellationToken), SafeCopy(b.Input, a.Output, cancellationToken));
    }

    private static async Task SafeCopy(PipeReader from, PipeWriter to, CancellationToken cancellationToken)
    {
        try
        {
            await CopyAsync(from, to, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A reset on one side ends the relay; the caller closes both sockets.
        }
        catch (OperationCanceledException)
        {
        }
    }
}
