using System.Net.Sockets;

namespace Keploy.Core.Capture;

/// <summary>
/// Record mode: the app asked to listen on <paramref name="OriginalPort"/> and the kernel bound it to <paramref name="NewPort"/> instead
/// (Keploy <c>IngressEvent{Family, OrigAppPort, NewAppPort}</c>). The tool listens on the original port and forwards to the new one.
/// </summary>
/// <param name="Family"><see cref="AddressFamily.InterNetwork"/> or <see cref="AddressFamily.InterNetworkV6"/> (the socket's family).</param>
/// <param name="OriginalPort">The port the app asked for, 1-65535.</param>
/// <param name="NewPort">The ephemeral port the socket is really bound to, 1-65535.</param>
/// <param name="ProcessId">The pid (thread-group id) that called bind().</param>
public sealed record ListenPortMoved(AddressFamily Family, int OriginalPort, int NewPort, int ProcessId = 0);
