using System.IO.Compression;
using System.Text.Unicode;

namespace Keploy.Core.Protocols.Http;

/// <summary>
/// Content-Encoding handling for recording and replay (RFC 9110 §8.4): <c>gzip</c>, <c>deflate</c> (zlib, raw deflate accepted),
/// <c>br</c>. Recording decompresses; a valid UTF-8 result is stored as text (the header is kept), anything else keeps the
/// original bytes as binary. Replay compresses text bodies again and serves binary bodies unchanged.
/// </summary>
public static class HttpBodyCoding
{
    /// <summary>Builds the stored body from the de-chunked wire bytes and the message's <c>Content-Encoding</c> (may be null).</summary>
    public static HttpBody ToRecordBody(byte[] wire, string? contentEncoding)
    {
        if (wire.Length == 0)
        {
            return HttpBody.Empty;
        }

        string[] codings = Codings(contentEncoding);
        if (codings.Length > 0)
        {
            byte[]? plain = TryDecode(wire, codings);
            return plain is not null && Utf8.IsValid(plain) ? new HttpBody(plain, isBinary: false) : new HttpBody(wire, isBinary: true);
        }

        return new HttpBody(wire, isBinary: !Utf8.IsValid(wire));
    }

    /// <summary>The bytes to put on the wire for a stored body: text bodies are encoded per <c>Content-Encoding</c>.</summary>
    public static byte[] ToWireBody(HttpBody body, string? contentEncoding)
    {
        string[] codings = Codings(contentEncoding);
        if (body.IsBinary || codings.Length == 0 || body.Bytes.Length == 0)
        {
            return body.Bytes;
        }

        byte[] data = body.Bytes;
        foreach (string coding in codings)
        {
            data = Encode(data, coding) ?? data;
        }

        return data;
    }

    private static string[] Codings(string? contentEncoding)
    {
        if (string.IsNullOrWhiteSpace(contentEncoding))
        {
            return [];
        }

        return contentEncoding.Split(',').Select(c => c.Trim().ToLowerInvariant()).Where(c => c.Length > 0 && c != "identity").ToArray();
    }

    private static byte[]? TryDecode(byte[] data, string[] codings)
    {
        try
        {
            for (int i = codings.Length - 1; i >= 0; i--)
            {
                byte[]? next = codings[i] switch
                {
                    "gzip" or "x-gzip" => Decompress(new GZipStream(new MemoryStream(data), CompressionMode.Decompress)),
                    "deflate" => TryZlibThenRaw(data),
                    "br" => Decompress(new BrotliStream(new MemoryStream(data), CompressionMode.Decompress)),
                    _ => null,
                };
                if (next is null)
                {
                    return null;
                }

                data = next;
            }

            return data;
        }
        catch (InvalidDataException)
        {
            return null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static byte[]? TryZlibThenRaw(byte[] data)
    {
        try
        {
            return Decompress(new ZLibStream(new MemoryStream(data), CompressionMode.Decompress));
        }
        catch (InvalidDataException)
        {
            return Decompress(new DeflateStream(new MemoryStream(data), CompressionMode.Decompress));
        }
    }

    private static byte[]? Decompress(Stream stream)
    {
        using (stream)
        {
            MemoryStream output = new();
            byte[] buffer = new byte[81920];
            int n;
            while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                output.Write(buffer, 0, n);
                if (output.Length > HttpLimits.MaxDecompressedBytes)
                {
                    return null;
                }
            }

            return output.ToArray();
        }
    }

    private static byte[]? Encode(byte[] data, string coding)
    {
        MemoryStream output = new();
        Stream? compressor = coding switch
        {
            "gzip" or "x-gzip" => new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true),
            "deflate" => new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true),
            "br" => new BrotliStream(output, CompressionLevel.Fastest, leaveOpen: true),
            _ => null,
        };
        if (compressor is null)
        {
            return null;
        }

        using (compressor)
        {
            compressor.Write(data);
        }

        return output.ToArray();
    }
}
