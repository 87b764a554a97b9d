using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Protocols.Grpc;

/// <summary>The typed view of a gRPC mock's spec (Keploy <c>pkg/models/grpc.go</c>).</summary>
/// <param name="Request">The call (<c>grpcReq</c>).</param>
/// <param name="Response">The answer (<c>grpcResp</c>).</param>
public sealed record GrpcMockSpec(GrpcRequestRecord Request, GrpcResponseRecord Response);

/// <summary>The typed view of a gRPC test case's spec (Keploy <c>pkg/models/grpc.go</c> <c>GrpcSpec</c>; reference §3.3).</summary>
/// <param name="Request"><c>spec.grpcReq</c>.</param>
/// <param name="Response"><c>spec.grpcResp</c>.</param>
/// <param name="Noise"><c>spec.assertions.noise</c>: path (<c>header.grpc-timeout</c>, <c>body</c>) to regexes; empty list = ignore.</param>
/// <param name="Created"><c>spec.created</c>, unix seconds.</param>
/// <param name="AppPort"><c>spec.app_port</c>, or null.</param>
public sealed record GrpcTestCaseSpec(
    GrpcRequestRecord Request,
    GrpcResponseRecord Response,
    Dictionary<string, List<string>> Noise,
    long Created,
    int? AppPort);

/// <summary>
/// Reads and writes Keploy's gRPC documents (<c>kind: gRPC</c>): mocks with <c>spec.grpcReq</c>, <c>spec.grpcResp</c>,
/// <c>reqTimestampMock</c>, <c>resTimestampMock</c> (keploy/samples-go <c>go-grpc</c>), and the request/response halves test cases
/// share (keploy-reference §3.3).
/// </summary>
public static class GrpcSpec
{
    /// <summary>The mock kind Keploy writes.</summary>
    public const string Kind = "gRPC";

    /// <summary>Reads a gRPC mock. Throws <see cref="KeployFormatException"/> naming the mock when grpcReq or grpcResp is missing.</summary>
    public static GrpcMockSpec FromMock(Mock mock)
    {
        YamlMappingNode? req = YamlNodes.GetMapping(mock.Spec, "grpcReq");
        YamlMappingNode? resp = YamlNodes.GetMapping(mock.Spec, "grpcResp");
        if (req is null || resp is null)
        {
            throw new KeployFormatException(mock.Location ?? new SourceLocation("mocks.yaml", 0, 0), $"gRPC mock {mock.Name} has no spec.{(req is null ? "grpcReq" : "grpcResp")}");
        }

        return new GrpcMockSpec(ReadRequest(req), ReadResponse(resp));
    }

    /// <summary>Builds a gRPC mock in Keploy's shape (no metadata: Keploy writes none for gRPC; <c>connID</c> is kept in
    /// <c>metadata</c> only when <paramref name="connectionId"/> is given).</summary>
    public static Mock CreateMock(GrpcRequestRecord request, GrpcResponseRecord response, DateTimeOffset requestTime, DateTimeOffset responseTime, long? connectionId = null, string name = "")
    {
        var spec = new YamlMappingNode();
        if (connectionId is long id)
        {
            spec.Add("metadata", new YamlMappingNode
            {
                { "connID", new YamlScalarNode(id.ToString(System.Globalization.CultureInfo.InvariantCulture)) { Style = YamlDotNet.Core.ScalarStyle.DoubleQuoted } },
                { "type", "mocks" },
            });
        }

        spec.Add("grpcReq", WriteRequest(request));
        spec.Add("grpcResp", WriteResponse(response));
        spec.Add("reqTimestampMock", Storage.KeployYaml.Timestamp(requestTime));
        spec.Add("resTimestampMock", Storage.KeployYaml.Timestamp(responseTime));
        return new Mock { Kind = Kind, Name = name, Spec = spec };
    }

