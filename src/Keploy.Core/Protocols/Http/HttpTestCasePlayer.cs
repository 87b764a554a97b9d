using Keploy.Core.Models;
using Keploy.Core.Replay;
using Keploy.Core.Replay.Comparison;
using Keploy.Core.Replay.Players;
using Keploy.Core.Sanitize;

namespace Keploy.Core.Protocols.Http;

/// <summary>
/// Replays <c>kind: Http</c> test cases: sends <c>spec.req</c> with <see cref="HttpExchange"/> and compares the answer with
/// <c>spec.resp</c> (<see cref="HttpResponseComparer"/>: status, headers with noise, body by type).
/// </summary>
public sealed class HttpTestCasePlayer : ITestCasePlayer
{
    /// <inheritdoc/>
    public IReadOnlyCollection<string> Kinds { get; } = new[] { "Http" };

    /// <inheritdoc/>
    public IPreparedTestCase Prepare(TestCase testCase) => new Prepared(HttpSpec.FromTestCase(testCase), _connections);

    /// <summary>The connection to the app kept open between this player's requests (sent one at a time, in order).</summary>
    private readonly HttpConnectionCache _connections = new();

    private sealed class Prepared(HttpTestCaseSpec view, HttpConnectionCache connections) : IPreparedTestCase
    {
        public DateTimeOffset RequestTime => view.Request.Timestamp;

        public DateTimeOffset ResponseTime => view.Response.Timestamp;

        public Uri Url => new(view.Request.Url);

        public (string Request, string Response) ReportKeys => ("req", "resp");

        public async Task<TestCasePlayResult> PlayAsync(TestCasePlayContext context, CancellationToken cancellationToken)
        {
            ReplaySecrets secrets = context.Secrets;
            ReplayOptions options = context.Options;
            HttpRequestRecord request = secrets.Render(view.Request);
            HttpResponseRecord actual = await HttpExchange.SendAsync(request, context.Target(new Uri(request.Url)), options.ApiTimeout, connections, cancellationToken).ConfigureAwait(false);

            // A placeholder in the expected response (a token the app issues anew each run) is noise: present, any value.
            // Compared on the live response (noise regexes see real values), then the comparison is masked for the report.
            NoiseRules noise = NoiseRules.Create(ReplaySecrets.Noise(view.Response, view.Noise), options.GlobalNoise, context.TestSetId, options.DisableAutoHeaderNoise);
            ComparisonResult comparison = secrets.Masker.Mask(HttpResponseComparer.Compare(view.Response, actual, noise, new CompareOptions
            {
                IgnoreOrdering = options.IgnoreOrdering,
                CompareAll = options.CompareAll,
            }));

            // Reported masked: a secret the app returns never reaches a report, a diff or a .received.yaml.
            HttpResponseRecord masked = secrets.Masker.Response(actual);
            return new TestCasePlayResult
            {
                Comparison = comparison,
                ActualResponse = HttpSpec.WriteResponse(masked, masked.Timestamp),
                HttpActual = masked,
            };
        }
    }
}
