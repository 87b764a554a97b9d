using System.Text;
using Keploy.Core.Models;
using Keploy.Core.Replay;
using Keploy.Core.Replay.Matching;

namespace Keploy.Core.Protocols.Grpc;

/// <summary>
/// Keploy's gRPC matching (keploy-reference §4: method path and message bodies) in <see cref="MockMatchRule"/>'s form.
/// Shape: <c>:method</c>, <c>:path</c>, content-type, each message's compression flag. Fields: every leaf of every message's
/// <c>decoded_data</c> (<c>msg[0].2</c> = the text of field 2 of the first message), so a uuid or time value in one field is a
/// volatile difference and repeated identical calls are served in recorded order.
/// </summary>
public static class GrpcMatcher
{
    /// <summary>Finds and consumes the mock for <paramref name="request"/> among the pool's gRPC candidates; null for a miss.</summary>
    public static MockMatch? Match(GrpcRequestRecord request, MockPool pool)
    {
        MatchRequest live = View(request);
        return MockMatchRule.Find(pool, pool.GetCandidates(GrpcSpec.Kind), live, m => TryRequest(m) is { } r ? View(r) : null);
    }

    /// <summary>The request in <see cref="MockMatchRule"/>'s form.</summary>
    public static MatchRequest View(GrpcRequestRecord request)
    {
        IReadOnlyList<GrpcMessage> messages = request.AllMessages;
        var shape = new StringBuilder();
        request.Headers.PseudoHeaders.TryGetValue(":method", out string? method);
        request.Headers.OrdinaryHeaders.TryGetValue("content-type", out string? contentType);
        shape.Append(method ?? "POST").Append(' ').Append(request.Path).Append(' ').Append(contentType ?? "application/grpc").Append(" flags=");
        var fields = new List<MatchField>();
        for (int i = 0; i < messages.Count; i++)
        {
            shape.Append(messages[i].CompressionFlag);
            if (messages[i].Raw is { } raw)
            {
                string b64 = Convert.ToBase64String(raw);
                fields.Add(new MatchField($"msg[{i}]", b64, b64));
                continue;
            }

            AddLeaves(messages[i].DecodedData, $"msg[{i}]", fields);
        }

        return new MatchRequest(shape.ToString(), fields);
    }

    /// <summary>The closest gRPC mock for a missed request (same path first, then most similar text) and a one-paragraph diff.</summary>
    public static (Mock? Closest, string Diff) Explain(GrpcRequestRecord request, IReadOnlyList<Mock> all)
    {
        Mock? best = null;
        double bestScore = double.MinValue;
        GrpcRequestRecord? bestRequest = null;
        string liveText = string.Join("\n", request.AllMessages.Select(m => m.DecodedData));
        foreach (Mock mock in all)
        {
            if (TryRequest(mock) is not { } recorded)
            {
                continue;
            }

            double score = (recorded.Path == request.Path ? 10 : 0) + TextDiff.Similarity(liveText, string.Join("\n", recorded.AllMessages.Select(m => m.DecodedData)));
            if (score > bestScore)
            {
                (best, bestScore, bestRequest) = (mock, score, recorded);
            }
        }

        if (best is null || bestRequest is null)
        {
            return (null, "no gRPC mocks recorded");
        }

        if (bestRequest.Path != request.Path)
        {
            return (best, $":path {request.Path} ≠ {bestRequest.Path}");
        }

        return (best, TextDiff.ExplainLines(
            liveText.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            string.Join("\n", bestRequest.AllMessages.Select(m => m.DecodedData)).Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    private static GrpcRequestRecord? TryRequest(Mock mock)
    {
        try
        {
            return GrpcSpec.FromMock(mock).Request;
        }
        catch (KeployFormatException)
        {
            return null;
        }
    }

    private static void AddLeaves(string text, string prefix, List<MatchField> fields)
    {
        var path = new List<string> { prefix };
        foreach (string rawLine in text.Split('\n'))
        {
            string line = rawLine.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line == "}")
            {
                if (path.Count > 1)
                {
                    path.RemoveAt(path.Count - 1);
                }

                continue;
            }

            int colon = line.IndexOf(':');
            if (colon <= 0)
            {
                fields.Add(new MatchField(string.Join('.', path), line, line));
                continue;
            }

            string number = line[..colon];
            string value = line[(colon + 1)..].Trim();
            string name = string.Join('.', path) + "." + number;
            if (value is "{" or "!{")
            {
                path.Add(number);
                fields.Add(new MatchField(name, "{", "{"));
                continue;
            }

            if (value.StartsWith("{\"", StringComparison.Ordinal) && value.EndsWith("\"}", StringComparison.Ordinal))
            {
                value = value[2..^2];
            }

            fields.Add(new MatchField(name, value, value));
        }
    }
}
