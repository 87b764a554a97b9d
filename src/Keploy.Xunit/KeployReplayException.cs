namespace Keploy.Xunit;

/// <summary>A recorded case failed: the message is the diff (or why the test-set did not run).</summary>
public sealed class KeployReplayException(string message) : Exception(message)
{
    /// <summary>No stack trace: the diff is the whole story.</summary>
    public override string? StackTrace => null;
}
