using Keploy.Core.Models;
using Keploy.Core.Sanitize;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Protocols.Redis;

/// <summary>
/// Takes credentials out of Redis mocks for the shared <see cref="Sanitizer"/>: the <c>data</c> of a request message holding AUTH
/// (or HELLO … AUTH) is replaced whole by a <c>{{string .secret.redis_auth }}</c> placeholder, its text kept in secret.yaml. The
/// whole frame is the secret so that rendering it at replay gives back the exact bytes (lengths included); the replayer answers
/// AUTH without needing them.
/// </summary>
public static class RedisSecrets
{
    /// <summary>The secret.yaml base key of a masked AUTH frame.</summary>
    public const string Key = "redis_auth";

    /// <summary>Masks every credential-carrying request message of a Redis/Generic mock in place; true when one was replaced.</summary>
    /// <exception cref="IOException">secret.yaml could not be written.</exception>
    public static bool Mask(KeployDocument document, SecretStore store)
    {
        string prefix = document.Kind == RedisMock.GenericKind ? "generic" : "redis";
        bool changed = false;
        foreach (YamlMappingNode entry in YamlNodes.GetSequence(document.Spec, prefix + "requests")?.Children.OfType<YamlMappingNode>() ?? Enumerable.Empty<YamlMappingNode>())
        {
            foreach (YamlMappingNode m in YamlNodes.GetSequence(entry, "message")?.Children.OfType<YamlMappingNode>() ?? Enumerable.Empty<YamlMappingNode>())
            {
                if (YamlNodes.Get(m, "data") is not YamlScalarNode data || data.Value is not { Length: > 0 } text || SecretTemplate.ContainsPlaceholder(text))
                {
                    continue;
                }

                byte[] bytes;
                try
                {
                    bytes = YamlNodes.GetString(m, "type") == "binary" ? Convert.FromBase64String(text) : System.Text.Encoding.UTF8.GetBytes(text);
                }
                catch (FormatException)
                {
                    continue;
                }

                if (!CarriesPassword(bytes))
                {
                    continue;
                }

                data.Value = SecretTemplate.Placeholder(store.KeyFor(Key, text));
                changed = true;
            }
        }

        return changed;
    }

    private static bool CarriesPassword(byte[] bytes)
    {
        try
        {
            return RedisCommand.ParseAll(bytes).Any(c => c.CarriesPassword);
        }
        catch (RespProtocolException)
        {
            // Not RESP: look for the command name anyway, so a credential is never written because the frame was odd.
            string s = System.Text.Encoding.Latin1.GetString(bytes);
            return s.Contains("AUTH", StringComparison.OrdinalIgnoreCase);
        }
    }
}
