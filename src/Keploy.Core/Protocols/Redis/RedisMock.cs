using System.Globalization;
using System.Text;
using Keploy.Core.Models;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Protocols.Redis;

/// <summary>
/// The typed view of a <c>kind: Redis</c> mock as Keploy writes it (<c>v2.10.0:pkg/models/redis.go</c>; keploy/samples-java
/// <c>spring-boot-redis</c>), also read from Keploy OSS's <c>kind: Generic</c> recordings of Redis (<c>pkg/models/generic.go</c>,
/// lists named <c>genericrequests</c>/<c>genericresponses</c>; keploy/samples-go <c>gin-redis</c>):
/// <code>
/// spec:
///   metadata: {connID: "0", operation: GET, type: mocks}   # type config = session (HELLO, AUTH, CLIENT, SELECT, PING)
///   redisrequests:  [{origin: client, message: [{type: string, data: "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"}]}]
///   redisresponses: [{origin: server, message: [{type: string, data: "$1\r\nv\r\n"}]}]   # type binary = base64
///   reqtimestampmock: …
///   restimestampmock: …
/// </code>
/// <see cref="Requests"/> and <see cref="Responses"/> hold the exact bytes of each <c>message</c> entry, in order.
/// </summary>
/// <param name="Kind"><c>Redis</c> or <c>Generic</c>.</param>
/// <param name="ConnectionId">The recorded <c>connID</c>, or null.</param>
/// <param name="Type">The <c>metadata.type</c> (<c>config</c>, <c>mocks</c>, ...), or null.</param>
/// <param name="Operation">The <c>metadata.operation</c> (command name; <c>push</c> for a pushed message), or null.</param>
/// <param name="Requests">Client bytes, one entry per <c>message</c> item.</param>
/// <param name="Responses">Server bytes, one entry per <c>message</c> item (one RESP value each when we record).</param>
/// <param name="RequestTime">When the command's first byte was read.</param>
/// <param name="ResponseTime">When the reply's last byte was read.</param>
public sealed record RedisMock(string Kind, string? ConnectionId, string? Type, string? Operation, IReadOnlyList<byte[]> Requests, IReadOnlyList<byte[]> Responses, DateTimeOffset? RequestTime, DateTimeOffset? ResponseTime)
{
    /// <summary>The mock kind this protocol writes.</summary>
    public const string RedisKind = "Redis";

    /// <summary>Keploy OSS's kind for Redis recordings since keploy#2639.</summary>
    public const string GenericKind = "Generic";

    /// <summary>Every client byte, concatenated.</summary>
    public byte[] RequestBytes => Requests.SelectMany(r => r).ToArray();

    /// <summary>Every server byte, concatenated.</summary>
    public byte[] ResponseBytes => Responses.SelectMany(r => r).ToArray();

    /// <summary>True for a recorded push (a pub/sub message that answered no command).</summary>
    public bool IsPush => Requests.Count == 0;

    /// <summary>Builds the YAML mock, keys in Keploy's order; data is <c>string</c> when printable ASCII, else <c>binary</c>.</summary>
    public Mock ToMock()
    {
        YamlMappingNode metadata = new();
        if (ConnectionId is not null)
        {
            metadata.Add("connID", new YamlScalarNode(ConnectionId) { Style = ScalarStyle.DoubleQuoted });
        }

        if (Operation is not null)
        {
            metadata.Add("operation", new YamlScalarNode(Operation) { Style = Quoting(Operation) });
        }

        if (Type is not null)
        {
            metadata.Add("type", Type);
        }

        string prefix = Kind == GenericKind ? "generic" : "redis";
        YamlMappingNode spec = new()
        {
            { "metadata", metadata },
            { prefix + "requests", Side("client", Requests) },
            { prefix + "responses", Side("server", Responses) },
        };
        if (RequestTime is { } req)
        {
            spec.Add("reqtimestampmock", Storage.KeployYaml.Timestamp(req));
        }

        if (ResponseTime is { } res)
        {
            spec.Add("restimestampmock", Storage.KeployYaml.Timestamp(res));
        }

        return new Mock { Kind = Kind, Spec = spec };
    }

