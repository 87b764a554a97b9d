using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Protocols.Grpc;

/// <summary>
/// Reads and writes <c>kind: gRPC</c> test cases in Keploy's shape (<c>pkg/models/grpc.go</c> <c>GrpcSpec</c>; reference §3.3):
/// <c>spec{metadata, grpcReq{headers{pseudo_headers, ordinary_headers}, body{compression_flag, message_length, decoded_data},
/// timestamp}, grpcResp{headers, body, trailers, timestamp}, created, assertions}</c>. Header maps are written sorted by key.
/// A streaming call's messages after the first are kept in <c>bodies</c> (every message, in order) beside Keploy's <c>body</c>.
/// </summary>
public static class GrpcSpec
{
    /// <summary>The test case and mock kind Keploy writes for gRPC.</summary>
    public const string Kind = "gRPC";

    /// <summary>Reads the typed view of a gRPC test case.</summary>
    /// <exception cref="KeployFormatException">The spec has no <c>grpcReq</c>/<c>grpcResp</c> mapping or a body of the wrong shape.</exception>
    public static GrpcTestCaseSpec FromTestCase(TestCase testCase)
    {
        SourceLocation where = testCase.Location ?? new SourceLocation(testCase.FilePath ?? testCase.Name, 0, 0);
        YamlMappingNode spec = testCase.Spec;
        YamlMappingNode req = YamlNodes.GetMapping(spec, "grpcReq") ?? throw new KeployFormatException(where, "gRPC spec has no 'grpcReq' mapping");
        YamlMappingNode resp = YamlNodes.GetMapping(spec, "grpcResp") ?? throw new KeployFormatException(where, "gRPC spec has no 'grpcResp' mapping");
        GrpcRequestRecord request = new()
        {
            Headers = ReadHeaders(YamlNodes.GetMapping(req, "headers")),
            Messages = ReadMessages(req, where),
            Timestamp = KeployTime.TryParseNullable(YamlNodes.GetString(req, "timestamp")) ?? KeployTime.Zero,
            TimestampText = YamlNodes.GetString(req, "timestamp"),
        };
        GrpcResponseRecord response = new()
        {
            Headers = ReadHeaders(YamlNodes.GetMapping(resp, "headers")),
            Messages = ReadMessages(resp, where),
            Trailers = ReadHeaders(YamlNodes.GetMapping(resp, "trailers")),
            Timestamp = KeployTime.TryParseNullable(YamlNodes.GetString(resp, "timestamp")) ?? KeployTime.Zero,
            TimestampText = YamlNodes.GetString(resp, "timestamp"),
        };
        Dictionary<string, List<string>> noise = HttpSpec.ReadNoise(YamlNodes.Get(YamlNodes.GetMapping(spec, "assertions"), "noise"));
        long appPort = YamlNodes.GetInt64(spec, "app_port", -1);
        return new GrpcTestCaseSpec(request, response, noise, YamlNodes.GetInt64(spec, "created"), appPort < 0 ? null : (int)appPort);
    }

    /// <summary>
    /// Builds a gRPC test case as Keploy writes it: <c>metadata: {}</c>, <c>grpcReq</c>, <c>grpcResp</c>, <c>created</c> (default now,
    /// unix seconds), <c>assertions: {}</c> (<c>{noise: ..}</c> when there is noise), <c>app_port</c> when given.
    /// </summary>
    public static TestCase CreateTestCase(
        string name, GrpcRequestRecord request, GrpcResponseRecord response, Dictionary<string, List<string>>? noise = null, int? appPort = null,
        long? created = null)
    {
        YamlMappingNode spec = new()
        {
            { "metadata", new YamlMappingNode() },
            { "grpcReq", WriteRequest(request) },
            { "grpcResp", WriteResponse(response) },
            { "created", YamlNodes.Int(created ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()) },
        };
        YamlMappingNode assertions = new();
        if (noise is { Count: > 0 })
        {
            assertions.Add("noise", HttpSpec.WriteNoise(noise));
        }

        spec.Add("assertions", assertions);
        if (appPort is not null)
        {
            spec.Add("app_port", YamlNodes.Int(appPort.Value));
        }

        return new TestCase { Kind = Kind, Name = name, Spec = spec };
    }

