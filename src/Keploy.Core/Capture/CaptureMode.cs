namespace Keploy.Core.Capture;

/// <summary>What the capture hooks do: <see cref="Record"/> also moves the app's listening ports (ingress); <see cref="Test"/> only redirects egress.</summary>
public enum CaptureMode
{
    /// <summary>Egress redirect plus ingress relocation (bind hooks attached). Keploy: record mode.</summary>
    Record,

    /// <summary>Egress redirect only; the app binds its ports normally. Keploy: test (replay) mode.</summary>
    Test,
}
