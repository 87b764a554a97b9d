using Keploy.Core.Models;
using Keploy.Core.Protocols.Http;
using Keploy.Core.Sanitize;

namespace Keploy.Core.Replay;

/// <summary>
/// What replay keeps of a mock read from mocks.yaml (<see cref="Storage.KeployYaml.ReadMocks(string, Func{Mock, object?})"/>): an Http
/// mock is kept as its typed view (<see cref="HttpMockSpec"/>: request for matching, response for the answer; a few KB) instead of
/// its YAML tree (about 10 KB), so 100,000 mocks fit in a few hundred MB. Other kinds are kept whole: their replayers read the spec.
/// </summary>
/// <remarks>
/// A mock holding a secret placeholder is kept whole: <see cref="ReplaySecrets"/> renders placeholders into the spec, and skips
/// deferred specs because none holds one. A mock whose Http spec does not read is kept whole (the matcher skips it, as before).
/// </remarks>
public static class MockCompaction
{
    /// <summary>
    /// Reads a mock straight from its parsing events to its compact form when its kind has a direct reader
    /// (<see cref="HttpMockReader"/>); false to read it through the node tree and <see cref="ForReplay"/>, which give the same.
    /// </summary>
    internal static bool TryReadForReplay(ReadOnlySpan<Storage.ParsedEvent> events, string path, Storage.YamlLimits limits, out Mock? mock) =>
        HttpMockReader.TryRead(events, path, limits, out mock);

    /// <summary>The compact view of <paramref name="mock"/> for replay, or null to keep it whole.</summary>
    public static object? ForReplay(Mock mock)
    {
        if (!string.Equals(mock.Kind, "Http", StringComparison.Ordinal)
            || ReplaySecrets.Scalars(mock.Spec).Any(s => SecretTemplate.ContainsPlaceholder(s.Value)))
        {
            return null;
        }

        try
        {
            return HttpSpec.ReadMock(mock);
        }
        catch (KeployFormatException)
        {
            return null;
        }
    }
}
