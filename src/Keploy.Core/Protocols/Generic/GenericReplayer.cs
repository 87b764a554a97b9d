using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Keploy.Core.Models;
using Keploy.Core.Proxy;
using Keploy.Core.Replay;
using Keploy.Core.Replay.Matching;

namespace Keploy.Core.Protocols.Generic;

/// <summary>
/// Test mode for a connection no integration claimed: plays the server from <c>kind: Generic</c> mocks. When the client has said
/// nothing yet and a greeting mock (no requests) exists for the destination, its responses are sent first. Then the client's
/// bytes are collected until they are a mock's request (<see cref="MockMatchRule"/> over <see cref="GenericMatcher"/>, in recorded
/// order) and that mock's responses are sent. Bytes that neither match nor begin any mock's request are a miss: reported with
/// the closest mock (longest common prefix) and the connection is closed, as Keploy does for an unmatched non-HTTP request.
/// </summary>
internal sealed class GenericReplayer
{
    private readonly ProxyConnection _connection;
    private readonly MockPool _pool;
    private readonly string _destination;

    public GenericReplayer(ProxyConnection connection)
    {
        _connection = connection;
        _pool = connection.Mocks!;
        _destination = connection.Destination.ToString();
    }

    /// <summary>True when an unused greeting mock (the server spoke first) exists for <paramref name="destination"/>.</summary>
    public static bool HasGreeting(MockPool pool, string destination) =>
        pool.GetCandidates(GenericMockSpec.Kind).Any(m => IsGreetingFor(m, destination));

    public async Task RunAsync(CancellationToken ct)
    {
        PipeReader input = _connection.Client.Input;
        bool clientSpoke = false;
        if (input.TryRead(out ReadResult early))
        {
            clientSpoke = !early.Buffer.IsEmpty;
            input.AdvanceTo(early.Buffer.Start, early.Buffer.Start);
        }

        if (!clientSpoke && HasGreeting(_pool, _destination))
        {
            await ServeAsync(Array.Empty<byte>(), ct).ConfigureAwait(false);
        }

        ArrayBufferWriter<byte> pending = new();
        while (true)
        {
            ReadResult result = await input.ReadAsync(ct).ConfigureAwait(false);
            foreach (ReadOnlyMemory<byte> segment in result.Buffer)
            {
                pending.Write(segment.Span);
            }

            input.AdvanceTo(result.Buffer.End);
            if (pending.WrittenCount > GenericRecorder.MaxExchangeBytes)
            {
                Miss(pending.WrittenSpan, $"request passed {GenericRecorder.MaxExchangeBytes} bytes");
                return;
            }

            if (pending.WrittenCount > 0)
            {
                byte[] request = pending.WrittenSpan.ToArray();
                if (await ServeAsync(request, ct).ConfigureAwait(false))
                {
                    pending.Clear();
                }
                else if (!BeginsSomeRequest(request))
                {
                    Miss(request, "no Generic mock has this request");
                    return;
                }
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                if (pending.WrittenCount > 0)
                {
                    Miss(pending.WrittenSpan, "the client closed before its request matched a mock");
                }

                return;
            }
        }
    }

    private async Task<bool> ServeAsync(byte[] request, CancellationToken ct)
    {
        MockMatch? match = MockMatchRule.Find(_pool, _pool.GetCandidates(GenericMockSpec.Kind), GenericMatcher.View(request), m => GenericMatcher.View(m, _destination));
        if (match is null)
        {
            return false;
        }

        GenericMockSpec spec = GenericMockSpec.FromMock(match.Mock);
        _connection.Debug($"generic: {Preview(request)} answered by {match.Mock.Name}");
        foreach (GenericPayload response in spec.Responses)
        {
            await _connection.Client.Output.WriteAsync(response.Bytes(), ct).ConfigureAwait(false);
        }

        return true;
    }

    private bool BeginsSomeRequest(byte[] request) =>
        _pool.GetCandidates(GenericMockSpec.Kind).Any(m =>
        {
            GenericMockSpec spec = GenericMockSpec.FromMock(m);
            byte[] recorded = spec.RequestBytes();
            return (spec.Destination is null || spec.Destination == _destination) && recorded.Length > request.Length && recorded.AsSpan().StartsWith(request);
        });

    private void Miss(ReadOnlySpan<byte> request, string why)
    {
        Mock? closest = null;
        int best = -1;
        foreach (Mock m in _pool.GetAll(GenericMockSpec.Kind))
        {
            GenericMockSpec spec = GenericMockSpec.FromMock(m);
            if (spec.Destination is { } d && d != _destination)
            {
                continue;
            }

            int common = request.CommonPrefixLength(spec.RequestBytes());
            if (common > best)
            {
                best = common;
                closest = m;
            }
        }

        string diff = closest is null
            ? ""
            : $"actual {Preview(request)} vs recorded {Preview(GenericMockSpec.FromMock(closest).RequestBytes())} (first {best} bytes equal)";
        _connection.Log($"generic: {why}: {Preview(request)}; closing the connection");
        _pool.ReportMiss(new MockMiss(GenericMockSpec.Kind, $"Generic TCP to {_destination}: {why}: {Preview(request)}", closest?.Name, diff, _destination));
    }

    private static bool IsGreetingFor(Mock mock, string destination)
    {
        GenericMockSpec spec = GenericMockSpec.FromMock(mock);
        return spec.Requests.Count == 0 && spec.Responses.Count > 0 && (spec.Destination is null || spec.Destination == destination);
    }

    /// <summary>At most 60 characters: the text with control bytes escaped, or "N bytes (binary)".</summary>
    internal static string Preview(ReadOnlySpan<byte> bytes)
    {
        byte[] data = bytes.ToArray();
        if (GenericChunk.Of(data).Type == "binary")
        {
            return $"{data.Length} bytes (binary)";
        }

        string text = Encoding.Latin1.GetString(data).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);
        return "'" + (text.Length > 60 ? text[..59] + "…" : text) + "'";
    }
}
