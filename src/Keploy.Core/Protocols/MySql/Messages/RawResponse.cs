using YamlDotNet.RepresentationModel;
using static Keploy.Core.Protocols.MySql.MySqlYaml;

namespace Keploy.Core.Protocols.MySql.Messages;

/// <summary>A response packet with no structure of its own (COM_STATISTICS's text, a COM_FIELD_LIST definition): kept as its bytes.</summary>
public sealed record RawResponse(byte[] Payload) : MySqlSinglePacket
{
    /// <inheritdoc />
    public override string PacketType => "Raw";

    /// <inheritdoc />
    public override byte[] Encode(MySqlSession session) => Payload;

    /// <inheritdoc />
    public override YamlNode ToYaml() => Map(("data", BlockBytes(Payload)));

    /// <summary>Reads the <c>message</c> node.</summary>
    public static RawResponse FromYaml(YamlMappingNode m, string path) => new(GetBytes(m, "data", path));
}