    /// <summary>
    /// Reads the view of a <c>Redis</c> or <c>Generic</c> mock; null for other kinds and for a Generic mock whose client bytes are
    /// not RESP (another protocol's Generic recording).
    /// </summary>
    /// <exception cref="KeployFormatException">A Redis mock without its request/response lists, or with bad base64 (names the mock and place).</exception>
    public static RedisMock? Read(Mock mock)
    {
        bool generic = mock.Kind == GenericKind;
        if (!generic && mock.Kind != RedisKind)
        {
            return null;
        }

        SourceLocation where = mock.Location ?? new SourceLocation(mock.Name, 0, 0);
        string prefix = generic ? "generic" : "redis";
        YamlSequenceNode? reqs = YamlNodes.GetSequence(mock.Spec, prefix + "requests");
        YamlSequenceNode? ress = YamlNodes.GetSequence(mock.Spec, prefix + "responses");
        if (ress is null)
        {
            if (generic)
            {
                return null;
            }

            throw new KeployFormatException(where, $"mock {mock.Name}: kind Redis needs a spec.{prefix}responses list");
        }

        List<byte[]> requests = Messages(reqs, where, mock.Name);
        List<byte[]> responses = Messages(ress, where, mock.Name);
        if (generic && !LooksLikeResp(requests))
        {
            return null;
        }

        YamlMappingNode? md = YamlNodes.GetMapping(mock.Spec, "metadata");
        return new RedisMock(mock.Kind, YamlNodes.GetString(md, "connID"), YamlNodes.GetString(md, "type"), YamlNodes.GetString(md, "operation"), requests, responses, mock.RequestTimestamp, mock.ResponseTimestamp);
    }

    /// <summary>True when the client bytes start like RESP: a multibulk <c>*</c> or a letter (an inline command).</summary>
    private static bool LooksLikeResp(List<byte[]> requests)
    {
        byte[]? first = requests.FirstOrDefault(r => r.Length > 0);
        return first is not null && (first[0] == (byte)'*' || char.IsAsciiLetter((char)first[0]));
    }

    private static List<byte[]> Messages(YamlSequenceNode? side, SourceLocation where, string name)
    {
        List<byte[]> result = new();
        if (side is null)
        {
            return result;
        }

        foreach (YamlMappingNode entry in side.Children.OfType<YamlMappingNode>())
        {
            foreach (YamlMappingNode m in YamlNodes.GetSequence(entry, "message")?.Children.OfType<YamlMappingNode>() ?? Enumerable.Empty<YamlMappingNode>())
            {
                string type = YamlNodes.GetString(m, "type") ?? "string";
                string data = YamlNodes.GetString(m, "data") ?? "";
                if (type == "binary")
                {
                    try
                    {
                        result.Add(Convert.FromBase64String(data));
                    }
                    catch (FormatException)
                    {
                        SourceLocation at = m.Start.Line > 0 ? new SourceLocation(where.File, (int)m.Start.Line, (int)m.Start.Column) : where;
                        throw new KeployFormatException(at, $"mock {name}: message data of type binary is not base64");
                    }
                }
                else
                {
                    result.Add(Encoding.UTF8.GetBytes(data));
                }
            }
        }

        return result;
    }

    private static YamlSequenceNode Side(string origin, IReadOnlyList<byte[]> messages)
    {
        YamlSequenceNode list = new();
        if (messages.Count == 0)
        {
            return list;
        }

        YamlSequenceNode items = new();
        foreach (byte[] m in messages)
        {
            bool text = IsPrintableAscii(m);
            items.Add(new YamlMappingNode
            {
                { "type", text ? "string" : "binary" },
                { "data", new YamlScalarNode(text ? Encoding.ASCII.GetString(m) : Convert.ToBase64String(m)) { Style = ScalarStyle.DoubleQuoted } },
            });
        }

        list.Add(new YamlMappingNode { { "origin", origin }, { "message", items } });
        return list;
    }

    /// <summary>Printable ASCII plus tab, CR and LF: written as <c>type: string</c> (Keploy's <c>IsASCII</c>); anything else is base64.</summary>
    public static bool IsPrintableAscii(ReadOnlySpan<byte> bytes) => !bytes.ContainsAnyExceptInRange((byte)0x20, (byte)0x7E) || !ContainsOther(bytes);

    private static bool ContainsOther(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            if (b is not ((>= 0x20 and <= 0x7E) or (byte)'\r' or (byte)'\n' or (byte)'\t'))
            {
                return true;
            }
        }

        return false;
    }

    private static ScalarStyle Quoting(string s) => s.Length == 0 || s.Contains(' ') || s.Contains(':') ? ScalarStyle.DoubleQuoted : ScalarStyle.Plain;

    /// <summary>Connection id text as written (<c>"3"</c>).</summary>
    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
