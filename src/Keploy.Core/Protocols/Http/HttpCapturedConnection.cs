using System.Buffers;

namespace Keploy.Core.Protocols.Http;

/// <summary>
/// Rebuilds the HTTP/1.x exchanges of one incoming connection from a copy of its two byte streams, as ingress capture delivers
/// them (<see cref="Capture.IIngressCaptureSink"/>): what the app read (<see cref="OnRead"/>) and what it wrote
/// (<see cref="OnWrite"/>), chunk by chunk, each with the time its syscall returned. Nothing is relayed: the app already answered.
/// Synchronous and incremental, one instance per connection, one call at a time. Keep-alive and pipelined requests, interim 1xx
/// answers (skipped), Content-Length, chunked (RFC 9112 §7.1) and until-close bodies. An upgraded or tunnelled connection (101,
/// CONNECT 2xx) stops being parsed, as the relay passes it through unrecorded. Malformed input ends the recording of the
/// connection with one <c>failed</c> call.
/// </summary>
/// <remarks>
/// Timestamps: a request's is the time of the read that delivered its first byte; a response's, the time of the write that
/// delivered its last byte (the window in which the app made the calls recorded as its mocks).
/// </remarks>
internal sealed class HttpCapturedConnection
{
    /// <summary>Bytes of response held while no request head is known (a server speaking first is not HTTP/1).</summary>
    public const int MaxUnansweredBytes = 1024 * 1024;

    private readonly string _scheme;
    private readonly Action<HttpRequestRecord, HttpResponseRecord> _onExchange;
    private readonly Action<string> _failed;
    private readonly ByteBuffer _in = new();
    private readonly ByteBuffer _out = new();
    private readonly Queue<Message> _requests = new(); // heads parsed, in order; the front one is being answered
    private Message? _request; // being read
    private Message? _response; // being written
    private Message? _answered; // complete response waiting for its request body to complete
    private Message? _last; // the last request head parsed
    private bool _stopped;

    /// <summary>Starts with no bytes seen.</summary>
    /// <param name="onExchange">Called with each completed exchange (request URL absolute: <c>scheme://Host target</c>).</param>
    /// <param name="failed">Called once with the reason when parsing gives up (then nothing more is reported).</param>
    /// <param name="scheme">URL scheme of the requests (<c>http</c>).</param>
    public HttpCapturedConnection(Action<HttpRequestRecord, HttpResponseRecord> onExchange, Action<string> failed, string scheme = "http")
    {
        _onExchange = onExchange;
        _failed = failed;
        _scheme = scheme;
    }

    /// <summary>True once parsing stopped (malformed input, a tunnel, or <see cref="Stop"/>).</summary>
    public bool Stopped => _stopped;

    /// <summary>Bytes held for parsing (both directions), for limits and tests.</summary>
    public int Buffered => _in.Length + _out.Length;

    /// <summary>Bytes the app read from the client, at <paramref name="time"/>.</summary>
    public void OnRead(ReadOnlySpan<byte> data, DateTimeOffset time)
    {
        if (_stopped)
        {
            return;
        }

        if (_in.Length == 0 && _request is null)
        {
            _in.FirstByte = time;
        }

        _in.Append(data);
        Run(() => ParseRequests(time));
    }

    /// <summary>Bytes the app wrote to the client, at <paramref name="time"/>.</summary>
    public void OnWrite(ReadOnlySpan<byte> data, DateTimeOffset time)
    {
        if (_stopped)
        {
            return;
        }

        _out.Append(data);
        Run(() => ParseResponses(time));
    }

    /// <summary>The app closed the connection at <paramref name="time"/>: a body delimited by the close ends here.</summary>
    public void OnClose(DateTimeOffset time)
    {
        if (_stopped)
        {
            return;
        }

        if (_response is { Framing: HttpBodyFraming.UntilClose } until)
        {
            _response = null;
            until.Last = time;
            Answer(until);
        }

        _stopped = true;
    }

    /// <summary>Stops parsing without a report (bytes were not captured: the caller says why).</summary>
    public void Stop() => _stopped = true;

    private void Run(Action parse)
    {
        try
        {
            parse();
        }
        catch (HttpParseException ex)
        {
            Fail(ex.Message);
        }
    }

    private void Fail(string why)
    {
        if (!_stopped)
        {
            _stopped = true;
            _failed(why);
        }
    }

    private void ParseRequests(DateTimeOffset time)
    {
        while (!_stopped)
        {
            if (_request is null)
            {
                if (_in.Length == 0 || _last is { MayTunnel: true, Answered: false })
                {
                    return; // nothing, or an Upgrade/CONNECT whose answer decides whether more HTTP follows
                }

                if (!HttpHeadParser.TryParse(_in.Sequence, isRequest: true, out HttpHead head, out SequencePosition end))
                {
                    return;
                }

                _in.Consume(_in.Sequence.Slice(0, end).Length);
                (HttpBodyFraming framing, long length) = HttpMessageReader.RequestFraming(head);
                Message request = new(head, framing, length, _in.FirstByte ?? time)
                {
                    MayTunnel = string.Equals(head.Method, "CONNECT", StringComparison.OrdinalIgnoreCase) || head.Get("Upgrade") is not null,
                };
                _in.FirstByte = _in.Length > 0 ? time : null;
                _requests.Enqueue(request);
                _request = request;
                _last = request;
            }

            if (!ReadBody(_request, _in, "HTTP request body"))
            {
                return;
            }

            _request.Complete = true;
            _request = null;
            if (_answered is { } waiting && _requests.Count > 0 && _requests.Peek().Complete)
            {
                _answered = null;
                Answer(waiting);
            }
        }
    }

