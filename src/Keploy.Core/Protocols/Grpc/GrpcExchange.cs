using System.Net;
using System.Net.Http.Headers;

namespace Keploy.Core.Protocols.Grpc;

/// <summary>
/// Replay's gRPC client: sends a recorded call with <see cref="HttpClient"/> over h2c (HTTP/2 with prior knowledge:
/// <see cref="HttpVersion.Version20"/>, <see cref="HttpVersionPolicy.RequestVersionExact"/>) and captures the response as the
/// recorder does: headers, every message in order, trailers (a trailers-only response's <c>grpc-status</c> in its headers counts as
/// a trailer, gRPC PROTOCOL-HTTP2 "Trailers-Only").
/// </summary>
public static class GrpcExchange
{
    private static readonly HashSet<string> NotSent = new(StringComparer.OrdinalIgnoreCase)
    {
        "content-type", "content-length", "host", "connection", "te", "transfer-encoding", "keep-alive", "upgrade", "proxy-connection",
    };

    /// <summary>Sends <paramref name="request"/> to <paramref name="target"/> (scheme http, host, port; the path is <c>:path</c>).</summary>
    /// <exception cref="TimeoutException">No complete response within <paramref name="timeout"/>.</exception>
    /// <exception cref="HttpRequestException">The app cannot be reached or does not speak HTTP/2.</exception>
    /// <exception cref="FormatException">A recorded message is not protoscope, or the app's DATA is not length-prefixed messages.</exception>
    public static async Task<GrpcResponseRecord> SendAsync(GrpcRequestRecord request, Uri target, TimeSpan timeout, CancellationToken ct)
    {
        using CancellationTokenSource cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        using SocketsHttpHandler handler = new() { UseProxy = false, AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None };
        using HttpClient client = new(handler) { Timeout = Timeout.InfiniteTimeSpan };
        Uri uri = new UriBuilder(target) { Path = request.Path.Split('?')[0], Query = "" }.Uri;
        using HttpRequestMessage message = new(HttpMethod.Post, uri)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        string? encoding = request.Headers.OrdinaryHeaders.GetValueOrDefault("grpc-encoding");
        ByteArrayContent content = new(request.AllMessages.SelectMany(m => m.Frame(encoding)).ToArray());
        content.Headers.TryAddWithoutValidation("content-type", request.Headers.OrdinaryHeaders.GetValueOrDefault("content-type", "application/grpc"));
        message.Content = content;
        message.Headers.TryAddWithoutValidation("te", "trailers");
        foreach ((string name, string value) in request.Headers.OrdinaryHeaders)
        {
            if (!NotSent.Contains(name))
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        try
        {
            using HttpResponseMessage response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
            byte[] body = await response.Content.ReadAsByteArrayAsync(cts.Token).ConfigureAwait(false);
            GrpcHeaders headers = new();
            headers.PseudoHeaders[":status"] = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Copy(response.Headers, headers.OrdinaryHeaders);
            Copy(response.Content.Headers, headers.OrdinaryHeaders);
            GrpcHeaders trailers = new();
            Copy(response.TrailingHeaders, trailers.OrdinaryHeaders);
            if (trailers.OrdinaryHeaders.Count == 0 && headers.OrdinaryHeaders.ContainsKey("grpc-status"))
            {
                // Trailers-Only: status in the one HEADERS frame; recorded as Keploy does, as trailers.
                foreach (string name in new[] { "grpc-status", "grpc-message", "grpc-status-details-bin" })
                {
                    if (headers.OrdinaryHeaders.Remove(name, out string? value))
                    {
                        trailers.OrdinaryHeaders[name] = value;
                    }
                }
            }

            List<GrpcMessage> messages = GrpcMessage.Split(body, headers.OrdinaryHeaders.GetValueOrDefault("grpc-encoding"), out int remainder);
            if (remainder != 0)
            {
                throw new FormatException($"gRPC {request.Path} from {target}: the response ends inside message {messages.Count + 1} ({remainder} bytes left)");
            }

            return new GrpcResponseRecord
            {
                Headers = headers,
                Body = messages.Count > 0 ? messages[0] : new GrpcMessage(),
                Messages = messages.Count > 1 ? messages : new List<GrpcMessage>(),
                Trailers = trailers,
                Timestamp = DateTimeOffset.UtcNow,
            };
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"gRPC {request.Path} to {target}: no complete response within {timeout.TotalSeconds:0.###} s");
        }
    }

    private static void Copy(HttpHeaders from, Dictionary<string, string> to)
    {
        foreach (KeyValuePair<string, IEnumerable<string>> h in from)
        {
            to[h.Key.ToLowerInvariant()] = string.Join(", ", h.Value);
        }
    }
}
