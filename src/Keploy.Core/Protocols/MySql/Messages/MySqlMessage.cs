using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Protocols.MySql.Messages;

/// <summary>
/// One MySQL wire message (MySQL docs "Client/Server Protocol"; MariaDB's "Clients and Utilities / Server/Client protocol").
/// <see cref="PacketType"/> is the <c>packet_type</c> Keploy writes; <see cref="ToYaml"/> gives its <c>message</c> node.
/// </summary>
public abstract record MySqlMessage
{
    /// <summary>Keploy's <c>packet_type</c> (<c>COM_QUERY</c>, <c>OK</c>, <c>HandshakeV10</c>, ...).</summary>
    public abstract string PacketType { get; }

    /// <summary>The <c>message</c> node as Keploy writes it.</summary>
    public abstract YamlNode ToYaml();
}

/// <summary>A message that is one packet: encodes back to its payload.</summary>
public abstract record MySqlSinglePacket : MySqlMessage
{
    /// <summary>The payload (without the 4-byte packet header).</summary>
    public abstract byte[] Encode(MySqlSession session);
}