    private void ParseResponses(DateTimeOffset time)
    {
        while (!_stopped && _answered is null)
        {
            if (_response is null)
            {
                if (_out.Length == 0)
                {
                    return;
                }

                if (_requests.Count == 0)
                {
                    if (_out.Length > MaxUnansweredBytes)
                    {
                        Fail($"the app wrote {_out.Length} bytes before any request head");
                    }

                    return;
                }

                if (!HttpHeadParser.TryParse(_out.Sequence, isRequest: false, out HttpHead head, out SequencePosition end))
                {
                    return;
                }

                _out.Consume(_out.Sequence.Slice(0, end).Length);
                Message request = _requests.Peek();
                if (head.StatusCode is >= 100 and < 200 && head.StatusCode != 101)
                {
                    continue; // interim (100 Continue, 103 Early Hints): not the answer
                }

                if (head.StatusCode == 101 || (string.Equals(request.Head.Method, "CONNECT", StringComparison.OrdinalIgnoreCase) && head.StatusCode / 100 == 2))
                {
                    _stopped = true; // a tunnel: passed through unrecorded, as the relay does
                    return;
                }

                request.Answered = true;
                (HttpBodyFraming framing, long length) = HttpMessageReader.ResponseFraming(head, request.Head.Method);
                _response = new Message(head, framing, length, time);
            }

            if (!ReadBody(_response, _out, "HTTP response body"))
            {
                return;
            }

            Message response = _response;
            _response = null;
            response.Last = time;
            if (_requests.Peek().Complete)
            {
                Answer(response);
            }
            else
            {
                _answered = response; // the app answered before reading the whole request body
            }

            // A request held back behind an Upgrade/CONNECT head may now be parsed.
            ParseRequests(time);
        }
    }

    private void Answer(Message response)
    {
        Message request = _requests.Dequeue();
        _onExchange(
            HttpRecordConversion.Request(request.Head, request.Body, HttpRecordConversion.AbsoluteUrl(request.Head, _scheme), request.First),
            HttpRecordConversion.Response(response.Head, response.Body, response.Last));
        if (response.Framing == HttpBodyFraming.UntilClose || response.Head.WantsClose)
        {
            _stopped = true;
        }
    }

    /// <summary>Moves body bytes from <paramref name="buffer"/> into the message; true when its body is complete.</summary>
    private static bool ReadBody(Message message, ByteBuffer buffer, string what)
    {
        switch (message.Framing)
        {
            case HttpBodyFraming.None:
                return true;

            case HttpBodyFraming.ContentLength:
            {
                int take = (int)Math.Min(message.Remaining, buffer.Length);
                message.Body.Append(buffer.Span[..take]);
                buffer.Consume(take);
                message.Remaining -= take;
                return message.Remaining == 0;
            }

            case HttpBodyFraming.Chunked:
            {
                message.Chunked ??= new HttpChunkedDecoder();
                ReadOnlySequence<byte> sequence = buffer.Sequence;
                SequencePosition consumed = message.Chunked.Decode(sequence, message.Body, what);
                buffer.Consume(sequence.Slice(0, consumed).Length);
                return message.Chunked.IsDone;
            }

            default: // until close
                message.Body.Append(buffer.Span);
                buffer.Consume(buffer.Length);
                return false;
        }
    }

    private sealed class Message(HttpHead head, HttpBodyFraming framing, long length, DateTimeOffset first)
    {
        public HttpHead Head { get; } = head;

        public HttpBodyFraming Framing { get; } = framing;

        public long Remaining { get; set; } = length;

        public HttpChunkedDecoder? Chunked { get; set; }

        public HttpBodyCapture Body { get; } = new();

        public DateTimeOffset First { get; } = first;

        public DateTimeOffset Last { get; set; }

        public bool Complete { get; set; }

        public bool MayTunnel { get; init; }

        public bool Answered { get; set; }
    }

    /// <summary>Bytes of one direction not parsed yet: one array, compacted as it is consumed.</summary>
    private sealed class ByteBuffer
    {
        private byte[] _bytes = [];
        private int _start;
        private int _end;

        public DateTimeOffset? FirstByte { get; set; }

        public int Length => _end - _start;

        public ReadOnlySpan<byte> Span => _bytes.AsSpan(_start, _end - _start);

        public ReadOnlySequence<byte> Sequence => new(_bytes, _start, _end - _start);

        public void Append(ReadOnlySpan<byte> data)
        {
            if (_end + data.Length > _bytes.Length)
            {
                int length = Length;
                if (length + data.Length <= _bytes.Length && _start > 0)
                {
                    Buffer.BlockCopy(_bytes, _start, _bytes, 0, length);
                }
                else
                {
                    byte[] bigger = new byte[Math.Max(4096, Math.Max(_bytes.Length * 2, length + data.Length))];
                    Buffer.BlockCopy(_bytes, _start, bigger, 0, length);
                    _bytes = bigger;
                }

                _start = 0;
                _end = length;
            }

            data.CopyTo(_bytes.AsSpan(_end));
            _end += data.Length;
        }

        public void Consume(long count)
        {
            _start += (int)count;
            if (_start == _end)
            {
                _start = _end = 0;
                if (_bytes.Length > 64 * 1024)
                {
                    _bytes = []; // a large body passed: do not keep its buffer for the rest of a keep-alive connection
                }
            }
        }
    }
}
