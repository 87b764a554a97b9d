using System.Net;
using Keploy.Core.Capture;
using Keploy.Core.Proxy;

namespace Keploy.Core.Tests.Capture;

/// <summary>Original destinations from a capture started after the proxy (the proxy binds first so its port goes into the
/// capture); no app runs before <see cref="Capture"/> is set.</summary>
internal sealed class LateCaptureResolver : IDestinationResolver
{
    public EbpfCapture? Capture { get; set; }

    public bool TryResolve(IPEndPoint clientEndPoint, out IPEndPoint destination)
    {
        destination = null!;
        return Capture is { } c && c.TryGetOriginalDestination(clientEndPoint.Port, out destination);
    }
}
