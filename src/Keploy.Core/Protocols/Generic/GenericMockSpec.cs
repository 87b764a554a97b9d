using System.Globalization;
using System.Text;
using Keploy.Core.Models;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Protocols.Generic;

/// <summary>
/// One entry of <c>genericrequests</c> / <c>genericresponses</c> (Keploy <c>pkg/models/generic.go</c> <c>Payload</c>): who sent it
/// (<c>origin: client|server</c>) and its byte chunks (<c>message: [{type, data}]</c>).
/// </summary>
/// <param name="Origin"><c>client</c> or <c>server</c>, as written.</param>
/// <param name="Chunks">The message parts in order, each as Keploy wrote it.</param>
public sealed record GenericPayload(string Origin, IReadOnlyList<GenericChunk> Chunks)
{
    /// <summary>All chunks' bytes joined.</summary>
    public byte[] Bytes() => Chunks.SelectMany(c => c.Data).ToArray();
}

/// <summary>
/// One <c>{type, data}</c> part (Keploy <c>generic/encode.go</c>): <c>type: string</c> is the bytes verbatim as ASCII text,
/// <c>type: binary</c> their base64 (RFC 4648 §4).
/// </summary>
/// <param name="Type"><c>string</c> or <c>binary</c>.</param>
/// <param name="Data">The decoded bytes.</param>
public sealed record GenericChunk(string Type, byte[] Data)
{
    /// <summary>Keploy's choice for <paramref name="data"/>: <c>string</c> when every byte is printable ASCII, tab, CR or LF
    /// (so the YAML stays readable and round-trips), else <c>binary</c>.</summary>
    public static GenericChunk Of(byte[] data) =>
        new(data.All(b => b is (>= 0x20 and < 0x7f) or (byte)'\t' or (byte)'\r' or (byte)'\n') ? "string" : "binary", data);

    /// <summary>The <c>data</c> text: the ASCII for <c>string</c>, base64 for <c>binary</c>.</summary>
    public string Text => Type == "binary" ? Convert.ToBase64String(Data) : Encoding.Latin1.GetString(Data);
}

/// <summary>
/// Typed view of a <c>kind: Generic</c> mock: what the client sent, then what the server answered, as chunks in order. Keploy
/// writes <c>metadata</c>, <c>genericrequests</c>, <c>genericresponses</c>, <c>reqtimestampmock</c>, <c>restimestampmock</c>
/// (v2.10.0 <c>pkg/models/generic.go</c>; reference §3.5). This tool adds <c>metadata.destination</c> (<c>host:port</c>) and
/// <c>metadata.connID</c>; Keploy ignores unknown metadata. A mock whose requests are empty is a server greeting (the server
/// spoke first on the connection).
/// </summary>
/// <param name="Metadata">The metadata map as read (string values).</param>
/// <param name="Requests">Client payloads.</param>
/// <param name="Responses">Server payloads.</param>
public sealed record GenericMockSpec(IReadOnlyDictionary<string, string> Metadata, IReadOnlyList<GenericPayload> Requests, IReadOnlyList<GenericPayload> Responses)
{
    /// <summary>The mock kind.</summary>
    public const string Kind = "Generic";

    /// <summary>Recorded destination (<c>metadata.destination</c>), or null for Keploy's own recordings.</summary>
    public string? Destination => Metadata.TryGetValue("destination", out string? d) ? d : null;

    /// <summary>All request bytes joined.</summary>
    public byte[] RequestBytes() => Requests.SelectMany(p => p.Bytes()).ToArray();

    /// <summary>
    /// Reads the spec. Throws <see cref="KeployFormatException"/> naming the mock and the field when a list entry is not a
    /// mapping, a <c>type</c> is neither <c>string</c> nor <c>binary</c>, or binary data is not base64.
    /// </summary>
    public static GenericMockSpec FromMock(Mock mock)
    {
        Dictionary<string, string> metadata = new(StringComparer.Ordinal);
        if (YamlNodes.GetMapping(mock.Spec, "metadata") is { } meta)
        {
            foreach ((YamlNode k, YamlNode v) in meta.Children)
            {
                if (k is YamlScalarNode ks && v is YamlScalarNode vs && ks.Value is { } key)
                {
                    metadata[key] = vs.Value ?? "";
                }
            }
        }

        return new GenericMockSpec(metadata, ReadPayloads(mock, "genericrequests"), ReadPayloads(mock, "genericresponses"));
    }

