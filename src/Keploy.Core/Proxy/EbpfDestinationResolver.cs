using System.Net;
using Keploy.Core.Capture;

namespace Keploy.Core.Proxy;

/// <summary>Resolves original destinations from the eBPF map filled by the connect hooks (keyed by the app's source port).</summary>
internal sealed class EbpfDestinationResolver : IDestinationResolver
{
    private readonly EbpfCapture _capture;

    public EbpfDestinationResolver(EbpfCapture capture)
    {
        _capture = capture;
    }

    public bool TryResolve(IPEndPoint clientEndPoint, out IPEndPoint destination)
    {
        return _capture.TryGetOriginalDestination(clientEndPoint.Port, out destination);
    }
}
