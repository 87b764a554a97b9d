using System.Diagnostics;
using Keploy.Core.Capture;
using static Keploy.Core.Tests.Capture.CaptureTestSupport;

namespace Keploy.Core.Tests.Capture;

/// <summary>Real-kernel tests of <see cref="AppProcess"/> stop semantics: the app's process group exists before anyone can signal it.</summary>
[Trait("Category", "Ebpf")]
[Collection("Ebpf")]
public sealed class AppProcessTests
{
    [Fact]
    public void StopImmediatelyAfterStart_IsAGracefulSigterm()
    {
        using var capture = EbpfCapture.Start(new CaptureOptions { Mode = CaptureMode.Test, ProxyPort = TestPorts.Free() });
        for (int i = 0; i < 10; i++)
        {
            var (app, _) = Run(capture, "sleep 60");
            using (app)
            {
                // Before the fix the SIGTERM went to a process group that did not exist yet, and SIGKILL followed after the grace.
                int code = app.Stop(Bound);
                Assert.Equal(128 + 15, code);
            }
        }
    }

    [Fact]
    public void Start_ReturnsWithTheAppLeadingItsOwnProcessGroup()
    {
        using var capture = EbpfCapture.Start(new CaptureOptions { Mode = CaptureMode.Test, ProxyPort = TestPorts.Free() });
        var (app, _) = Run(capture, "sleep 60");
        using (app)
        {
            Assert.Equal(app.Pid, AppProcess.ReadProcessGroup(app.Pid));
            Assert.Equal(128 + 15, app.Stop(Bound));
        }
    }

    [Fact]
    public async Task Stop_RunsTheAppsSigtermHandler()
    {
        using var capture = EbpfCapture.Start(new CaptureOptions { Mode = CaptureMode.Test, ProxyPort = TestPorts.Free() });
        var (app, lines) = Run(capture, "trap 'echo handled-term; exit 7' TERM; echo ready; while :; do sleep 1; done");
        using (app)
        {
            Assert.True(SpinWait.SpinUntil(() => { lock (lines) { return lines.Contains("ready"); } }, Bound));
            var watch = Stopwatch.StartNew();
            int code = app.Stop(Bound);
            Assert.Equal(7, code); // the handler's exit code: SIGTERM reached the shell, not SIGKILL
            Assert.True(watch.Elapsed < Bound, "stopped by SIGKILL after the grace");
            var (_, output) = await FinishAsync(app, lines);
            Assert.Contains("handled-term", output);
        }
    }
}
