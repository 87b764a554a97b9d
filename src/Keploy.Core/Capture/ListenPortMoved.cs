using System.Net;
using System.Net.Sockets;

namespace Keploy.Core.Capture;

/// <summary>
/// Record mode: the app asked to listen on <paramref name="OriginalPort"/> and the kernel bound it to <paramref name="NewPort"/> instead
/// (Keploy <c>IngressEvent{Family, OrigAppPort, NewAppPort}</c>). The tool listens on the original port, on the same address the app
/// asked for (<paramref name="Address"/>, never wider), and forwards to the new one.
/// </summary>
/// <param name="Family"><see cref="AddressFamily.InterNetwork"/> or <see cref="AddressFamily.InterNetworkV6"/> (the socket's family).</param>
/// <param name="OriginalPort">The port the app asked for, 1-65535.</param>
/// <param name="NewPort">The ephemeral port the socket is really bound to, 1-65535.</param>
/// <param name="ProcessId">The pid (thread-group id) that called bind().</param>
/// <param name="Address">The local address the app bound (<c>0.0.0.0</c> / <c>::</c> for any; null when not known: treated as any).</param>
public sealed record ListenPortMoved(AddressFamily Family, int OriginalPort, int NewPort, int ProcessId = 0, IPAddress? Address = null);