    /// <summary>Reads the typed view of a gRPC test case (<c>grpcReq</c>, <c>grpcResp</c>, <c>assertions.noise</c>, <c>created</c>, <c>app_port</c>).</summary>
    /// <exception cref="KeployFormatException">The spec has no <c>grpcReq</c> or <c>grpcResp</c> mapping (names file:line:column).</exception>
    public static GrpcTestCaseSpec FromTestCase(TestCase testCase)
    {
        SourceLocation where = testCase.Location ?? new SourceLocation(testCase.FilePath ?? testCase.Name, 0, 0);
        YamlMappingNode spec = testCase.Spec;
        YamlMappingNode req = YamlNodes.GetMapping(spec, "grpcReq") ?? throw new KeployFormatException(where, $"gRPC test case {testCase.Name} has no spec.grpcReq mapping");
        YamlMappingNode resp = YamlNodes.GetMapping(spec, "grpcResp") ?? throw new KeployFormatException(where, $"gRPC test case {testCase.Name} has no spec.grpcResp mapping");
        Dictionary<string, List<string>> noise = HttpSpec.ReadNoise(YamlNodes.Get(YamlNodes.GetMapping(spec, "assertions"), "noise"));
        long appPort = YamlNodes.GetInt64(spec, "app_port", -1);
        return new GrpcTestCaseSpec(ReadRequest(req), ReadResponse(resp), noise, YamlNodes.GetInt64(spec, "created"), appPort < 0 ? null : (int)appPort);
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

    /// <summary>Reads <c>grpcReq</c>.</summary>
    public static GrpcRequestRecord ReadRequest(YamlMappingNode req) => new()
    {
        Headers = GrpcHeaders.Read(YamlNodes.GetMapping(req, "headers")),
        Body = GrpcMessage.Read(YamlNodes.GetMapping(req, "body")),
        Messages = ReadMessages(req),
        Timestamp = KeployTime.TryParseNullable(YamlNodes.GetString(req, "timestamp")),
        TimestampText = YamlNodes.GetString(req, "timestamp"),
    };

    /// <summary>Reads <c>grpcResp</c>.</summary>
    public static GrpcResponseRecord ReadResponse(YamlMappingNode resp) => new()
    {
        Headers = GrpcHeaders.Read(YamlNodes.GetMapping(resp, "headers")),
        Body = GrpcMessage.Read(YamlNodes.GetMapping(resp, "body")),
        Messages = ReadMessages(resp),
        Trailers = GrpcHeaders.Read(YamlNodes.GetMapping(resp, "trailers")),
        Timestamp = KeployTime.TryParseNullable(YamlNodes.GetString(resp, "timestamp")),
        TimestampText = YamlNodes.GetString(resp, "timestamp"),
    };

    /// <summary>Writes <c>grpcReq</c> in Keploy's key order (headers, body, [messages], [timestamp]).</summary>
    public static YamlMappingNode WriteRequest(GrpcRequestRecord request)
    {
        var node = new YamlMappingNode { { "headers", request.Headers.Write() }, { "body", request.Body.Write() } };
        AddMessages(node, request.Messages);
        AddTimestamp(node, request.Timestamp, request.TimestampText);

        return node;
    }

    /// <summary>Writes <c>grpcResp</c> in Keploy's key order (headers, body, [messages], trailers, [timestamp]).</summary>
    public static YamlMappingNode WriteResponse(GrpcResponseRecord response)
    {
        var node = new YamlMappingNode { { "headers", response.Headers.Write() }, { "body", response.Body.Write() } };
        AddMessages(node, response.Messages);
        node.Add("trailers", response.Trailers.Write());
        AddTimestamp(node, response.Timestamp, response.TimestampText);

        return node;
    }

    private static void AddTimestamp(YamlMappingNode node, DateTimeOffset? time, string? text)
    {
        if (time is not DateTimeOffset t)
        {
            return;
        }

        // Keploy writes nanoseconds; DateTimeOffset keeps 100 ns: the text read is written back when it still says the same time.
        bool same = text is not null && KeployTime.TryParseNullable(text) == t;
        node.Add("timestamp", same ? new YamlScalarNode(text!) { Style = YamlDotNet.Core.ScalarStyle.Plain } : Storage.KeployYaml.Timestamp(t));
    }

    private static void AddMessages(YamlMappingNode node, List<GrpcMessage> messages)
    {
        if (messages.Count > 1)
        {
            node.Add("messages", new YamlSequenceNode(messages.Select(m => (YamlNode)m.Write())));
        }
    }

    private static List<GrpcMessage> ReadMessages(YamlMappingNode node) =>
        YamlNodes.GetSequence(node, "messages") is { } seq ? seq.Children.Select(c => GrpcMessage.Read(c as YamlMappingNode)).ToList() : new();
}
