using Keploy.Core.Models;
using Keploy.Core.Replay.Comparison;
using Keploy.Core.Sanitize;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Replay.Players;

/// <summary>
/// Replays the test cases of one protocol (chosen by the test case's <c>kind</c>): reads the recorded request and response, sends the
/// request to the app and compares what comes back. Each protocol's player lives in its folder (<c>Protocols/Http</c>,
/// <c>Protocols/Grpc</c>); <see cref="ReplayRunner"/>, the reports and the <c>dotnet test</c> adapter only see this interface.
/// </summary>
public interface ITestCasePlayer
{
    /// <summary>The test case kinds this player replays (<c>Http</c>, <c>gRPC</c>), as Keploy writes them.</summary>
    IReadOnlyCollection<string> Kinds { get; }

    /// <summary>Reads the typed view of <paramref name="testCase"/>.</summary>
    /// <exception cref="KeployFormatException">The spec lacks a required key or holds a value of the wrong shape (names file:line:column).</exception>
    IPreparedTestCase Prepare(TestCase testCase);
}

/// <summary>One test case read by its <see cref="ITestCasePlayer"/>, ready to be sent.</summary>
public interface IPreparedTestCase
{
    /// <summary>When the recorded request started (the frozen clock and mock windows use it).</summary>
    DateTimeOffset RequestTime { get; }

    /// <summary>When the recorded response ended.</summary>
    DateTimeOffset ResponseTime { get; }

    /// <summary>The recorded target, absolute (<c>http://localhost:5000/orders</c>); its host and port are the readiness probe.</summary>
    Uri Url { get; }

    /// <summary>
    /// The key of <c>spec</c> that holds the recorded request (<c>req</c>, <c>grpcReq</c>) and the key Keploy's report gives the
    /// actual response (<c>resp</c>, <c>grpcRes</c>).
    /// </summary>
    (string Request, string Response) ReportKeys { get; }

    /// <summary>
    /// Sends the recorded request (secrets rendered) to <paramref name="context"/>'s target and compares the answer with the
    /// recording under the test's noise rules. Throws when the app gives no answer (connection refused, timeout, reset): the runner
    /// reports the exception's message as the test's failure.
    /// </summary>
    Task<TestCasePlayResult> PlayAsync(TestCasePlayContext context, CancellationToken cancellationToken);
}

/// <summary>What a player needs from the run.</summary>
/// <param name="TestSetId">The test-set being replayed (selects its part of <c>globalNoise</c>).</param>
/// <param name="Options">The run's options (timeouts, noise, comparison switches).</param>
/// <param name="Secrets">Renders placeholders into requests; its masker hides secrets in what is reported.</param>
/// <param name="Target">Maps the recorded URL to the one to send to (<c>--host</c>, <c>--port</c>).</param>
public sealed record TestCasePlayContext(string TestSetId, ReplayOptions Options, ReplaySecrets Secrets, Func<Uri, Uri> Target);

/// <summary>The answer of the app to one replayed test case, compared.</summary>
public sealed class TestCasePlayResult
{
    /// <summary>The field-by-field comparison in Keploy's report shape, secrets masked.</summary>
    public required ComparisonResult Comparison { get; init; }

    /// <summary>The actual response in the shape of the recorded one (<c>spec.resp</c>, <c>spec.grpcResp</c>), secrets masked.</summary>
    public required YamlMappingNode ActualResponse { get; init; }

    /// <summary>The actual response as a typed Http record (Http test cases only; Keploy's report writes it as <c>resp</c>).</summary>
    public Keploy.Core.Protocols.Http.HttpResponseRecord? HttpActual { get; init; }
}
