using System.Buffers;
using System.IO.Pipelines;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Grpc;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Proxy;
using Keploy.Core.Replay;
using Keploy.Core.Replay.Matching;

namespace Keploy.Core.Protocols.Http2;

/// <summary>
/// Test mode for HTTP/2: an HTTP/2 server (RFC 9113) on the app's connection that answers every stream from the mocks.
/// Connection: the client preface, SETTINGS and its ACK (§6.5.3), PING echoed with ACK (§6.7), WINDOW_UPDATE for every DATA
/// received and flow-controlled sending (§6.9), any number of concurrent streams, GOAWAY on close (§6.8). Streams: gRPC calls
/// matched with <see cref="GrpcMatcher"/> (a miss answers grpc-status 14 UNAVAILABLE), other requests with
/// <see cref="HttpMatcher"/> (a miss answers 502, as HTTP/1.x does); misses are reported with the closest mock.
/// </summary>
internal sealed class Http2MockServer
{
    private const int MaxFrameSize = Http2FrameCodec.DefaultMaxFrameSize;
    private readonly ProxyConnection _connection;
    private readonly PipeWriter _output;
    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly HpackEncoder _encoder = new();
    private readonly object _windowGate = new();
    private readonly Dictionary<int, long> _streamWindows = new();
    private TaskCompletionSource _windowChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _connectionWindow = 65535;
    private long _initialWindow = 65535;
    private int _peerMaxFrame = MaxFrameSize;
    private int _lastStreamId;
    private bool _closed;

    private Http2MockServer(ProxyConnection connection)
    {
        _connection = connection;
        _output = connection.Client.Output;
    }

    /// <summary>Serves the connection until the app closes it, sends GOAWAY, or a protocol error (logged, GOAWAY PROTOCOL_ERROR).</summary>
    public static Task RunAsync(ProxyConnection connection, CancellationToken ct) => new Http2MockServer(connection).ServeAsync(ct);

