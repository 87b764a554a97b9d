using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using Keploy.Core.Proxy;

namespace Keploy.Core.Protocols.Dns;

/// <summary>
/// DNS over TCP (RFC 1035 §4.2.2, RFC 7766: each message preceded by its 2-byte length) to port 53, which reaches the proxy through
/// the connect hooks. Record mode relays every message byte-exact and records the answers as <c>kind: DNS</c> mocks (one per
/// name, type and class, as <see cref="DnsServer"/> does for UDP); test mode answers each query from the DNS mocks (SERVFAIL and
/// a reported miss when none has the question). Traffic that stops looking like DNS is relayed untouched (record) or closed
/// (test), logged in one line.
/// </summary>
public sealed class DnsTcpIntegration : IProtocolIntegration
{
    private readonly ConcurrentDictionary<string, byte> _recorded = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public string Kind => DnsMockSpec.Kind;

    /// <inheritdoc />
    public int Priority => 80;

    /// <inheritdoc />
    public ProtocolMatch Match(ReadOnlySequence<byte> prefix, IPEndPoint destination)
    {
        if (destination.Port != 53)
        {
            return ProtocolMatch.No;
        }

        if (prefix.Length < 2 + DnsHeader.Size)
        {
            return ProtocolMatch.NeedMoreData;
        }

        Span<byte> head = stackalloc byte[2 + DnsHeader.Size];
        prefix.Slice(0, head.Length).CopyTo(head);
        int length = BinaryPrimitives.ReadUInt16BigEndian(head);
        bool query = (head[4] & 0x80) == 0;
        int questions = BinaryPrimitives.ReadUInt16BigEndian(head[6..]);
        return length >= DnsHeader.Size && query && questions == 1 ? ProtocolMatch.Yes : ProtocolMatch.No;
    }

    /// <inheritdoc />
    public async Task RecordAsync(ProxyConnection connection, CancellationToken cancellationToken)
    {
        IDuplexPipe upstream = await connection.ConnectUpstreamAsync!(cancellationToken).ConfigureAwait(false);
        try
        {
            while (await ReadFrameAsync(connection.Client.Input, cancellationToken).ConfigureAwait(false) is { } query)
            {
                DateTimeOffset asked = DateTimeOffset.UtcNow;
                await WriteFrameAsync(upstream.Output, query, cancellationToken).ConfigureAwait(false);
                if (await ReadFrameAsync(upstream.Input, cancellationToken).ConfigureAwait(false) is not { } reply)
                {
                    return;
                }

                await WriteFrameAsync(connection.Client.Output, reply, cancellationToken).ConfigureAwait(false);
                try
                {
                    DnsMessage q = DnsMessage.Parse(query);
                    if (q.Questions.Count == 1)
                    {
                        DnsServer.RecordOnce(_recorded, connection.Recorder, q.Questions[0], DnsMessage.Parse(reply), asked, connection.Debug);
                    }
                }
                catch (DnsFormatException e)
                {
                    connection.Log($"dns over tcp: a message does not decode ({e.Message}); the rest of the connection is relayed untouched");
                    await PipeRelay.BothWaysAsync(connection.Client, upstream, cancellationToken).ConfigureAwait(false);
                    return;
                }
            }
        }
        finally
        {
            if (upstream is IAsyncDisposable d)
            {
                await d.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public async Task ReplayAsync(ProxyConnection connection, CancellationToken cancellationToken)
    {
        while (await ReadFrameAsync(connection.Client.Input, cancellationToken).ConfigureAwait(false) is { } frame)
        {
            DnsMessage query;
            try
            {
                query = DnsMessage.Parse(frame);
            }
            catch (DnsFormatException e)
            {
                connection.Log($"dns over tcp: not a DNS message ({e.Message}); closing");
                return;
            }

            byte[] answer = query.Questions.Count == 1 && !query.Header.IsResponse
                ? DnsServer.AnswerFromMocks(connection.Mocks!, query, connection.Log, connection.Debug)
                : DnsServer.Error(query, DnsServer.FormErr);
            await WriteFrameAsync(connection.Client.Output, answer, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One length-prefixed message, or null at end of stream (a partial message at the end is dropped).</summary>
    private static async Task<byte[]?> ReadFrameAsync(PipeReader input, CancellationToken ct)
    {
        while (true)
        {
            ReadResult result = await input.ReadAsync(ct).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (buffer.Length >= 2)
            {
                int n = (buffer.Slice(0, 1).FirstSpan[0] << 8) | buffer.Slice(1, 1).FirstSpan[0];
                if (buffer.Length >= 2 + n)
                {
                    byte[] message = buffer.Slice(2, n).ToArray();
                    input.AdvanceTo(buffer.GetPosition(2 + n));
                    return message;
                }
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                input.AdvanceTo(buffer.End);
                return null;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static async Task WriteFrameAsync(PipeWriter output, byte[] message, CancellationToken ct)
    {
        byte[] framed = new byte[2 + message.Length];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)message.Length);
        message.CopyTo(framed, 2);
        await output.WriteAsync(framed, ct).ConfigureAwait(false);
    }
}
