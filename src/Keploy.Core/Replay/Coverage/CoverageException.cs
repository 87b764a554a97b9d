namespace Keploy.Core.Replay.Coverage;

/// <summary>
/// Coverage of the app under test could not be collected or read: one line naming the place (the app's dll, the Cobertura file,
/// the OpenAPI document) and the reason. The replay's verdict never depends on it; <c>dotnet keploy test</c> prints it and goes on.
/// </summary>
public sealed class CoverageException : Exception
{
    /// <summary>Creates the exception with its one-line message.</summary>
    public CoverageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its one-line message and the cause.</summary>
    public CoverageException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
