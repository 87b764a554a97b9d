using System.Text;
using System.Text.RegularExpressions;
using Keploy.Core.Models;
using Keploy.Core.Replay.Matching;

namespace Keploy.Core.Protocols.Generic;

/// <summary>
/// The <see cref="MockMatchRule"/> view of a Generic request: for text (every byte printable ASCII or whitespace) the shape is the
/// text with each whitespace-separated token replaced by a placeholder and the fields are the tokens (<c>t0</c>, <c>t1</c>, ...),
/// so a request differing only in a uuid or time token is a volatile match; binary requests have one field, their base64.
/// Equal shape and equal fields mean equal bytes.
/// </summary>
public static partial class GenericMatcher
{
    /// <summary>The view of raw request bytes.</summary>
    public static MatchRequest View(ReadOnlySpan<byte> request)
    {
        byte[] bytes = request.ToArray();
        if (GenericChunk.Of(bytes).Type == "binary")
        {
            return new MatchRequest($"Generic binary {bytes.Length}", [new MatchField("bytes", Convert.ToBase64String(bytes), Convert.ToBase64String(bytes))]);
        }

        string text = Encoding.Latin1.GetString(bytes);
        List<MatchField> fields = new();
        string shape = Token().Replace(text, m =>
        {
            fields.Add(new MatchField("t" + fields.Count, m.Value, m.Value));
            return "\u00b7";
        });
        return new MatchRequest("Generic text " + shape, fields);
    }

    /// <summary>The view of a mock's request, or null when it is not a Generic mock for <paramref name="destination"/> (mocks
    /// without <c>metadata.destination</c>, as Keploy writes them, fit every destination).</summary>
    public static MatchRequest? View(Mock mock, string destination)
    {
        GenericMockSpec spec = GenericMockSpec.FromMock(mock);
        return spec.Destination is { } d && d != destination ? null : View(spec.RequestBytes());
    }

    [GeneratedRegex(@"[^\s]+")]
    private static partial Regex Token();
}
