using System.Net;
using System.Net.Sockets;

namespace Keploy.Testing;

/// <summary>Free loopback TCP ports for the tests (compiled into each test project), never the same one twice in its test process.</summary>
internal static class TestPorts
{
    private static readonly HashSet<int> Given = new();

    /// <summary>
    /// A port nothing listens on now (bound to 0, then released), different from every port handed out before: a test that takes
    /// the app's port and then the proxy's before either binds would otherwise get the same number twice (CI saw the proxy take
    /// the app's port, and the app fail with EADDRINUSE).
    /// </summary>
    public static int Free()
    {
        while (true)
        {
            using TcpListener listener = new(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (Given)
            {
                if (Given.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
