using System.Buffers;
using System.Net;
using Keploy.Core.Proxy;

namespace Keploy.Core.Protocols.MySql;

/// <summary>
/// MySQL/MariaDB client/server protocol (MySQL docs "Client/Server Protocol"; MariaDB "Server/Client Protocol"): records Keploy
/// <c>kind: MySQL</c> mocks and replays them. The server speaks first, so connections are claimed by destination port alone
/// (<see cref="Ports"/>: 3306 and 4000 as Keploy's built-in MySQL ports, plus keploy.yml <c>mysqlPorts</c> / <c>--mysql-ports</c>).
/// </summary>
public sealed class MySqlIntegration : IProtocolIntegration
{
    /// <summary>The mock kind.</summary>
    public const string MockKind = "MySQL";

    /// <summary>Keploy's built-in MySQL ports.</summary>
    public static readonly IReadOnlyList<int> DefaultPorts = [3306, 4000];

    /// <summary>Claims 3306, 4000 and <paramref name="extraPorts"/>.</summary>
    public MySqlIntegration(IEnumerable<int>? extraPorts = null)
    {
        Ports = new HashSet<int>(DefaultPorts.Concat(extraPorts ?? []));
    }

    /// <summary>Destination ports whose connections are MySQL.</summary>
    public IReadOnlySet<int> Ports { get; }

    /// <inheritdoc />
    public string Kind => MockKind;

    /// <inheritdoc />
    public int Priority => 15;

    /// <inheritdoc />
    public bool MatchesByPortOnly(IPEndPoint destination) => Ports.Contains(destination.Port);

    /// <inheritdoc />
    public ProtocolMatch Match(ReadOnlySequence<byte> prefix, IPEndPoint destination) => ProtocolMatch.No;

    /// <inheritdoc />
    public async Task RecordAsync(ProxyConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await new MySqlRecorder(connection).RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (MySqlProtocolException ex)
        {
            connection.Log($"closing: malformed MySQL traffic: {ex.Message}");
        }
    }

    /// <inheritdoc />
    public async Task ReplayAsync(ProxyConnection connection, CancellationToken cancellationToken)
    {
        await new MySqlReplayer(connection).RunAsync(cancellationToken).ConfigureAwait(false);
    }
}
