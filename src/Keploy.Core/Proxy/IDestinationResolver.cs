using System.Net;

namespace Keploy.Core.Proxy;

/// <summary>Finds where a proxied connection was meant to go.</summary>
public interface IDestinationResolver
{
    /// <summary>
    /// Returns the original destination of the connection whose client end is <paramref name="clientEndPoint"/> (the app's socket
    /// as seen by the proxy). With eBPF this reads the map filled by the connect hooks, keyed by the client's source port.
    /// </summary>
    bool TryResolve(IPEndPoint clientEndPoint, out IPEndPoint destination);
}

/// <summary>Sends every connection to one fixed destination: a plain forwarding proxy (benchmarks, tests, non-eBPF use).</summary>
public sealed class FixedDestinationResolver : IDestinationResolver
{
    private readonly IPEndPoint _destination;

    /// <summary>Creates a resolver that always answers <paramref name="destination"/>.</summary>
    public FixedDestinationResolver(IPEndPoint destination)
    {
        _destination = destination;
    }

    /// <inheritdoc />
    public bool TryResolve(IPEndPoint clientEndPoint, out IPEndPoint destination)
    {
        destination = _destination;
        return true;
    }
}
