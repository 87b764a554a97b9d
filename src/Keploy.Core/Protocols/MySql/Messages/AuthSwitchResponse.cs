using YamlDotNet.RepresentationModel;
using static Keploy.Core.Protocols.MySql.MySqlYaml;

namespace Keploy.Core.Protocols.MySql.Messages;

/// <summary>
/// Protocol::AuthSwitchResponse and the other client packets of an authentication exchange: Keploy names them by their role —
/// <c>RequestPublicKey</c> (caching_sha2_password byte 2, message <c>request_public_key</c>), <c>plain_password</c> (cleartext
/// over TLS), <c>encrypted_password</c> (RSA), <c>AuthSwitchResponse</c> (the answer to an AuthSwitchRequest), each a base64 string.
/// A cleartext password is never written: its message is empty.
/// </summary>
public sealed record AuthSwitchResponse(string Role, byte[] Data) : MySqlSinglePacket
{
    /// <summary>Keploy's names for the roles.</summary>
    public const string RequestPublicKey = "RequestPublicKey", PlainPassword = "plain_password", EncryptedPassword = "encrypted_password", SwitchResponse = "AuthSwitchResponse";

    /// <inheritdoc />
    public override string PacketType => Role;

    /// <inheritdoc />
    public override byte[] Encode(MySqlSession session) => Role == RequestPublicKey ? [2] : Data;

    /// <inheritdoc />
    public override YamlNode ToYaml() => Role switch
    {
        RequestPublicKey => Str("request_public_key"),
        PlainPassword => Str(""),
        _ => Str(Convert.ToBase64String(Data)),
    };

    /// <summary>Reads the <c>message</c> node.</summary>
    public static AuthSwitchResponse FromYaml(string role, YamlNode? message)
    {
        string text = (message as YamlScalarNode)?.Value ?? "";
        if (role == RequestPublicKey)
        {
            return new AuthSwitchResponse(role, [2]);
        }

        try
        {
            return new AuthSwitchResponse(role, Convert.FromBase64String(text));
        }
        catch (FormatException)
        {
            return new AuthSwitchResponse(role, System.Text.Encoding.UTF8.GetBytes(text));
        }
    }
}
