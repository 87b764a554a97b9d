using System.Buffers.Binary;
using System.IO.Compression;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Protocols.Http2;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Protocols.Grpc;

/// <summary>Keploy's <c>GrpcHeaders</c> (<c>pkg/models/grpc.go</c>): pseudo-headers (<c>:path</c>, <c>:status</c>...) and the
/// other headers, each a map written with sorted keys.</summary>
public sealed class GrpcHeaders
{
    /// <summary>Pseudo-headers, names with the leading ':'.</summary>
    public Dictionary<string, string> PseudoHeaders { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Ordinary headers (lower-case names; repeated ones joined with ", ").</summary>
    public Dictionary<string, string> OrdinaryHeaders { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Splits HTTP/2 header fields into pseudo and ordinary headers.</summary>
    public static GrpcHeaders From(IEnumerable<Http2HeaderField> fields)
    {
        var headers = new GrpcHeaders();
        foreach (Http2HeaderField field in fields)
        {
            Dictionary<string, string> map = field.Name.StartsWith(':') ? headers.PseudoHeaders : headers.OrdinaryHeaders;
            map[field.Name] = map.TryGetValue(field.Name, out string? existing) ? existing + ", " + field.Value : field.Value;
        }

        return headers;
    }

    /// <summary>The header fields to send: pseudo-headers first (RFC 9113 §8.3), in the order given.</summary>
    public List<Http2HeaderField> ToFields(IEnumerable<string>? pseudoOrder = null)
    {
        var fields = new List<Http2HeaderField>();
        foreach (string name in pseudoOrder ?? PseudoHeaders.Keys)
        {
            if (PseudoHeaders.TryGetValue(name, out string? value))
            {
                fields.Add(new Http2HeaderField(name.ToLowerInvariant(), value));
            }
        }

        foreach (KeyValuePair<string, string> pair in OrdinaryHeaders)
        {
            fields.Add(new Http2HeaderField(pair.Key.ToLowerInvariant(), pair.Value));
        }

        return fields;
    }

    internal YamlMappingNode Write() => new()
    {
        { "pseudo_headers", HttpSpec.WriteStringMap(PseudoHeaders) },
        { "ordinary_headers", HttpSpec.WriteStringMap(OrdinaryHeaders) },
    };

    internal static GrpcHeaders Read(YamlMappingNode? node) => new()
    {
        PseudoHeaders = HttpSpec.ReadStringMap(YamlNodes.GetMapping(node, "pseudo_headers")),
        OrdinaryHeaders = HttpSpec.ReadStringMap(YamlNodes.GetMapping(node, "ordinary_headers")),
    };
}

/// <summary>
/// One gRPC length-prefixed message (gRPC over HTTP/2, PROTOCOL-HTTP2.md "Length-Prefixed-Message": 1-octet compressed flag,
/// 4-octet big-endian length, payload), as Keploy's <c>GrpcLengthPrefixedMessage</c>: <c>compression_flag</c>,
/// <c>message_length</c> (octets on the wire) and <c>decoded_data</c> (the <see cref="ProtoscopeText"/> form of the
/// decompressed payload). A payload that has no text form is kept as <c>raw_data</c> (base64; this tool's extension).
/// </summary>
public sealed class GrpcMessage
{
    /// <summary>0 = uncompressed, 1 = compressed with the call's grpc-encoding.</summary>
    public int CompressionFlag { get; set; }

    /// <summary>Length of the payload on the wire (compressed when <see cref="CompressionFlag"/> is 1).</summary>
    public long MessageLength { get; set; }

    /// <summary>The protoscope text of the (decompressed) payload; empty for an empty message or when <see cref="Raw"/> is set.</summary>
    public string DecodedData { get; set; } = string.Empty;

    /// <summary>The (decompressed) payload when it has no text form, else null.</summary>
    public byte[]? Raw { get; set; }

    /// <summary>The decompressed payload: <see cref="Raw"/>, or <see cref="DecodedData"/> encoded back (throws
    /// <see cref="FormatException"/> with line:column when the text is malformed).</summary>
    public byte[] Payload() => Raw ?? ProtoscopeText.Parse(DecodedData);

    /// <summary>Builds the record of one wire message; <paramref name="payload"/> is as sent (compressed when flagged).</summary>
    /// <param name="compressed">The compressed-flag octet.</param>
    /// <param name="payload">The payload octets as on the wire.</param>
    /// <param name="encoding">The call's grpc-encoding (gzip, deflate or identity), used when the flag is 1.</param>
    public static GrpcMessage From(bool compressed, ReadOnlySpan<byte> payload, string? encoding)
    {
        var message = new GrpcMessage { CompressionFlag = compressed ? 1 : 0, MessageLength = payload.Length };
        byte[] plain = payload.ToArray();
        if (compressed)
        {
            try
            {
                plain = Decompress(plain, encoding);
            }
            catch (Exception ex) when (ex is InvalidDataException or NotSupportedException)
            {
                // Not decompressible with the announced encoding: kept as sent, and sent uncompressed at replay.
                message.Raw = payload.ToArray();
                message.CompressionFlag = 0;
                return message;
            }
        }

        string? text = ProtoscopeText.TryWrite(plain);
        if (text is null)
        {
            message.Raw = plain;
        }
        else
        {
            message.DecodedData = text;
        }

        return message;
    }

    /// <summary>Splits a gRPC body into its length-prefixed messages; false when the body ends inside one (the rest is returned
    /// in <paramref name="remainder"/>).</summary>
    public static List<GrpcMessage> Split(ReadOnlySpan<byte> body, string? encoding, out int remainder)
    {
        var messages = new List<GrpcMessage>();
        int pos = 0;
        while (body.Length - pos >= 5)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(body[(pos + 1)..]);
            if (length > (uint)(body.Length - pos - 5))
            {
                break;
            }

            messages.Add(From(body[pos] != 0, body.Slice(pos + 5, (int)length), encoding));
            pos += 5 + (int)length;
        }

        remainder = body.Length - pos;
        return messages;
    }

    /// <summary>The message framed for the wire: flag, length, payload (compressed again with <paramref name="encoding"/> when
    /// <see cref="CompressionFlag"/> is 1).</summary>
    public byte[] Frame(string? encoding)
    {
        byte[] payload = Payload();
        if (CompressionFlag == 1)
        {
            payload = Compress(payload, encoding);
        }

        byte[] framed = new byte[5 + payload.Length];
        framed[0] = (byte)(CompressionFlag == 1 ? 1 : 0);
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(framed.AsSpan(5));
        return framed;
    }

    internal YamlMappingNode Write()
    {
        var node = new YamlMappingNode
        {
            { "compression_flag", YamlNodes.Int(CompressionFlag) },
            { "message_length", YamlNodes.Int(MessageLength) },
            { "decoded_data", HttpSpec.Str(DecodedData) },
        };
        if (Raw is not null)
        {
            node.Add("raw_data", Storage.KeployYaml.Binary(Raw));
        }

        return node;
    }

    internal static GrpcMessage Read(YamlMappingNode? node)
    {
        var message = new GrpcMessage
        {
            CompressionFlag = (int)YamlNodes.GetInt64(node, "compression_flag"),
            MessageLength = YamlNodes.GetInt64(node, "message_length"),
            DecodedData = YamlNodes.GetString(node, "decoded_data") ?? string.Empty,
        };
        if (YamlNodes.Get(node, "raw_data") is YamlScalarNode raw)
        {
            message.Raw = Storage.KeployYaml.GetBytes(raw);
        }

        return message;
    }

    private static byte[] Decompress(byte[] data, string? encoding)
    {
        using var input = new MemoryStream(data);
        using Stream decoder = encoding switch
        {
            "gzip" => new GZipStream(input, CompressionMode.Decompress),
            "deflate" => new ZLibStream(input, CompressionMode.Decompress),
            _ => throw new NotSupportedException($"grpc-encoding {encoding ?? "(none)"}"),
        };
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    private static byte[] Compress(byte[] data, string? encoding)
    {
        using var output = new MemoryStream();
        using (Stream encoder = encoding == "deflate" ? new ZLibStream(output, CompressionLevel.Fastest) : new GZipStream(output, CompressionLevel.Fastest))
        {
            encoder.Write(data);
        }

        return output.ToArray();
    }
}

/// <summary>Keploy's <c>GrpcReq</c>: headers and body; a streaming call's further messages follow in <see cref="Messages"/>.</summary>
public sealed class GrpcRequestRecord
{
    /// <summary>Request headers.</summary>
    public GrpcHeaders Headers { get; set; } = new();

    /// <summary>The first message (Keploy's <c>body</c>; an empty message when the call sent none).</summary>
    public GrpcMessage Body { get; set; } = new();

    /// <summary>Every message in order when there is more than one (client or bidirectional streaming; written as
    /// <c>messages</c>, this tool's extension beside Keploy's single <c>body</c>); empty otherwise.</summary>
    public List<GrpcMessage> Messages { get; set; } = new();

    /// <summary>Test cases: when the request was sent; null inside mocks (Keploy writes none there).</summary>
    public DateTimeOffset? Timestamp { get; set; }

    /// <summary>The timestamp as read (nanoseconds), written back while <see cref="Timestamp"/> is unchanged.</summary>
    public string? TimestampText { get; set; }

    /// <summary>The method path (<c>:path</c>), e.g. <c>/user.UserService/CreateUser</c>.</summary>
    public string Path => Headers.PseudoHeaders.TryGetValue(":path", out string? path) ? path : string.Empty;

    /// <summary>All messages in order (<see cref="Messages"/>, or the one <see cref="Body"/>).</summary>
    public IReadOnlyList<GrpcMessage> AllMessages => Messages.Count > 0 ? Messages : [Body];
}

/// <summary>Keploy's <c>GrpcResp</c>: headers, body, trailers; a server-streaming call's further messages in <see cref="Messages"/>.</summary>
public sealed class GrpcResponseRecord
{
    /// <summary>Response headers (<c>:status</c>, content-type).</summary>
    public GrpcHeaders Headers { get; set; } = new();

    /// <summary>The first message (empty when the call returned none).</summary>
    public GrpcMessage Body { get; set; } = new();

    /// <summary>Every message in order when there is more than one; empty otherwise.</summary>
    public List<GrpcMessage> Messages { get; set; } = new();

    /// <summary>Trailers: grpc-status, grpc-message.</summary>
    public GrpcHeaders Trailers { get; set; } = new();

    /// <summary>Test cases: when the response completed; null inside mocks.</summary>
    public DateTimeOffset? Timestamp { get; set; }

    /// <summary>The timestamp as read (nanoseconds), written back while <see cref="Timestamp"/> is unchanged.</summary>
    public string? TimestampText { get; set; }

    /// <summary>The messages to send in order: <see cref="Messages"/>, or the one <see cref="Body"/>; none for a failed call
    /// (grpc-status other than 0) whose body is empty, as Keploy writes an empty body for a trailers-only answer.</summary>
    public IReadOnlyList<GrpcMessage> AllMessages =>
        Messages.Count > 0 ? Messages
        : Body.MessageLength == 0 && Body.Raw is null && Body.DecodedData.Length == 0 && Status != "0" ? []
        : [Body];

    /// <summary>The grpc-status trailer (or header, for a trailers-only answer), "0" when absent.</summary>
    public string Status =>
        Trailers.OrdinaryHeaders.TryGetValue("grpc-status", out string? s) || Headers.OrdinaryHeaders.TryGetValue("grpc-status", out s) ? s : "0";
}