    /// <summary>Builds the spec tree in Keploy's key order; the timestamps are written as Keploy's lower-case keys (left out when
    /// null, as in Keploy 2's header-less files).</summary>
    public YamlMappingNode ToSpec(DateTimeOffset? requestTime, DateTimeOffset? responseTime)
    {
        YamlMappingNode meta = new() { Style = YamlDotNet.Core.Events.MappingStyle.Flow };
        foreach ((string k, string v) in Metadata)
        {
            meta.Add(k, new YamlScalarNode(v) { Style = ScalarStyle.DoubleQuoted });
        }

        YamlMappingNode spec = new();
        spec.Add("metadata", meta);
        spec.Add("genericrequests", WritePayloads(Requests));
        spec.Add("genericresponses", WritePayloads(Responses));
        if (requestTime is { } req)
        {
            spec.Add("reqtimestampmock", Storage.KeployYaml.Timestamp(req));
        }

        if (responseTime is { } res)
        {
            spec.Add("restimestampmock", Storage.KeployYaml.Timestamp(res));
        }

        return spec;
    }

    /// <summary>A new mock from recorded bytes: one payload per direction, one chunk each (empty lists when nothing was sent).</summary>
    public static Mock Create(string destination, long connectionId, byte[] request, byte[] response, DateTimeOffset requestTime, DateTimeOffset responseTime)
    {
        Dictionary<string, string> metadata = new(StringComparer.Ordinal)
        {
            ["connID"] = connectionId.ToString(CultureInfo.InvariantCulture),
            ["destination"] = destination,
        };
        GenericPayload[] req = request.Length == 0 ? [] : [new GenericPayload("client", [GenericChunk.Of(request)])];
        GenericPayload[] res = response.Length == 0 ? [] : [new GenericPayload("server", [GenericChunk.Of(response)])];
        return new Mock { Kind = Kind, Spec = new GenericMockSpec(metadata, req, res).ToSpec(requestTime, responseTime) };
    }

    private static YamlSequenceNode WritePayloads(IReadOnlyList<GenericPayload> payloads)
    {
        YamlSequenceNode list = new();
        foreach (GenericPayload p in payloads)
        {
            YamlSequenceNode message = new();
            foreach (GenericChunk c in p.Chunks)
            {
                YamlMappingNode chunk = new();
                chunk.Add("type", c.Type);
                chunk.Add("data", new YamlScalarNode(c.Text) { Style = ScalarStyle.DoubleQuoted });
                message.Add(chunk);
            }

            YamlMappingNode entry = new();
            entry.Add("origin", p.Origin);
            entry.Add("message", message);
            list.Add(entry);
        }

        return list;
    }

    private static List<GenericPayload> ReadPayloads(Mock mock, string key)
    {
        List<GenericPayload> result = new();
        if (YamlNodes.Get(mock.Spec, key) is not YamlSequenceNode seq)
        {
            return result;
        }

        int i = 0;
        foreach (YamlNode item in seq)
        {
            string where = $"{key}[{i}]";
            if (item is not YamlMappingNode map)
            {
                throw Bad(mock, item, $"{where}: expected a mapping with origin and message");
            }

            List<GenericChunk> chunks = new();
            int j = 0;
            foreach (YamlNode part in YamlNodes.GetSequence(map, "message") ?? new YamlSequenceNode())
            {
                if (part is not YamlMappingNode pm)
                {
                    throw Bad(mock, part, $"{where}.message[{j}]: expected a mapping with type and data");
                }

                string type = YamlNodes.GetString(pm, "type") ?? "string";
                string data = YamlNodes.GetString(pm, "data") ?? "";
                byte[] bytes;
                if (type == "binary")
                {
                    try
                    {
                        bytes = Convert.FromBase64String(data);
                    }
                    catch (FormatException)
                    {
                        throw Bad(mock, pm, $"{where}.message[{j}].data: type binary but not base64");
                    }
                }
                else if (type == "string")
                {
                    bytes = Encoding.Latin1.GetBytes(data);
                }
                else
                {
                    throw Bad(mock, pm, $"{where}.message[{j}].type: expected string or binary, got '{type}'");
                }

                chunks.Add(new GenericChunk(type, bytes));
                j++;
            }

            result.Add(new GenericPayload(YamlNodes.GetString(map, "origin") ?? "", chunks));
            i++;
        }

        return result;
    }

    private static KeployFormatException Bad(Mock mock, YamlNode node, string message) =>
        new(new SourceLocation(mock.Location?.File ?? $"mock {mock.Name}", (int)node.Start.Line, (int)node.Start.Column), $"Generic mock {mock.Name}: {message}");
}
