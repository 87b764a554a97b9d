namespace Keploy.Core.Protocols.Http2;

/// <summary>Frame type codes (RFC 9113 §6, IANA "HTTP/2 Frame Type" registry).</summary>
public enum Http2FrameType : byte
{
    /// <summary>§6.1</summary>
    Data = 0x0,

    /// <summary>§6.2</summary>
    Headers = 0x1,

    /// <summary>§6.3</summary>
    Priority = 0x2,

    /// <summary>§6.4</summary>
    RstStream = 0x3,

    /// <summary>§6.5</summary>
    Settings = 0x4,

    /// <summary>§6.6</summary>
    PushPromise = 0x5,

    /// <summary>§6.7</summary>
    Ping = 0x6,

    /// <summary>§6.8</summary>
    GoAway = 0x7,

    /// <summary>§6.9</summary>
    WindowUpdate = 0x8,

    /// <summary>§6.10</summary>
    Continuation = 0x9,
}

/// <summary>Frame flag bits (RFC 9113 §6).</summary>
public static class Http2Flags
{
    /// <summary>END_STREAM on DATA and HEADERS (§6.1, §6.2).</summary>
    public const byte EndStream = 0x1;

    /// <summary>ACK on SETTINGS and PING (§6.5, §6.7).</summary>
    public const byte Ack = 0x1;

    /// <summary>END_HEADERS on HEADERS, PUSH_PROMISE, CONTINUATION.</summary>
    public const byte EndHeaders = 0x4;

    /// <summary>PADDED on DATA, HEADERS, PUSH_PROMISE.</summary>
    public const byte Padded = 0x8;

    /// <summary>PRIORITY on HEADERS.</summary>
    public const byte Priority = 0x20;
}

/// <summary>Error codes of RST_STREAM and GOAWAY (RFC 9113 §7).</summary>
public enum Http2ErrorCode : uint
{
    /// <summary>Graceful shutdown.</summary>
    NoError = 0x0,

    /// <summary>Protocol error detected.</summary>
    ProtocolError = 0x1,

    /// <summary>Implementation fault.</summary>
    InternalError = 0x2,

    /// <summary>Flow-control limits exceeded.</summary>
    FlowControlError = 0x3,

    /// <summary>Settings not acknowledged.</summary>
    SettingsTimeout = 0x4,

    /// <summary>Frame received for closed stream.</summary>
    StreamClosed = 0x5,

    /// <summary>Frame size incorrect.</summary>
    FrameSizeError = 0x6,

    /// <summary>Stream not processed.</summary>
    RefusedStream = 0x7,

    /// <summary>Stream cancelled.</summary>
    Cancel = 0x8,

    /// <summary>Compression state not updated.</summary>
    CompressionError = 0x9,

    /// <summary>TCP connection error for CONNECT method.</summary>
    ConnectError = 0xa,

    /// <summary>Processing capacity exceeded.</summary>
    EnhanceYourCalm = 0xb,

    /// <summary>Negotiated TLS parameters not acceptable.</summary>
    InadequateSecurity = 0xc,

    /// <summary>Use HTTP/1.1 for the request.</summary>
    Http11Required = 0xd,
}

/// <summary>
/// One HTTP/2 frame (RFC 9113 §4.1: 24-bit length, 8-bit type, 8-bit flags, 1 reserved bit + 31-bit stream identifier, payload).
/// Padding is removed when read; frames this tool writes are never padded.
/// </summary>
/// <param name="StreamId">The stream identifier (0 = the connection).</param>
/// <param name="Flags">The flag bits as on the wire (see <see cref="Http2Flags"/>).</param>
public abstract record Http2Frame(int StreamId, byte Flags)
{
    /// <summary>The frame's type code.</summary>
    public abstract Http2FrameType Type { get; }

    /// <summary>True when <paramref name="flag"/> is set.</summary>
    public bool Has(byte flag) => (Flags & flag) != 0;
}

