using System.Buffers;
using System.Globalization;
using System.Text;

namespace Keploy.Core.Protocols.Http;

/// <summary>
/// Incremental decoder of the chunked transfer coding (RFC 9112 §7.1): <c>chunk-size [ chunk-ext ] CRLF chunk-data CRLF</c> ...
/// <c>0 CRLF trailer-section CRLF</c>. Chunk extensions are ignored; trailer fields are collected.
/// </summary>
internal sealed class HttpChunkedDecoder
{
    private enum State
    {
        SizeLine,
        Data,
        DataEnd,
        Trailer,
        Done,
    }

    private State _state = State.SizeLine;
    private long _remaining;

    /// <summary>True after the last chunk and the trailer section.</summary>
    public bool IsDone => _state == State.Done;

    /// <summary>
    /// Decodes as much of <paramref name="buffer"/> as possible, appending chunk data to <paramref name="capture"/>.
    /// </summary>
    /// <returns>The position up to which bytes were consumed.</returns>
    /// <exception cref="HttpParseException">Malformed chunk framing.</exception>
    public SequencePosition Decode(ReadOnlySequence<byte> buffer, HttpBodyCapture capture, string what)
    {
        SequenceReader<byte> reader = new(buffer);
        while (_state != State.Done)
        {
            switch (_state)
            {
                case State.SizeLine:
                {
                    if (!TryReadLine(ref reader, out string? line, what))
                    {
                        return reader.Position;
                    }

                    int semi = line.IndexOf(';', StringComparison.Ordinal);
                    string size = (semi < 0 ? line : line[..semi]).Trim(' ', '\t');
                    if (size.Length == 0 || size.Length > 16 || !long.TryParse(size, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _remaining)
                        || _remaining < 0)
                    {
                        throw new HttpParseException($"{what}: invalid chunk size '{(line.Length > 40 ? line[..40] : line)}'");
                    }

                    _state = _remaining == 0 ? State.Trailer : State.Data;
                    break;
                }

                case State.Data:
                {
                    if (reader.Remaining == 0)
                    {
                        return reader.Position;
                    }

                    long take = Math.Min(_remaining, reader.Remaining);
                    foreach (ReadOnlyMemory<byte> segment in reader.UnreadSequence.Slice(0, take))
                    {
                        capture.Append(segment.Span);
                    }

                    reader.Advance(take);
                    _remaining -= take;
                    if (_remaining == 0)
                    {
                        _state = State.DataEnd;
                    }

                    break;
                }

                case State.DataEnd:
                {
                    if (reader.Remaining < 2)
                    {
                        return reader.Position;
                    }

                    if (!reader.IsNext("\r\n"u8, advancePast: true))
                    {
                        throw new HttpParseException($"{what}: chunk data not followed by CRLF");
                    }

                    _state = State.SizeLine;
                    break;
                }

                case State.Trailer:
                {
                    if (!TryReadLine(ref reader, out string? line, what))
                    {
                        return reader.Position;
                    }

                    if (line.Length == 0)
                    {
                        _state = State.Done;
                        break;
                    }

                    int colon = line.IndexOf(':', StringComparison.Ordinal);
                    if (colon <= 0)
                    {
                        throw new HttpParseException($"{what}: trailer field '{(line.Length > 40 ? line[..40] : line)}' has no colon");
                    }

                    capture.Trailers.Add(new(line[..colon], line[(colon + 1)..].Trim(' ', '\t')));
                    break;
                }
            }
        }

        return reader.Position;
    }

    private static bool TryReadLine(ref SequenceReader<byte> reader, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? line, string what)
    {
        if (!reader.TryReadTo(out ReadOnlySequence<byte> bytes, "\r\n"u8, advancePastDelimiter: true))
        {
            if (reader.Remaining > HttpLimits.MaxChunkLineBytes)
            {
                throw new HttpParseException($"{what}: chunk line longer than {HttpLimits.MaxChunkLineBytes} bytes");
            }

            line = null;
            return false;
        }

        if (bytes.Length > HttpLimits.MaxChunkLineBytes)
        {
            throw new HttpParseException($"{what}: chunk line longer than {HttpLimits.MaxChunkLineBytes} bytes");
        }

        line = Encoding.Latin1.GetString(bytes);
        return true;
    }
}
