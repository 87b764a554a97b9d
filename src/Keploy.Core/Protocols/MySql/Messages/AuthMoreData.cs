using System.Text;
using YamlDotNet.RepresentationModel;
using static Keploy.Core.Protocols.MySql.MySqlYaml;

namespace Keploy.Core.Protocols.MySql.Messages;

/// <summary>
/// Protocol::AuthMoreData (0x01): extra authentication data from the server. For caching_sha2_password a single byte 3
/// (<c>FastAuthSuccess</c>) or 4 (<c>PerformFullAuthentication</c>), written by Keploy as those names, or the server's RSA public
/// key in PEM (Keploy adds <c>meta: {auth operation: public key response}</c>).
/// </summary>
public sealed record AuthMoreData(byte[] Data) : MySqlSinglePacket
{
    /// <summary>caching_sha2_password: the cached scramble matched.</summary>
    public const byte FastAuthSuccess = 3;

    /// <summary>caching_sha2_password: the client must send the password (over TLS, or RSA-encrypted).</summary>
    public const byte PerformFullAuthentication = 4;

    /// <inheritdoc />
    public override string PacketType => "AuthMoreData";

    /// <summary>True when the data is a PEM public key.</summary>
    public bool IsPublicKey => Data.Length > 1 && Encoding.ASCII.GetString(Data, 0, Math.Min(Data.Length, 11)).StartsWith("-----BEGIN", StringComparison.Ordinal);

    /// <summary>Decodes the payload.</summary>
    public static AuthMoreData Decode(byte[] payload) => new(payload.AsSpan(1).ToArray());

    /// <inheritdoc />
    public override byte[] Encode(MySqlSession session) => [0x01, .. Data];

    /// <inheritdoc />
    public override YamlNode ToYaml()
    {
        YamlNode data = Data is [FastAuthSuccess] ? Str("FastAuthSuccess") : Data is [PerformFullAuthentication] ? Str("PerformFullAuthentication") : Text(Data);
        return Map(("status_tag", Int(1)), ("data", data));
    }

    /// <summary>Reads the <c>message</c> node.</summary>
    public static AuthMoreData FromYaml(YamlMappingNode m) => GetStr(m, "data") switch
    {
        "FastAuthSuccess" => new AuthMoreData([FastAuthSuccess]),
        "PerformFullAuthentication" => new AuthMoreData([PerformFullAuthentication]),
        _ => new AuthMoreData(GetText(m, "data")),
    };
}
