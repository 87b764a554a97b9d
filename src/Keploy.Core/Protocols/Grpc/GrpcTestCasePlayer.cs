using Keploy.Core.Models;
using Keploy.Core.Replay;
using Keploy.Core.Replay.Comparison;
using Keploy.Core.Replay.Players;

namespace Keploy.Core.Protocols.Grpc;

/// <summary>
/// Replays <c>kind: gRPC</c> test cases: sends <c>spec.grpcReq</c> with <see cref="GrpcExchange"/> (h2c) and compares the answer
/// with <c>spec.grpcResp</c> (<see cref="GrpcResponseComparer"/>). Keploy's report gives them <c>grpcReq</c>/<c>grpcRes</c>.
/// </summary>
public sealed class GrpcTestCasePlayer : ITestCasePlayer
{
    /// <inheritdoc/>
    public IReadOnlyCollection<string> Kinds { get; } = new[] { GrpcSpec.Kind };

    /// <inheritdoc/>
    public IPreparedTestCase Prepare(TestCase testCase) => new Prepared(GrpcSpec.FromTestCase(testCase));

    private sealed class Prepared(GrpcTestCaseSpec view) : IPreparedTestCase
    {
        public DateTimeOffset RequestTime => view.Request.Timestamp ?? KeployTime.Zero;

        public DateTimeOffset ResponseTime => view.Response.Timestamp ?? KeployTime.Zero;

        public Uri Url
        {
            get
            {
                string scheme = view.Request.Headers.PseudoHeaders.GetValueOrDefault(":scheme", "http");
                string authority = view.Request.Headers.PseudoHeaders.GetValueOrDefault(":authority", "localhost");
                return new Uri($"{scheme}://{authority}{view.Request.Path}");
            }
        }

        public (string Request, string Response) ReportKeys => ("grpcReq", "grpcRes");

        public async Task<TestCasePlayResult> PlayAsync(TestCasePlayContext context, CancellationToken cancellationToken)
        {
            ReplayOptions options = context.Options;
            GrpcResponseRecord actual = await GrpcExchange.SendAsync(view.Request, context.Target(Url), options.ApiTimeout, cancellationToken).ConfigureAwait(false);
            NoiseRules noise = NoiseRules.Create(view.Noise, options.GlobalNoise, context.TestSetId, options.DisableAutoHeaderNoise);
            ComparisonResult comparison = context.Secrets.Masker.Mask(GrpcResponseComparer.Compare(view.Response, actual, noise));
            return new TestCasePlayResult
            {
                Comparison = comparison,
                ActualResponse = GrpcSpec.WriteResponse(actual),
            };
        }
    }
}
