using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using Keploy.Core.Proxy;
using Keploy.Core.Protocols.Postgres.Messages;

namespace Keploy.Core.Protocols.Postgres;

/// <summary>
/// PostgreSQL wire protocol 3.0 (PostgreSQL docs, chapter 55 "Frontend/Backend Protocol"): records Keploy <c>kind: Postgres</c> v1
/// mocks and replays them (also <c>PostgresV2</c>). Detected from the client's first message: SSLRequest, GSSENCRequest,
/// StartupMessage v3 or CancelRequest, each recognised by its Int32 length and Int32 code.
/// </summary>
public sealed class PostgresIntegration : IProtocolIntegration
{
    /// <inheritdoc />
    public string Kind => "Postgres";

    /// <inheritdoc />
    public IReadOnlyList<string> ServedKinds => PostgresReplayer.Kinds;

    /// <inheritdoc />
    public int Priority => 20;

    /// <inheritdoc />
    public ProtocolMatch Match(ReadOnlySequence<byte> prefix, IPEndPoint destination)
    {
        if (prefix.Length < 8)
        {
            return prefix.Length == 0 ? ProtocolMatch.NeedMoreData : LooksLikeLength(prefix);
        }

        Span<byte> head = stackalloc byte[8];
        prefix.Slice(0, 8).CopyTo(head);
        int length = BinaryPrimitives.ReadInt32BigEndian(head);
        int code = BinaryPrimitives.ReadInt32BigEndian(head[4..]);
        return (length, code) switch
        {
            (8, SslRequest.Code) => ProtocolMatch.Yes,
            (8, GssEncRequest.Code) => ProtocolMatch.Yes,
            (16, CancelRequest.Code) => ProtocolMatch.Yes,
            ( >= 9 and <= 10000, StartupMessage.Version30) => ProtocolMatch.Yes,
            _ => ProtocolMatch.No,
        };
    }

    /// <inheritdoc />
    public async Task RecordAsync(ProxyConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await new PostgresRecorder(connection).RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PgProtocolException ex)
        {
            connection.Log($"closing: malformed frontend traffic: {ex.Message}");
        }
    }

    /// <inheritdoc />
    public async Task ReplayAsync(ProxyConnection connection, CancellationToken cancellationToken)
    {
        await new PostgresReplayer(connection).RunAsync(cancellationToken).ConfigureAwait(false);
    }

    private static ProtocolMatch LooksLikeLength(ReadOnlySequence<byte> prefix)
    {
        // Fewer than 8 bytes: every startup-phase message begins with a small Int32 length (high byte 0).
        return prefix.FirstSpan[0] == 0 ? ProtocolMatch.NeedMoreData : ProtocolMatch.No;
    }
}
