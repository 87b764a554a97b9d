using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using Keploy.Core.Proxy;

namespace Keploy.Core.Protocols.Generic;

/// <summary>
/// Keploy's <c>Generic</c> parser (<c>pkg/agent/proxy/integrations/generic</c>): the last resort for a TCP connection no other
/// integration claims. Records request and response bytes in order as <c>kind: Generic</c> mocks and replays them by sending the
/// recorded responses after the matching request (<see cref="GenericRecorder"/>, <see cref="GenericReplayer"/>). It never claims a
/// connection by its bytes (<see cref="Match"/> is always <see cref="ProtocolMatch.No"/>); the proxy hands it what nothing else
/// took (<see cref="IsFallback"/>). Each destination is named once on the console per run.
/// </summary>
public sealed class GenericIntegration : IProtocolIntegration
{
    private readonly ConcurrentDictionary<string, byte> _named = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public string Kind => GenericMockSpec.Kind;

    /// <inheritdoc />
    public int Priority => int.MaxValue;

    /// <inheritdoc />
    public bool IsFallback => true;

    /// <inheritdoc />
    public ProtocolMatch Match(ReadOnlySequence<byte> prefix, IPEndPoint destination) => ProtocolMatch.No;

    /// <inheritdoc />
    public async Task RecordAsync(ProxyConnection connection, CancellationToken cancellationToken)
    {
        NameOnce(connection, "recording it as Generic mocks (raw request and response bytes)");
        await new GenericRecorder(connection).RunAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task ReplayAsync(ProxyConnection connection, CancellationToken cancellationToken)
    {
        NameOnce(connection, "answering it from Generic mocks");
        await new GenericReplayer(connection).RunAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public bool HasGreetingMock(Keploy.Core.Replay.MockPool mocks, IPEndPoint destination) => GenericReplayer.HasGreeting(mocks, destination.ToString());

    private void NameOnce(ProxyConnection connection, string what)
    {
        if (_named.TryAdd(connection.Destination.ToString(), 0))
        {
            connection.Log($"generic: no protocol recognised for this destination; {what}");
        }
        else
        {
            connection.Debug($"generic: {what}");
        }
    }
}
