using Keploy.Core.Protocols.MySql.Messages;

namespace Keploy.Core.Protocols.MySql;

/// <summary>One entry of a mock's <c>requests</c> or <c>responses</c>: a message with the header of its (first) packet.</summary>
/// <param name="Message">The decoded message.</param>
/// <param name="PayloadLength">Payload length of its first packet.</param>
/// <param name="SequenceId">Sequence id of its first packet.</param>
/// <param name="Meta">Keploy's <c>meta</c> map (<c>auth operation: public key response</c>), or null.</param>
public sealed record MySqlEntry(MySqlMessage Message, int PayloadLength, byte SequenceId, IReadOnlyList<KeyValuePair<string, string>>? Meta = null);

/// <summary>One recorded command exchange (or the connection's handshake): the unit a <c>kind: MySQL</c> mock holds.</summary>
/// <param name="ConnectionId">The proxy's connection id (<c>connID</c>).</param>
/// <param name="Requests">Client packets.</param>
/// <param name="Responses">Server messages.</param>
/// <param name="RequestTime">When the first request byte was seen.</param>
/// <param name="ResponseTime">When the last response byte was seen.</param>
/// <param name="Handshake">True for the connection phase (greeting, authentication).</param>
public sealed record MySqlExchange(long ConnectionId, IReadOnlyList<MySqlEntry> Requests, IReadOnlyList<MySqlEntry> Responses, DateTimeOffset RequestTime,
    DateTimeOffset ResponseTime, bool Handshake);
