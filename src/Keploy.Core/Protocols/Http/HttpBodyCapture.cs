namespace Keploy.Core.Protocols.Http;

/// <summary>
/// Collects a message body (de-chunked) for recording: keeps at most <see cref="Limit"/> bytes and counts the rest.
/// </summary>
internal sealed class HttpBodyCapture
{
    private readonly MemoryStream _kept = new();

    /// <summary>Creates a capture keeping up to <paramref name="limit"/> bytes.</summary>
    public HttpBodyCapture(int limit = HttpLimits.BodyCaptureBytes)
    {
        Limit = limit;
    }

    /// <summary>Bytes kept at most.</summary>
    public int Limit { get; }

    /// <summary>Total body bytes seen.</summary>
    public long Length { get; private set; }

    /// <summary>True when <see cref="Length"/> exceeds <see cref="Limit"/>.</summary>
    public bool Truncated => Length > Limit;

    /// <summary>Trailer fields of a chunked body.</summary>
    public List<KeyValuePair<string, string>> Trailers { get; } = new();

    /// <summary>The kept bytes.</summary>
    public byte[] ToArray() => _kept.ToArray();

    /// <summary>Appends body bytes.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        long room = Limit - _kept.Length;
        if (room > 0)
        {
            _kept.Write(data[..(int)Math.Min(room, data.Length)]);
        }

        Length += data.Length;
    }
}
