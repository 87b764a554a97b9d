namespace Keploy.Core.Models;

/// <summary>
/// Thrown when a Keploy file (test case, mocks.yaml, keploy.yml, report) cannot be read.
/// <see cref="Exception.Message"/> is one line that starts with <c>file:line:column</c>.
/// </summary>
public sealed class KeployFormatException : Exception
{
    /// <summary>Creates the exception; the message is prefixed with <paramref name="location"/>.</summary>
    public KeployFormatException(SourceLocation location, string message, Exception? inner = null)
        : base($"{location}: {message}", inner)
    {
        Location = location;
    }

    /// <summary>Where the problem is.</summary>
    public SourceLocation Location { get; }
}
