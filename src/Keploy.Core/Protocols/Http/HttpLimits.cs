namespace Keploy.Core.Protocols.Http;

/// <summary>
/// Limits of the HTTP/1.x codec. Heads beyond them are rejected with <see cref="HttpParseException"/>; bodies are never
/// rejected (they are streamed) but only the first <see cref="BodyCaptureBytes"/> bytes are kept for recording.
/// </summary>
public static class HttpLimits
{
    /// <summary>Largest request/status line plus headers: 64 KiB (Kestrel's default <c>MaxRequestHeadersTotalSize</c> is 32 KiB).</summary>
    public const int MaxHeadBytes = 64 * 1024;

    /// <summary>Most header fields in one head: 200.</summary>
    public const int MaxHeaderCount = 200;

    /// <summary>Longest chunk-size line (with extensions) or trailer line: 8 KiB.</summary>
    public const int MaxChunkLineBytes = 8 * 1024;

    /// <summary>
    /// Body bytes (after de-chunking, before decompression) kept for a mock or test case: 16 MiB. Longer bodies are still relayed
    /// in full; the recorder logs that the stored body is truncated.
    /// </summary>
    public const int BodyCaptureBytes = 16 * 1024 * 1024;

    /// <summary>Largest decompressed body kept as text: 64 MiB; beyond it the compressed bytes are stored as binary.</summary>
    public const int MaxDecompressedBytes = 64 * 1024 * 1024;
}
