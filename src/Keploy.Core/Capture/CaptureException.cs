namespace Keploy.Core.Capture;

/// <summary>The eBPF capture could not start or run; <see cref="Exception.Message"/> is one sentence naming what failed and how to fix it.</summary>
public sealed class CaptureException : Exception
{
    /// <summary>Creates the exception with a one-sentence message.</summary>
    public CaptureException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a one-sentence message and the underlying cause.</summary>
    public CaptureException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
