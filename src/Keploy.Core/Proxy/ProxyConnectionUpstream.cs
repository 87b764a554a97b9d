namespace Keploy.Core.Proxy;

/// <summary>What every recording integration does first: open the real destination, or log one line and close the app's side.</summary>
public static class ProxyConnectionUpstream
{
    /// <summary>
    /// Opens the upstream of <paramref name="connection"/> (record mode). Null, after one log line prefixed with
    /// <paramref name="protocol"/>, when record mode is not set up or the destination cannot be reached (the app's side is then
    /// completed, so the app sees the connection end as it would have).
    /// </summary>
    public static async Task<System.IO.Pipelines.IDuplexPipe?> ConnectOrCloseAsync(ProxyConnection connection, string protocol, CancellationToken cancellationToken)
    {
        if (connection.ConnectUpstreamAsync is null || connection.Recorder is null)
        {
            connection.Log($"{protocol}: record mode needs ConnectUpstreamAsync and Recorder");
            return null;
        }

        try
        {
            return await connection.ConnectUpstreamAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
        {
            connection.Log($"{protocol}: cannot connect to {connection.Destination}: {ex.Message}");
            await connection.Client.Output.CompleteAsync().ConfigureAwait(false);
            return null;
        }
    }
}
