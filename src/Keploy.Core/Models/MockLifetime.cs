namespace Keploy.Core.Models;

/// <summary>
/// How long a mock may be used at replay. Follows Keploy's <c>pkg/models/lifetime.go</c> (<c>DeriveLifetime</c>):
/// <c>spec.metadata.type: config</c> is <see cref="Session"/>, <c>connection</c> is <see cref="Connection"/>, anything else is
/// <see cref="PerTest"/>.
/// </summary>
public enum MockLifetime
{
    /// <summary>Consumed when matched; only visible inside the owning test's time window.</summary>
    PerTest,

    /// <summary>Reusable for the whole replay (handshakes, authentication, session settings).</summary>
    Session,

    /// <summary>Reusable within one connection (prepared statements).</summary>
    Connection,
}