/// <summary>DATA (RFC 9113 §6.1): request or response content; END_STREAM ends the sender's half of the stream.</summary>
/// <param name="Data">The content without padding.</param>
/// <param name="FlowControlledLength">The whole payload length including padding (what counts against flow control, §6.9.1).</param>
/// <param name="StreamId">The stream identifier.</param>
/// <param name="Flags">The flag bits as on the wire.</param>
public sealed record Http2DataFrame(int StreamId, byte Flags, ReadOnlyMemory<byte> Data, int FlowControlledLength) : Http2Frame(StreamId, Flags)
{
    /// <inheritdoc />
    public override Http2FrameType Type => Http2FrameType.Data;

    /// <summary>END_STREAM.</summary>
    public bool EndStream => Has(Http2Flags.EndStream);
}

/// <summary>HEADERS (RFC 9113 §6.2): opens a stream (or carries trailers) with the first fragment of a header block.</summary>
/// <param name="Fragment">The header block fragment (HPACK, continued by CONTINUATION frames unless END_HEADERS).</param>
/// <param name="Priority">The deprecated priority fields when the PRIORITY flag is set (§5.3.2), else null.</param>
/// <param name="StreamId">The stream identifier.</param>
/// <param name="Flags">The flag bits as on the wire.</param>
public sealed record Http2HeadersFrame(int StreamId, byte Flags, ReadOnlyMemory<byte> Fragment, Http2PriorityFields? Priority) : Http2Frame(StreamId, Flags)
{
    /// <inheritdoc />
    public override Http2FrameType Type => Http2FrameType.Headers;

    /// <summary>END_STREAM.</summary>
    public bool EndStream => Has(Http2Flags.EndStream);

    /// <summary>END_HEADERS.</summary>
    public bool EndHeaders => Has(Http2Flags.EndHeaders);
}

/// <summary>The priority fields of HEADERS and PRIORITY (RFC 9113 §6.3; deprecated, relayed but ignored).</summary>
/// <param name="Exclusive">The E bit.</param>
/// <param name="DependsOn">Stream dependency.</param>
/// <param name="Weight">Weight minus one, as on the wire.</param>
public readonly record struct Http2PriorityFields(bool Exclusive, int DependsOn, byte Weight);

/// <summary>PRIORITY (RFC 9113 §6.3).</summary>
public sealed record Http2PriorityFrame(int StreamId, byte Flags, Http2PriorityFields Priority) : Http2Frame(StreamId, Flags)
{
    /// <inheritdoc />
    public override Http2FrameType Type => Http2FrameType.Priority;
}

/// <summary>RST_STREAM (RFC 9113 §6.4): ends a stream immediately.</summary>
public sealed record Http2RstStreamFrame(int StreamId, byte Flags, Http2ErrorCode ErrorCode) : Http2Frame(StreamId, Flags)
{
    /// <inheritdoc />
    public override Http2FrameType Type => Http2FrameType.RstStream;
}

/// <summary>Setting identifiers (RFC 9113 §6.5.2).</summary>
public enum Http2SettingId : ushort
{
    /// <summary>SETTINGS_HEADER_TABLE_SIZE, initial 4096.</summary>
    HeaderTableSize = 0x1,

    /// <summary>SETTINGS_ENABLE_PUSH, initial 1.</summary>
    EnablePush = 0x2,

    /// <summary>SETTINGS_MAX_CONCURRENT_STREAMS, initially unlimited.</summary>
    MaxConcurrentStreams = 0x3,

    /// <summary>SETTINGS_INITIAL_WINDOW_SIZE, initial 65535.</summary>
    InitialWindowSize = 0x4,

    /// <summary>SETTINGS_MAX_FRAME_SIZE, initial 16384.</summary>
    MaxFrameSize = 0x5,

    /// <summary>SETTINGS_MAX_HEADER_LIST_SIZE, initially unlimited.</summary>
    MaxHeaderListSize = 0x6,
}

/// <summary>SETTINGS (RFC 9113 §6.5): parameters in the order sent (unknown identifiers kept, ignored); ACK has none.</summary>
public sealed record Http2SettingsFrame(int StreamId, byte Flags, IReadOnlyList<(Http2SettingId Id, uint Value)> Settings) : Http2Frame(StreamId, Flags)
{
    /// <inheritdoc />
    public override Http2FrameType Type => Http2FrameType.Settings;

