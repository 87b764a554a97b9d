using System.Globalization;
using Keploy.Core.Replay.Comparison;

namespace Keploy.Core.Protocols.Grpc;

/// <summary>
/// Compares a gRPC response with the recorded one in Keploy's report shape: <c>status_code</c> is HTTP/2 <c>:status</c>;
/// <c>headers_result</c> holds every recorded ordinary header then every recorded trailer (<c>grpc-status</c>, <c>grpc-message</c>),
/// each with the test's header noise (auto noise: <c>date</c>, tracing); <c>body_result</c> one <c>PLAIN</c> entry with the messages'
/// <c>decoded_data</c>. Messages are equal when their protobuf bytes are (the recorded text is assembled, so Keploy's and this tool's
/// protoscope layouts compare equal); <c>body: []</c> noise ignores them.
/// </summary>
public static class GrpcResponseComparer
{
    /// <summary>Compares <paramref name="actual"/> with <paramref name="expected"/>.</summary>
    /// <exception cref="FormatException">A recorded <c>decoded_data</c> is not protoscope.</exception>
    public static ComparisonResult Compare(GrpcResponseRecord expected, GrpcResponseRecord actual, NoiseRules noise)
    {
        IReadOnlyList<GrpcMessage> expectedMessages = expected.AllMessages;
        IReadOnlyList<GrpcMessage> actualMessages = actual.AllMessages;
        int expectedStatus = Status(expected);
        int actualStatus = Status(actual);
        ComparisonResult result = new() { StatusCode = new StatusCodeResult(expectedStatus == actualStatus, expectedStatus, actualStatus) };
        if (!result.StatusCode.Normal)
        {
            result.Differences.Add(new ResponseDifference("status_code", Inv(expectedStatus), Inv(actualStatus), DifferenceKind.ValueChanged));
        }

        bool bodyNormal = MessagesEqual(expectedMessages, actualMessages) || noise.MatchWholeBody(Text(actualMessages)) is NoiseVerdict.Ignored or NoiseVerdict.RegexMatched;
        CompareHeaders(result, expected.Headers.OrdinaryHeaders, actual.Headers.OrdinaryHeaders, noise, bodyNormal);
        CompareHeaders(result, expected.Trailers.OrdinaryHeaders, actual.Trailers.OrdinaryHeaders, noise, bodyNormal);
        string expectedText = Text(expectedMessages);
        string actualText = Text(actualMessages);
        result.BodyResult.Add(new BodyResult(bodyNormal, "PLAIN", expectedText, actualText));
        if (!bodyNormal)
        {
            int count = Math.Max(expectedMessages.Count, actualMessages.Count);
            for (int i = 0; i < count; i++)
            {
                GrpcMessage? e = i < expectedMessages.Count ? expectedMessages[i] : null;
                GrpcMessage? a = i < actualMessages.Count ? actualMessages[i] : null;
                if (e is not null && a is not null && SamePayload(e, a))
                {
                    continue;
                }

                string path = count == 1 ? "body" : $"body[{i}]";
                DifferenceKind kind = e is null ? DifferenceKind.Unexpected : a is null ? DifferenceKind.Missing : DifferenceKind.ValueChanged;
                result.Differences.Add(new ResponseDifference(path, e is null ? null : Text(e).TrimEnd('\n'), a is null ? null : Text(a).TrimEnd('\n'), kind));
            }
        }

        return result;
    }

    /// <summary>The messages' <c>decoded_data</c>, one block each (a blank line between messages).</summary>
    public static string Text(IReadOnlyList<GrpcMessage> messages) => string.Join("\n", messages.Select(Text));

    /// <summary>One message's <c>decoded_data</c>, or its <c>raw_data</c> in base64 when it has no text form.</summary>
    public static string Text(GrpcMessage message) => message.Raw is { } raw ? Convert.ToBase64String(raw) + "\n" : message.DecodedData;

    private static void CompareHeaders(ComparisonResult result, Dictionary<string, string> expected, Dictionary<string, string> actual, NoiseRules noise, bool bodyNormal)
    {
        foreach (string name in expected.Keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            string expectedValue = expected[name];
            string? actualValue = actual.TryGetValue(name, out string? v) ? v : null;
            bool normal = HttpResponseComparer.HeaderNormal(name, expectedValue, actualValue, noise, bodyNormal, out DifferenceKind kind);
            result.HeadersResult.Add(new HeaderResult(normal, new HeaderValues(name, [expectedValue]), new HeaderValues(name, actualValue is null ? Array.Empty<string>() : [actualValue])));
            if (!normal)
            {
                result.Differences.Add(new ResponseDifference("header." + name, expectedValue, actualValue, kind));
            }
        }
    }

    private static bool MessagesEqual(IReadOnlyList<GrpcMessage> expected, IReadOnlyList<GrpcMessage> actual) =>
        expected.Count == actual.Count && expected.Zip(actual).All(p => SamePayload(p.First, p.Second));

    private static bool SamePayload(GrpcMessage expected, GrpcMessage actual) =>
        (expected.Raw is null && actual.Raw is null && expected.DecodedData == actual.DecodedData) || expected.Payload().AsSpan().SequenceEqual(actual.Payload());

    private static int Status(GrpcResponseRecord response) =>
        int.TryParse(response.Headers.PseudoHeaders.GetValueOrDefault(":status"), NumberStyles.None, CultureInfo.InvariantCulture, out int s) ? s : 0;

    private static string Inv(int value) => value.ToString(CultureInfo.InvariantCulture);
}