    /// <summary>Writes <c>grpcReq</c>: headers, body (first message), [bodies], timestamp.</summary>
    public static YamlMappingNode WriteRequest(GrpcRequestRecord request)
    {
        YamlMappingNode node = new() { { "headers", WriteHeaders(request.Headers) } };
        WriteMessages(node, request.Messages);
        node.Add("timestamp", Timestamp(request.Timestamp, request.TimestampText));
        return node;
    }

    /// <summary>Writes <c>grpcResp</c>: headers, body (first message), [bodies], trailers, timestamp.</summary>
    public static YamlMappingNode WriteResponse(GrpcResponseRecord response)
    {
        YamlMappingNode node = new() { { "headers", WriteHeaders(response.Headers) } };
        WriteMessages(node, response.Messages);
        node.Add("trailers", WriteHeaders(response.Trailers));
        node.Add("timestamp", Timestamp(response.Timestamp, response.TimestampText));
        return node;
    }

    private static YamlScalarNode Timestamp(DateTimeOffset value, string? recorded) =>
        recorded is not null && KeployTime.TryParseNullable(recorded) == value
            ? new YamlScalarNode(recorded) { Style = YamlDotNet.Core.ScalarStyle.Plain }
            : Storage.KeployYaml.Timestamp(value);

    private static GrpcHeaders ReadHeaders(YamlMappingNode? node)
    {
        GrpcHeaders headers = new();
        foreach (KeyValuePair<string, string> p in HttpSpec.ReadStringMap(YamlNodes.GetMapping(node, "pseudo_headers")))
        {
            headers.PseudoHeaders[p.Key] = p.Value;
        }

        foreach (KeyValuePair<string, string> p in HttpSpec.ReadStringMap(YamlNodes.GetMapping(node, "ordinary_headers")))
        {
            headers.OrdinaryHeaders[p.Key] = p.Value;
        }

        return headers;
    }

    private static YamlMappingNode WriteHeaders(GrpcHeaders headers) => new()
    {
        { "pseudo_headers", HttpSpec.WriteStringMap(headers.PseudoHeaders) },
        { "ordinary_headers", HttpSpec.WriteStringMap(headers.OrdinaryHeaders) },
    };

    private static List<GrpcMessage> ReadMessages(YamlMappingNode parent, SourceLocation where)
    {
        if (YamlNodes.GetSequence(parent, "bodies") is { } bodies)
        {
            return bodies.Children.Select(b => ReadMessage(b, where, "bodies[]")).ToList();
        }

        YamlNode? body = YamlNodes.Get(parent, "body");
        return body is null ? new List<GrpcMessage>() : new List<GrpcMessage> { ReadMessage(body, where, "body") };
    }

    private static GrpcMessage ReadMessage(YamlNode node, SourceLocation where, string field)
    {
        if (node is not YamlMappingNode map)
        {
            throw new KeployFormatException(node.Start.Line > 0 ? where with { Line = (int)node.Start.Line, Column = (int)node.Start.Column } : where, $"gRPC {field} is not a mapping of compression_flag, message_length, decoded_data");
        }

        return new GrpcMessage
        {
            CompressionFlag = (int)YamlNodes.GetInt64(map, "compression_flag"),
            MessageLength = YamlNodes.GetInt64(map, "message_length"),
            DecodedData = YamlNodes.GetString(map, "decoded_data") ?? "",
        };
    }

    private static void WriteMessages(YamlMappingNode node, List<GrpcMessage> messages)
    {
        node.Add("body", WriteMessage(messages.Count > 0 ? messages[0] : new GrpcMessage()));
        if (messages.Count > 1)
        {
            YamlSequenceNode bodies = new();
            foreach (GrpcMessage m in messages)
            {
                bodies.Add(WriteMessage(m));
            }

            node.Add("bodies", bodies);
        }
    }

    private static YamlMappingNode WriteMessage(GrpcMessage message) => new()
    {
        { "compression_flag", YamlNodes.Int(message.CompressionFlag) },
        { "message_length", YamlNodes.Int(message.MessageLength) },
        { "decoded_data", new YamlScalarNode(message.DecodedData) },
    };
}
