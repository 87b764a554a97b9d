using Microsoft.Testing.Platform.Extensions;

namespace Keploy.TestAdapter.TestingPlatform;

/// <summary>Identity of the Keploy test framework under Microsoft.Testing.Platform.</summary>
internal sealed class KeployExtension : IExtension
{
    /// <inheritdoc />
    public string Uid => "Keploy";

    /// <inheritdoc />
    public string Version => typeof(KeployExtension).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    /// <inheritdoc />
    public string DisplayName => "Keploy";

    /// <inheritdoc />
    public string Description => "Replays Keploy recorded API tests (keploy/test-set-N/tests/*.yaml).";

    /// <inheritdoc />
    public Task<bool> IsEnabledAsync() => Task.FromResult(true);
}
