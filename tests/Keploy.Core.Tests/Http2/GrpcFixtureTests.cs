using Keploy.Core.Models;
using Keploy.Core.Protocols.Grpc;
using Keploy.Core.Storage;
using Keploy.Core.Tests.Storage;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Tests.Http2;

/// <summary>Keploy's gRPC files (keploy/samples-go go-grpc, grpc-mongo) through the typed gRPC model and back.</summary>
public sealed class GrpcFixtureTests
{
    public static TheoryData<string> Sets => new() { "samples-go/go-grpc/keploy/test-set-0", "samples-go/grpc-mongo/keploy/test-set-0" };

    [Theory]
    [MemberData(nameof(Sets))]
    public void GrpcMocksLoadAndWriteBackEqual(string set)
    {
        string path = Path.Combine(TestPaths.Fixtures, set, "mocks.yaml");
        List<Mock> grpc = KeployYaml.ReadMocks(path).Where(m => m.Kind == GrpcSpec.Kind).ToList();
        Assert.Equal(set.Contains("go-grpc") ? 4 : 0, grpc.Count); // grpc-mongo's mocks are its Mongo calls

        foreach (Mock mock in grpc)
        {
            GrpcMockSpec spec = GrpcSpec.FromMock(mock);
            Mock again = GrpcSpec.CreateMock(spec.Request, spec.Response, mock.RequestTimestamp!.Value, mock.ResponseTimestamp!.Value, name: mock.Name);
            Assert.Equal(StorageTestPaths.Canonical(YamlNodes.Get(mock.Spec, "grpcReq")!), StorageTestPaths.Canonical(YamlNodes.Get(again.Spec, "grpcReq")!));
            Assert.Equal(StorageTestPaths.Canonical(YamlNodes.Get(mock.Spec, "grpcResp")!), StorageTestPaths.Canonical(YamlNodes.Get(again.Spec, "grpcResp")!));
            Assert.Equal(mock.Spec.Children.Keys.Select(k => k.ToString()), again.Spec.Children.Keys.Select(k => k.ToString()));
            Assert.Equal(mock.RequestTimestamp, again.RequestTimestamp);
            AssertTextRoundTrips(spec.Request.Body);
            AssertTextRoundTrips(spec.Response.Body);
        }
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public void GrpcTestCasesLoadAndWriteBackEqual(string set)
    {
        int seen = 0;
        foreach (string file in Directory.GetFiles(Path.Combine(TestPaths.Fixtures, set, "tests"), "*.yaml"))
        {
            TestCase test = Assert.Single(KeployYaml.ReadTestCases(file));
            if (test.Kind != GrpcSpec.Kind)
            {
                continue;
            }

            seen++;
            var req = (YamlMappingNode)YamlNodes.Get(test.Spec, "grpcReq")!;
            var resp = (YamlMappingNode)YamlNodes.Get(test.Spec, "grpcResp")!;
            GrpcRequestRecord request = GrpcSpec.ReadRequest(req);
            GrpcResponseRecord response = GrpcSpec.ReadResponse(resp);
            Assert.NotNull(request.Timestamp);
            Assert.StartsWith("/", request.Path);
            Assert.Equal(StorageTestPaths.Canonical(req), StorageTestPaths.Canonical(GrpcSpec.WriteRequest(request)));
            Assert.Equal(StorageTestPaths.Canonical(resp), StorageTestPaths.Canonical(GrpcSpec.WriteResponse(response)));
            AssertTextRoundTrips(request.Body);
            AssertTextRoundTrips(response.Body);
        }

        if (set.Contains("grpc-mongo"))
        {
            Assert.True(seen > 0, "grpc-mongo has gRPC test cases");
        }
    }

    [Fact]
    public void GoGrpcMockBodiesHaveTheExpectedWireBytes()
    {
        Mock create = KeployYaml.ReadMocks(Path.Combine(TestPaths.Fixtures, "samples-go/go-grpc/keploy/test-set-0/mocks.yaml")).First(m => m.Kind == GrpcSpec.Kind);
        GrpcMockSpec spec = GrpcSpec.FromMock(create);
        byte[] wire = spec.Request.Body.Payload();
        Assert.Equal(spec.Request.Body.MessageLength, wire.Length);
        Assert.Equal(spec.Response.Body.MessageLength, spec.Response.Body.Payload().Length);

        // An independent protobuf reader sees the same fields.
        var input = new Google.Protobuf.CodedInputStream(wire);
        Assert.Equal((2u << 3) | 2, input.ReadTag());
        Assert.Equal("test1", input.ReadString());
        Assert.Equal((3u << 3) | 2, input.ReadTag());
        Assert.Equal("test1@gmail.com", input.ReadString());
        Assert.Equal(4u << 3, input.ReadTag());
        Assert.Equal(20, input.ReadInt32());
    }

    [Theory]
    [InlineData("1: -1\n", "08ffffffffffffffffff01")]
    [InlineData("1: 5i32\n2: 7i64\n", "0d05000000" + "110700000000000000")]
    [InlineData("3: {`00ff`}\n", "1a0200ff")]
    [InlineData("1: {\n  2: {\"a\\\"b\"}\n}\n", "0a05" + "1203612262")]
    public void TextFormsEncodeToTheWire(string text, string hex)
    {
        Assert.Equal(hex, Convert.ToHexString(ProtoscopeText.Parse(text)).ToLowerInvariant());
    }

    [Theory]
    [InlineData("1: {\"x\"")]
    [InlineData("x: 1")]
    [InlineData("1 2")]
    public void MalformedTextIsALocatedError(string text)
    {
        FormatException error = Assert.Throws<FormatException>(() => ProtoscopeText.Parse(text));
        Assert.Matches(@"^decoded_data \d+:\d+: ", error.Message);
    }

    [Fact]
    public void NonProtobufPayloadHasNoTextForm()
    {
        Assert.Null(ProtoscopeText.TryWrite(new byte[] { 0xff, 0xff, 0xff }));
        GrpcMessage message = GrpcMessage.From(false, new byte[] { 0xff, 0xff, 0xff }, null);
        Assert.Equal(new byte[] { 0xff, 0xff, 0xff }, message.Raw);
        Assert.Equal(new byte[] { 0xff, 0xff, 0xff }, message.Payload());
    }

    private static void AssertTextRoundTrips(GrpcMessage message)
    {
        byte[] wire = message.Payload();
        Assert.Equal(message.DecodedData, wire.Length == 0 ? string.Empty : ProtoscopeText.Write(wire));
    }
}