    /// <summary>ACK.</summary>
    public bool IsAck => Has(Http2Flags.Ack);
}

/// <summary>PUSH_PROMISE (RFC 9113 §6.6).</summary>
/// <param name="PromisedStreamId">The stream the server reserves.</param>
/// <param name="Fragment">Header block fragment of the promised request.</param>
/// <param name="StreamId">The stream identifier.</param>
/// <param name="Flags">The flag bits as on the wire.</param>
public sealed record Http2PushPromiseFrame(int StreamId, byte Flags, int PromisedStreamId, ReadOnlyMemory<byte> Fragment) : Http2Frame(StreamId, Flags)
{
    /// <inheritdoc />
    public override Http2FrameType Type => Http2FrameType.PushPromise;

    /// <summary>END_HEADERS.</summary>
    public bool EndHeaders => Has(Http2Flags.EndHeaders);
}

/// <summary>PING (RFC 9113 §6.7): 8 opaque octets, echoed with ACK.</summary>
public sealed record Http2PingFrame(int StreamId, byte Flags, ulong OpaqueData) : Http2Frame(StreamId, Flags)
{
    /// <inheritdoc />
    public override Http2FrameType Type => Http2FrameType.Ping;

    /// <summary>ACK.</summary>
    public bool IsAck => Has(Http2Flags.Ack);
}

/// <summary>GOAWAY (RFC 9113 §6.8): the sender stops accepting streams above <c>LastStreamId</c>.</summary>
/// <param name="StreamId">Always 0.</param>
/// <param name="Flags">The flag bits as on the wire.</param>
/// <param name="LastStreamId">The highest stream the sender processed or may process.</param>
/// <param name="ErrorCode">Why the connection closes.</param>
/// <param name="DebugData">Opaque diagnostic octets.</param>
public sealed record Http2GoAwayFrame(int StreamId, byte Flags, int LastStreamId, Http2ErrorCode ErrorCode, ReadOnlyMemory<byte> DebugData) : Http2Frame(StreamId, Flags)
{
    /// <inheritdoc />
    public override Http2FrameType Type => Http2FrameType.GoAway;
}

/// <summary>WINDOW_UPDATE (RFC 9113 §6.9): grants <c>Increment</c> more octets of DATA on the stream (0 = connection).</summary>
/// <param name="StreamId">The stream identifier (0 = the connection).</param>
/// <param name="Flags">The flag bits as on the wire.</param>
/// <param name="Increment">Octets granted, 1..2^31-1.</param>
public sealed record Http2WindowUpdateFrame(int StreamId, byte Flags, int Increment) : Http2Frame(StreamId, Flags)
{
    /// <inheritdoc />
    public override Http2FrameType Type => Http2FrameType.WindowUpdate;
}

/// <summary>CONTINUATION (RFC 9113 §6.10): the next fragment of a header block.</summary>
public sealed record Http2ContinuationFrame(int StreamId, byte Flags, ReadOnlyMemory<byte> Fragment) : Http2Frame(StreamId, Flags)
{
    /// <inheritdoc />
    public override Http2FrameType Type => Http2FrameType.Continuation;

    /// <summary>END_HEADERS.</summary>
    public bool EndHeaders => Has(Http2Flags.EndHeaders);
}

/// <summary>A frame of a type this codec does not know (RFC 9113 §4.1: must be ignored), kept for relaying.</summary>
/// <param name="RawType">The type code.</param>
/// <param name="Payload">The payload.</param>
/// <param name="StreamId">The stream identifier.</param>
/// <param name="Flags">The flag bits as on the wire.</param>
public sealed record Http2UnknownFrame(int StreamId, byte Flags, byte RawType, ReadOnlyMemory<byte> Payload) : Http2Frame(StreamId, Flags)
{
    /// <inheritdoc />
    public override Http2FrameType Type => (Http2FrameType)RawType;
}
