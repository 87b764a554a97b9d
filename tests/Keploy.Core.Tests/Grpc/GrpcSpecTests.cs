using Keploy.Core.Models;
using Keploy.Core.Protocols.Grpc;
using Keploy.Core.Storage;

namespace Keploy.Core.Tests.Grpc;

public class GrpcSpecTests
{
    private static readonly string Tests = Path.Combine(TestPaths.Fixtures, "samples-go", "grpc-mongo", "keploy", "test-set-0", "tests");

    [Theory]
    [InlineData("test-1.yaml")]
    [InlineData("test-4.yaml")]
    public void KeployGrpcTestCase_ReadIntoTheTypedView_AndWrittenBack_IsTheSameFile(string file)
    {
        string path = Path.Combine(Tests, file);
        TestCase recorded = Assert.Single(KeployYaml.ReadTestCases(path));
        Assert.Equal("gRPC", recorded.Kind);
        GrpcTestCaseSpec view = GrpcSpec.FromTestCase(recorded);

        TestCase rebuilt = GrpcSpec.CreateTestCase(recorded.Name, view.Request, view.Response, view.Noise, view.AppPort, view.Created);
        rebuilt.Version = recorded.Version;
        string original = File.ReadAllText(path);
        string expected = KeployYaml.HeaderLine + original[original.IndexOf('\n', StringComparison.Ordinal)..];
        string written = KeployYaml.FormatTestCase(rebuilt);
        Assert.Equal(expected, written);
    }

    [Fact]
    public void TypedView_HoldsHeadersMessagesAndTrailers()
    {
        GrpcTestCaseSpec view = GrpcSpec.FromTestCase(Assert.Single(KeployYaml.ReadTestCases(Path.Combine(Tests, "test-4.yaml"))));
        Assert.Equal("/tokenpb.TokenService/SeedTokens", view.Request.Path);
        Assert.Equal("trailers", view.Request.Headers.OrdinaryHeaders["te"]);
        GrpcMessage request = Assert.Single(view.Request.AllMessages);
        Assert.Equal(67, request.MessageLength);
        Assert.Equal(67, request.Payload().Length);
        Assert.Equal("0", view.Response.Trailers.OrdinaryHeaders["grpc-status"]);
        Assert.Equal("200", view.Response.Headers.PseudoHeaders[":status"]);
        Assert.Equal(1758807125, view.Created);
    }

    [Fact]
    public void StreamingCall_KeepsEveryMessageInOrder_WithTheFirstAsKeploysBody()
    {
        GrpcResponseRecord response = new()
        {
            Headers = new GrpcHeaders { PseudoHeaders = { [":status"] = "200" }, OrdinaryHeaders = { ["content-type"] = "application/grpc" } },
            Body = GrpcMessage.From(false, [0x08, 0x01], null),
            Messages = { GrpcMessage.From(false, [0x08, 0x01], null), GrpcMessage.From(false, [0x08, 0x02], null), GrpcMessage.From(false, [0x08, 0x03], null) },
            Trailers = new GrpcHeaders { OrdinaryHeaders = { ["grpc-status"] = "0" } },
            Timestamp = DateTimeOffset.Parse("2026-12-02T03:00:00Z"),
        };
        TestCase test = GrpcSpec.CreateTestCase("test-1", new GrpcRequestRecord { Headers = new GrpcHeaders { PseudoHeaders = { [":path"] = "/q.Q/S" } } }, response, created: 1);
        string text = KeployYaml.FormatTestCase(test);
        Assert.Contains("    body:\n      compression_flag: 0\n      message_length: 2\n      decoded_data: |\n        1: 1\n    messages:\n", text, StringComparison.Ordinal);

        TestCase again = Assert.Single(KeployYaml.ReadNodes(new StringReader(text), "x").Select(d => KeployYaml.FromNode<TestCase>(d.Root, d.Location)));
        GrpcTestCaseSpec view = GrpcSpec.FromTestCase(again);
        Assert.Equal(["1: 1\n", "1: 2\n", "1: 3\n"], view.Response.AllMessages.Select(m => m.DecodedData));
        Assert.Equal(0, Assert.Single(view.Request.AllMessages).MessageLength); // Keploy's body, empty: the call sent no message
        Assert.Equal(text, KeployYaml.FormatTestCase(GrpcSpec.CreateTestCase("test-1", view.Request, view.Response, created: 1)));
    }

    [Fact]
    public void MissingGrpcResp_IsAnErrorNamingTheFile()
    {
        string text = "version: api.keploy.io/v1beta1\nkind: gRPC\nname: test-9\nspec:\n  grpcReq: {}\n";
        TestCase test = Assert.Single(KeployYaml.ReadNodes(new StringReader(text), "bad.yaml").Select(d => KeployYaml.FromNode<TestCase>(d.Root, d.Location)));
        KeployFormatException e = Assert.Throws<KeployFormatException>(() => GrpcSpec.FromTestCase(test));
        Assert.StartsWith("bad.yaml:", e.Message, StringComparison.Ordinal);
        Assert.Contains("grpcResp", e.Message, StringComparison.Ordinal);
    }
}
