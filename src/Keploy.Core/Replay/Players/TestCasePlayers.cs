using Keploy.Core.Models;

namespace Keploy.Core.Replay.Players;

/// <summary>The built-in test case players, one per replayable kind (Http, gRPC).</summary>
public static class TestCasePlayers
{
    /// <summary>Every built-in player.</summary>
    public static IReadOnlyList<ITestCasePlayer> All() => new ITestCasePlayer[]
    {
        new Keploy.Core.Protocols.Http.HttpTestCasePlayer(),
        new Keploy.Core.Protocols.Grpc.GrpcTestCasePlayer(),
    };

    /// <summary>The player for <paramref name="kind"/> among <paramref name="players"/>, or null when no player replays it.</summary>
    public static ITestCasePlayer? Find(IEnumerable<ITestCasePlayer> players, string kind) =>
        players.FirstOrDefault(p => p.Kinds.Contains(kind, StringComparer.Ordinal));

    /// <summary>
    /// The prepared view of <paramref name="testCase"/> from the built-in players, or null when its kind is not replayable.
    /// </summary>
    /// <exception cref="KeployFormatException">The test case is of a replayable kind but malformed.</exception>
    public static IPreparedTestCase? Prepare(TestCase testCase) => Find(All(), testCase.Kind)?.Prepare(testCase);
}
