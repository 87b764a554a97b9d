namespace Keploy.Core.Protocols.Grpc;

/// <summary>
/// gRPC headers as Keploy records them (<c>pkg/models/grpc.go</c> <c>GrpcHeaders</c>): HTTP/2 pseudo-headers
/// (<c>:authority</c>, <c>:method</c>, <c>:path</c>, <c>:scheme</c>, <c>:status</c>) apart from the ordinary ones. Names are lower
/// case (RFC 9113 §8.2.1); a repeated header is joined with <c>", "</c>.
/// </summary>
public sealed class GrpcHeaders
{
    /// <summary><c>pseudo_headers</c>.</summary>
    public Dictionary<string, string> PseudoHeaders { get; init; } = new(StringComparer.Ordinal);

    /// <summary><c>ordinary_headers</c>.</summary>
    public Dictionary<string, string> OrdinaryHeaders { get; init; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// One length-prefixed gRPC message (gRPC PROTOCOL-HTTP2 "Length-Prefixed-Message"; Keploy <c>GrpcLengthPrefixedMessage</c>):
/// <c>compression_flag</c> (0 or 1), <c>message_length</c> (bytes on the wire) and <c>decoded_data</c>, the message in
/// protoscope text (see <see cref="Protoscope"/>).
/// </summary>
public sealed class GrpcMessage
{
    /// <summary><c>compression_flag</c>: 1 when the message was sent compressed with the call's <c>grpc-encoding</c>.</summary>
    public int CompressionFlag { get; init; }

    /// <summary><c>message_length</c>: the payload length from the 5-byte prefix (compressed length when compressed).</summary>
    public long MessageLength { get; init; }

    /// <summary><c>decoded_data</c>: the (decompressed) protobuf payload in protoscope text.</summary>
    public string DecodedData { get; init; } = "";

    /// <summary>The (decompressed) protobuf payload, assembled from <see cref="DecodedData"/>.</summary>
    /// <exception cref="FormatException">The text is not protoscope (names line:column).</exception>
    public byte[] Payload() => Protoscope.Assemble(DecodedData);

    /// <summary>A message for <paramref name="payload"/> (uncompressed on the wire).</summary>
    public static GrpcMessage FromPayload(ReadOnlySpan<byte> payload, int compressionFlag = 0, long? wireLength = null) => new()
    {
        CompressionFlag = compressionFlag,
        MessageLength = wireLength ?? payload.Length,
        DecodedData = payload.Length == 0 ? "" : Protoscope.Disassemble(payload),
    };
}

/// <summary>A gRPC request (<c>spec.grpcReq</c>): headers, the messages in order, when its first byte arrived.</summary>
public sealed class GrpcRequestRecord
{
    /// <summary><c>headers</c>.</summary>
    public GrpcHeaders Headers { get; init; } = new();

    /// <summary>
    /// Every request message in order: Keploy's <c>body</c> holds the first (an empty message when none); a streaming call's further
    /// messages are kept in <c>bodies</c> (all of them, this tool's addition; Keploy reads only <c>body</c>).
    /// </summary>
    public List<GrpcMessage> Messages { get; init; } = new();

    /// <summary><c>timestamp</c> (100 ns resolution).</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>
    /// <c>timestamp</c> as the file had it (Keploy writes nanoseconds); written back unchanged while it still reads as
    /// <see cref="Timestamp"/>, so a file read and written again is the same. Null for a new recording.
    /// </summary>
    public string? TimestampText { get; init; }

    /// <summary>The method path (<c>/quotes.Quotes/GetQuote</c>), from <c>:path</c>.</summary>
    public string Path => Headers.PseudoHeaders.GetValueOrDefault(":path", "/");
}

/// <summary>A gRPC response (<c>spec.grpcResp</c>): headers, the messages in order, trailers, when its last byte arrived.</summary>
public sealed class GrpcResponseRecord
{
    /// <summary><c>headers</c> (<c>:status</c> among the pseudo-headers).</summary>
    public GrpcHeaders Headers { get; init; } = new();

    /// <summary>Every response message in order (see <see cref="GrpcRequestRecord.Messages"/> for <c>body</c>/<c>bodies</c>).</summary>
    public List<GrpcMessage> Messages { get; init; } = new();

    /// <summary><c>trailers</c>: <c>grpc-status</c>, <c>grpc-message</c> and the app's own trailers.</summary>
    public GrpcHeaders Trailers { get; init; } = new();

    /// <summary><c>timestamp</c> (100 ns resolution).</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>
    /// <c>timestamp</c> as the file had it (Keploy writes nanoseconds); written back unchanged while it still reads as
    /// <see cref="Timestamp"/>, so a file read and written again is the same. Null for a new recording.
    /// </summary>
    public string? TimestampText { get; init; }
}

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