    private async Task ServeAsync(CancellationToken ct)
    {
        PipeReader input = _connection.Client.Input;
        var demux = new Http2StreamDemultiplexer(clientToServer: true);
        var collector = new Http2MessageCollector();
        var events = new List<Http2StreamEvent>();
        var inFlight = new List<Task>();
        Http2ErrorCode goAway = Http2ErrorCode.NoError;
        await SendAsync(w => Http2FrameCodec.WriteFrame(w, new Http2SettingsFrame(0, 0, new[]
        {
            (Http2SettingId.MaxConcurrentStreams, 1000u),
            (Http2SettingId.InitialWindowSize, 1u << 20),
        })), ct).ConfigureAwait(false);
        try
        {
            bool done = false;
            while (!done)
            {
                ReadResult result = await input.ReadAsync(ct).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                try
                {
                    demux.Feed(ref buffer, events);
                }
                finally
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                }

                foreach (Http2StreamEvent e in events)
                {
                    switch (e)
                    {
                        case Http2ControlEvent { Frame: Http2SettingsFrame settings }:
                            if (!settings.IsAck)
                            {
                                ApplySettings(settings);
                                await SendAsync(w => Http2FrameCodec.WriteFrame(w, new Http2SettingsFrame(0, Http2Flags.Ack, Array.Empty<(Http2SettingId, uint)>())), ct).ConfigureAwait(false);
                            }

                            break;
                        case Http2ControlEvent { Frame: Http2PingFrame ping } when !ping.IsAck:
                            await SendAsync(w => Http2FrameCodec.WriteFrame(w, new Http2PingFrame(0, Http2Flags.Ack, ping.OpaqueData)), ct).ConfigureAwait(false);
                            break;
                        case Http2ControlEvent { Frame: Http2WindowUpdateFrame window }:
                            Grant(window.StreamId, window.Increment);
                            break;
                        case Http2ControlEvent { Frame: Http2GoAwayFrame }:
                            done = true;
                            break;
                        case Http2DataEvent data when data.Data.Length > 0:
                        {
                            int n = data.Data.Length;
                            await SendAsync(
                                w =>
                                {
                                    Http2FrameCodec.WriteFrame(w, new Http2WindowUpdateFrame(0, 0, n));
                                    if (!data.EndStream)
                                    {
                                        Http2FrameCodec.WriteFrame(w, new Http2WindowUpdateFrame(data.StreamId, 0, n));
                                    }
                                },
                                ct).ConfigureAwait(false);
                            break;
                        }

                        case Http2HeadersEvent headers when !headers.IsTrailers:
                            _lastStreamId = Math.Max(_lastStreamId, headers.StreamId);
                            lock (_windowGate)
                            {
                                _streamWindows[headers.StreamId] = _initialWindow;
                            }

                            break;
                        case Http2ResetEvent reset:
                            lock (_windowGate)
                            {
                                _streamWindows.Remove(reset.StreamId);
                                Pulse();
                            }

                            break;
                    }

                    if (collector.Apply(e) is Http2Message request && request.ResetCode is null)
                    {
                        inFlight.RemoveAll(t => t.IsCompleted);
                        inFlight.Add(Task.Run(() => AnswerAsync(request, ct), ct));
                    }
                }

                events.Clear();
                if (result.IsCompleted)
                {
                    done = true;
                }
            }
        }
        catch (Exception ex) when (ex is Http2ProtocolException or HpackException)
        {
            _connection.Log($"http2: {ex.Message}; closing with GOAWAY PROTOCOL_ERROR");
            goAway = ex is HpackException ? Http2ErrorCode.CompressionError : Http2ErrorCode.ProtocolError;
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
        {
            _connection.Log($"http2: connection ended: {ex.Message}");
        }
        catch (OperationCanceledException)
        {
        }

        try
        {
            await Task.WhenAll(inFlight).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
        }

        try
        {
            await SendAsync(w => Http2FrameCodec.WriteFrame(w, new Http2GoAwayFrame(0, 0, _lastStreamId, goAway, ReadOnlyMemory<byte>.Empty)), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or OperationCanceledException)
        {
        }

        lock (_windowGate)
        {
            _closed = true;
            Pulse();
        }

        await _output.CompleteAsync().ConfigureAwait(false);
        await input.CompleteAsync().ConfigureAwait(false);
    }

    private void ApplySettings(Http2SettingsFrame settings)
    {
        foreach ((Http2SettingId id, uint value) in settings.Settings)
        {
            switch (id)
            {
                case Http2SettingId.HeaderTableSize:
                    _encoder.SetMaxTableSize((int)Math.Min(value, int.MaxValue));
                    break;
                case Http2SettingId.MaxFrameSize when value is >= Http2FrameCodec.DefaultMaxFrameSize and <= Http2FrameCodec.MaxFrameSizeLimit:
                    _peerMaxFrame = (int)value;
                    break;
                case Http2SettingId.InitialWindowSize when value <= int.MaxValue:
                    lock (_windowGate)
                    {
                        long delta = value - _initialWindow; // §6.9.2: applies to every open stream
                        _initialWindow = value;
                        foreach (int stream in _streamWindows.Keys.ToList())
                        {
                            _streamWindows[stream] += delta;
                        }

                        Pulse();
                    }

                    break;
            }
        }
    }

    private void Grant(int streamId, int increment)
    {
        lock (_windowGate)
        {
            if (streamId == 0)
            {
                _connectionWindow += increment;
            }
            else if (_streamWindows.ContainsKey(streamId))
            {
                _streamWindows[streamId] += increment;
            }

            Pulse();
        }
    }

    private void Pulse()
    {
        TaskCompletionSource old = _windowChanged;
        _windowChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        old.TrySetResult();
    }

    private async Task AnswerAsync(Http2Message request, CancellationToken ct)
    {
        try
        {
            if (Http2Records.IsGrpc(request))
            {
                await AnswerGrpcAsync(request, ct).ConfigureAwait(false);
            }
            else
            {
                await AnswerHttpAsync(request, ct).ConfigureAwait(false);
            }
        }
        catch (FormatException ex)
        {
            _connection.Log($"http2: stream {request.StreamId}: the mock cannot be sent ({ex.Message}); answered RST_STREAM INTERNAL_ERROR");
            await SendAsync(w => Http2FrameCodec.WriteFrame(w, new Http2RstStreamFrame(request.StreamId, 0, Http2ErrorCode.InternalError)), ct).ConfigureAwait(false);
        }
        finally
        {
            lock (_windowGate)
            {
                _streamWindows.Remove(request.StreamId);
            }
        }
    }

    private async Task AnswerGrpcAsync(Http2Message request, CancellationToken ct)
    {
        MockPool? pool = _connection.Mocks;
        GrpcRequestRecord live = Http2Records.GrpcRequest(request);
        if (pool is not null && GrpcMatcher.Match(live, pool) is { } match)
        {
            _connection.Debug(match.Differences.Count == 0
                ? $"grpc: {live.Path} matched {match.Mock.Name}"
                : $"grpc: {live.Path} matched {match.Mock.Name} with differences: {FieldDifference.Join(match.Differences)}");
            GrpcResponseRecord response = GrpcSpec.FromMock(match.Mock).Response;
            response.Headers.OrdinaryHeaders.TryGetValue("grpc-encoding", out string? encoding);
            var body = new ArrayBufferWriter<byte>();
            foreach (GrpcMessage message in response.AllMessages)
            {
                body.Write(message.Frame(encoding));
            }

            List<Http2HeaderField> headers = response.Headers.ToFields([":status"]);
            if (headers.Count == 0 || headers[0].Name != ":status")
            {
                headers.Insert(0, new Http2HeaderField(":status", "200"));
            }

            List<Http2HeaderField> trailers = response.Trailers.ToFields();
            if (body.WrittenCount == 0 && response.Status != "0")
            {
                await SendHeadersAsync(request.StreamId, headers.Concat(trailers).ToList(), endStream: true, ct).ConfigureAwait(false);
                return;
            }

            await SendHeadersAsync(request.StreamId, headers, endStream: false, ct).ConfigureAwait(false);
            await SendDataAsync(request.StreamId, body.WrittenMemory, endStream: trailers.Count == 0, ct).ConfigureAwait(false);
            if (trailers.Count > 0)
            {
                await SendHeadersAsync(request.StreamId, trailers, endStream: true, ct).ConfigureAwait(false);
            }

            return;
        }

        (Mock? closest, string diff) = GrpcMatcher.Explain(live, pool?.GetAll(GrpcSpec.Kind) ?? []);
        string summary = $"gRPC {live.Path}";
        pool?.ReportMiss(new MockMiss(GrpcSpec.Kind, summary, closest?.Name, diff, _connection.Destination.ToString()));
        _connection.Log($"grpc: no mock for {live.Path}; answered grpc-status 14 UNAVAILABLE");
        await SendHeadersAsync(
            request.StreamId,
            [
                new(":status", "200"), new("content-type", "application/grpc"), new("grpc-status", "14"),
                new("grpc-message", $"keploy: no mock for {live.Path}" + (closest is null ? string.Empty : $" (closest: {closest.Name})")),
            ],
            endStream: true,
            ct).ConfigureAwait(false);
    }

    private async Task AnswerHttpAsync(Http2Message request, CancellationToken ct)
    {
        MockPool? pool = _connection.Mocks;
        HttpRequestRecord live = Http2Records.HttpRequest(request, _connection.IsTls, _connection.Scheme);
        if (pool is not null && HttpMatcher.Match(live, pool, "Http") is { } match)
        {
            _connection.Debug($"http2: {live.Method} {live.Url} matched {match.Mock.Name}");
            HttpResponseRecord response = HttpSpec.FromMock(match.Mock).Response;
            response.Header.TryGetValue("Content-Encoding", out string? encoding);
            byte[] body = HttpBodyCoding.ToWireBody(response.Body, encoding);
            var headers = new List<Http2HeaderField> { new(":status", response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)) };
            foreach (KeyValuePair<string, string> pair in response.Header.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (!Http2Records.NotForwarded.Contains(pair.Key))
                {
                    headers.Add(new Http2HeaderField(pair.Key.ToLowerInvariant(), pair.Value));
                }
            }

            headers.Add(new Http2HeaderField("content-length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            bool noBody = body.Length == 0 || live.Method == "HEAD";
            await SendHeadersAsync(request.StreamId, headers, endStream: noBody, ct).ConfigureAwait(false);
            if (!noBody)
            {
                await SendDataAsync(request.StreamId, body, endStream: true, ct).ConfigureAwait(false);
            }

            return;
        }

        (Mock? closest, string diff) = HttpMatcher.Explain(live, pool?.GetAll("Http") ?? []);
        string summary = $"{live.Method} {Sanitize.Sanitizer.RedactUrl($"{_connection.Scheme}://{request.Header(":authority")}{live.Url}")}";
        pool?.ReportMiss(new MockMiss("Http", summary, closest?.Name, diff, _connection.Destination.ToString()));
        _connection.Log($"http2: no mock for {summary}; answered 502");
        byte[] text = "keploy: no mock matches this request\n"u8.ToArray();
        await SendHeadersAsync(request.StreamId, [new(":status", "502"), new("content-type", "text/plain"), new("content-length", text.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))], endStream: false, ct).ConfigureAwait(false);
        await SendDataAsync(request.StreamId, text, endStream: true, ct).ConfigureAwait(false);
    }

    private Task SendHeadersAsync(int streamId, IReadOnlyList<Http2HeaderField> fields, bool endStream, CancellationToken ct) =>
        SendAsync(
            w =>
            {
                // HPACK state changes with each block: encode under the write lock, in send order.
                var block = new ArrayBufferWriter<byte>();
                _encoder.Encode(fields, block);
                ReadOnlyMemory<byte> rest = block.WrittenMemory;
                bool first = true;
                do
                {
                    int n = Math.Min(rest.Length, _peerMaxFrame);
                    ReadOnlyMemory<byte> chunk = rest[..n];
                    rest = rest[n..];
                    byte flags = (byte)(rest.IsEmpty ? Http2Flags.EndHeaders : 0);
                    if (first)
                    {
                        Http2FrameCodec.WriteFrame(w, new Http2HeadersFrame(streamId, (byte)(flags | (endStream ? Http2Flags.EndStream : 0)), chunk, null));
                        first = false;
                    }
                    else
                    {
                        Http2FrameCodec.WriteFrame(w, new Http2ContinuationFrame(streamId, flags, chunk));
                    }
                }
                while (!rest.IsEmpty);
            },
            ct);

    private async Task SendDataAsync(int streamId, ReadOnlyMemory<byte> data, bool endStream, CancellationToken ct)
    {
        if (data.IsEmpty)
        {
            if (endStream)
            {
                await SendAsync(w => Http2FrameCodec.WriteFrame(w, new Http2DataFrame(streamId, Http2Flags.EndStream, ReadOnlyMemory<byte>.Empty, 0)), ct).ConfigureAwait(false);
            }

            return;
        }

        while (!data.IsEmpty)
        {
            int n;
            Task wait;
            lock (_windowGate)
            {
                if (_closed || !_streamWindows.TryGetValue(streamId, out long streamWindow))
                {
                    return; // reset by the client or connection closed
                }

                n = (int)Math.Min(Math.Min(data.Length, _peerMaxFrame), Math.Min(_connectionWindow, streamWindow));
                if (n > 0)
                {
                    _connectionWindow -= n;
                    _streamWindows[streamId] = streamWindow - n;
                }

                wait = _windowChanged.Task;
            }

            if (n <= 0)
            {
                await wait.WaitAsync(ct).ConfigureAwait(false);
                continue;
            }

            ReadOnlyMemory<byte> chunk = data[..n];
            data = data[n..];
            bool last = data.IsEmpty && endStream;
            await SendAsync(w => Http2FrameCodec.WriteFrame(w, new Http2DataFrame(streamId, last ? Http2Flags.EndStream : (byte)0, chunk, n)), ct).ConfigureAwait(false);
        }
    }

    private async Task SendAsync(Action<IBufferWriter<byte>> write, CancellationToken ct)
    {
        await _write.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            write(_output);
            await _output.FlushAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _write.Release();
        }
    }
}
