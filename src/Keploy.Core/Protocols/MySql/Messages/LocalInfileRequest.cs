using System.Text;
using YamlDotNet.RepresentationModel;
using static Keploy.Core.Protocols.MySql.MySqlYaml;

namespace Keploy.Core.Protocols.MySql.Messages;

/// <summary>
/// LOCAL INFILE Request (0xFB + file name; MySQL docs "LOCAL INFILE Request"): the server asks the client for a file's contents.
/// Not recorded (the file's bytes would be the request): the recorder relays the rest of such a connection untouched, and the
/// replayer never offers CLIENT_LOCAL_FILES.
/// </summary>
public sealed record LocalInfileRequest(string FileName) : MySqlSinglePacket
{
    /// <inheritdoc />
    public override string PacketType => "LocalInFile";

    /// <summary>Decodes the payload.</summary>
    public static LocalInfileRequest Decode(byte[] payload) => new(Encoding.UTF8.GetString(payload, 1, payload.Length - 1));

    /// <inheritdoc />
    public override byte[] Encode(MySqlSession session) => new MySqlWriter().U8(0xFB).Text(FileName).ToArray();

    /// <inheritdoc />
    public override YamlNode ToYaml() => Map(("command", Int(0xFB)), ("filename", Str(FileName)));
}
