using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using Keploy.Core.Models;
using Keploy.Core.Proxy;
using Keploy.Core.Replay;

namespace Keploy.Core.Protocols.Http;

/// <summary>
/// HTTP/1.x for the proxy (Kind <c>Http</c>): records outgoing calls as Keploy Http mocks and serves them at replay with Keploy's
/// matching (<see cref="HttpMatcher"/>). Misses get Keploy's 502 answer and a <see cref="MockMiss"/> naming the closest mock.
/// </summary>
public sealed class HttpIntegration : IProtocolIntegration
{
    private static readonly byte[] Http2Preface = "PRI * HTTP/2.0"u8.ToArray();

    /// <inheritdoc/>
    public string Kind => "Http";

    /// <inheritdoc/>
    public int Priority => 100;

    /// <summary>
    /// Yes for a request line starting with an HTTP/1.x method and a space; NeedMoreData while the prefix is a proper prefix of
    /// one; No otherwise (including the HTTP/2 preface).
    /// </summary>
    public ProtocolMatch Match(ReadOnlySequence<byte> prefix, IPEndPoint destination)
    {
        Span<byte> head = stackalloc byte[16];
        int n = (int)Math.Min(prefix.Length, head.Length);
        prefix.Slice(0, n).CopyTo(head);
        head = head[..n];
        if (head.Length >= 3 && head.StartsWith("PRI"u8))
        {
            return ProtocolMatch.No;
        }

        bool couldBe = false;
        foreach (string method in HttpHeadParser.Methods)
        {
            byte[] token = Encoding.ASCII.GetBytes(method + " ");
            if (head.Length >= token.Length && head.StartsWith(token))
            {
                return ProtocolMatch.Yes;
            }

            if (head.Length < token.Length && token.AsSpan().StartsWith(head))
            {
                couldBe = true;
            }
        }

        return couldBe ? ProtocolMatch.NeedMoreData : ProtocolMatch.No;
    }

    /// <inheritdoc/>
    public async Task RecordAsync(ProxyConnection connection, CancellationToken cancellationToken)
    {
        if (await ProxyConnectionUpstream.ConnectOrCloseAsync(connection, "http", cancellationToken).ConfigureAwait(false) is not { } upstream)
        {
            return;
        }

        try
        {
            await HttpRelay.RunAsync(
                connection.Client,
                upstream,
                parts =>
                {
                    // Plain HTTP: the request target, as Keploy writes it. Inside TLS: the absolute https:// URL, so the mock says the
                    // call was HTTPS (Keploy's matcher compares the parsed path, which is the same).
                    string url = connection.IsTls ? HttpRecordConversion.AbsoluteUrl(parts.Request, connection.Scheme) : parts.Request.Target;
                    HttpRequestRecord req = HttpRecordConversion.Request(parts.Request, parts.RequestBody, url, KeployTime.Zero);
                    HttpResponseRecord resp = HttpRecordConversion.Response(parts.Response, parts.ResponseBody, KeployTime.Zero);
                    connection.Recorder!.Record(HttpSpec.CreateMock(req, resp, connection.Id, parts.FirstRequestByte, parts.LastResponseByte));
                },
                connection.Log,
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
        {
            connection.Log($"http: connection ended: {ex.Message}");
        }
    }

    /// <inheritdoc/>
    public async Task ReplayAsync(ProxyConnection connection, CancellationToken cancellationToken)
    {
        MockPool? pool = connection.Mocks;
        PipeReader input = connection.Client.Input;
        PipeWriter output = connection.Client.Output;
        try
        {
            while (true)
            {
                (HttpHead Head, DateTimeOffset FirstByte)? read = await HttpMessageReader.ReadHeadAsync(input, null, true, cancellationToken).ConfigureAwait(false);
                if (read is null)
                {
                    break;
                }

                HttpHead head = read.Value.Head;
                if (head.HasToken("Expect", "100-continue"))
                {
                    await output.WriteAsync(HttpWire.Continue, cancellationToken).ConfigureAwait(false);
                }

                HttpBodyCapture body = new(int.MaxValue);
                if (!string.Equals(head.Method, "CONNECT", StringComparison.OrdinalIgnoreCase))
                {
                    (HttpBodyFraming framing, long length) = HttpMessageReader.RequestFraming(head);
                    await HttpMessageReader.ReadBodyAsync(input, null, framing, length, body, "HTTP request body", cancellationToken).ConfigureAwait(false);
                }

                HttpRequestRecord request = HttpRecordConversion.Request(head, body, head.Target, read.Value.FirstByte);
                HttpResponseRecord? response = null;
                if (pool is not null && HttpMatcher.Match(request, pool, Kind) is { } match)
                {
                    response = HttpSpec.FromMock(match.Mock).Response;
                    connection.Debug(match.Differences.Count == 0
                        ? $"http: {head.Method} {head.Target} matched {match.Mock.Name}"
                        : $"http: {head.Method} {head.Target} matched {match.Mock.Name} with differences: {Replay.Matching.FieldDifference.Join(match.Differences)}");
                }

                if (response is null)
                {
                    (Mock? closest, string diff) = HttpMatcher.Explain(request, pool?.GetAll(Kind) ?? []);
                    string summary = $"{head.Method} {Sanitize.Sanitizer.RedactUrl(HttpRecordConversion.AbsoluteUrl(head, connection.Scheme))}";
                    pool?.ReportMiss(new MockMiss(Kind, summary, closest?.Name, diff, connection.Destination.ToString()));
                    connection.Log($"http: no mock for {summary}; answered 502");
                    await output.WriteAsync(HttpWire.MissResponse, cancellationToken).ConfigureAwait(false);
                    break;
                }

                await output.WriteAsync(HttpWire.Response(response, head.Method), cancellationToken).ConfigureAwait(false);
                if (head.WantsClose)
                {
                    break;
                }
            }
        }
        catch (HttpParseException ex)
        {
            connection.Log($"http: {ex.Message}; closing");
            await output.WriteAsync("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
        {
            connection.Log($"http: connection ended: {ex.Message}");
        }

        await output.CompleteAsync().ConfigureAwait(false);
        await input.CompleteAsync().ConfigureAwait(false);
    }
}
