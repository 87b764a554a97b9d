using System.Diagnostics;
using Keploy.Core.Capture;
using static Keploy.Core.Tests.Capture.CaptureTestSupport;

namespace Keploy.Core.Tests.Capture;

/// <summary>
/// Real-kernel tests of stale-run cleanup (<see cref="CgroupV2.CleanupStale"/>): a run is alive while someone holds the flock on its
/// cgroup directory, whatever PID namespace the holder is in; only runs whose lock is free are killed and removed.
/// </summary>
[Trait("Category", "Ebpf")]
[Collection("Ebpf")]
public sealed class RunOwnershipTests
{
    private static string Mount => CgroupV2.FindMount()!;

    /// <summary>A fresh run-style cgroup named after a pid that cannot exist in this namespace (above pid_max, 4194304).</summary>
    private static string NewRunCgroup()
    {
        string dir = NewRunCgroupName();
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string NewRunCgroupName() => Path.Combine(Mount, CgroupV2.NamePrefix + "4194399-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task LockHeldFromAnotherPidNamespace_IsLeftAlone_AndCleanedOnceReleased()
    {
        string dir = NewRunCgroup();
        // The owner lives in its own PID namespace (its pid is invisible here), holds the lock on the directory and has a process inside.
        using Process holder = Start("unshare", "--pid", "--fork", "--kill-child", "--mount-proc",
            "flock", "-n", dir, "/bin/sh", "-c", $"echo $$ > '{dir}/cgroup.procs' && echo locked && exec sleep 60");
        try
        {
            await ExpectLineAsync(holder, "locked");
            int inside = Assert.Single(Procs(dir));
            Assert.False(File.Exists($"/proc/{inside}/stat") && ReadNsPid(inside) == inside, "the holder should run in another PID namespace");

            CgroupV2.CleanupStale(Mount);
            Assert.True(Directory.Exists(dir), "a cgroup whose lock is held was removed");
            Assert.Equal([inside], Procs(dir));

            // A whole new run starting (which cleans up first) leaves it alone too.
            using (var capture = EbpfCapture.Start(new CaptureOptions { Mode = CaptureMode.Test, ProxyPort = TestPorts.Free() }))
            {
                Assert.True(Directory.Exists(dir));
                Assert.Equal([inside], Procs(dir));
            }

            holder.Kill(); // SIGKILL: the namespace's init dies, the kernel kills the rest and drops the lock
            await holder.WaitForExitAsync(new CancellationTokenSource(Bound).Token);
            Assert.True(SpinWait.SpinUntil(() => Procs(dir).Count == 0, Bound));

            CgroupV2.CleanupStale(Mount);
            Assert.False(Directory.Exists(dir), "a cgroup whose lock was released was not cleaned up");
        }
        finally
        {
            Kill(holder);
            RemoveQuietly(dir);
        }
    }

    [Fact]
    public async Task UnlockedRun_IsKilledAndRemoved()
    {
        string dir = NewRunCgroup();
        using Process inside = Start("/bin/sh", "-c", $"echo $$ > '{dir}/cgroup.procs' && echo in && exec sleep 60");
        try
        {
            await ExpectLineAsync(inside, "in");
            Assert.Single(Procs(dir));

            CgroupV2.CleanupStale(Mount);

            Assert.False(Directory.Exists(dir));
            Assert.True(inside.WaitForExit(Bound));
            Assert.Equal(128 + 9, inside.ExitCode);
        }
        finally
        {
            Kill(inside);
            RemoveQuietly(dir);
        }
    }

    [Theory]
    [InlineData("keploy-{pid}-{n}")]        // older naming (owner pid only, no lock): whether its owner is alive cannot be known
    [InlineData("keploy-run-{n}")]          // our prefix but not our shape
    [InlineData("keploy-run-{pid}-{n}-x")]
    public void CgroupNotOfThisProtocol_IsLeftAlone(string pattern)
    {
        // The test's own pid: other versions of the tool running on this machine leave a live owner's cgroup alone too.
        string name = pattern.Replace("{pid}", Environment.ProcessId.ToString()).Replace("{n}", Random.Shared.Next(1, 1_000_000).ToString());
        Assert.False(CgroupV2.IsRunName(name));
        string dir = Path.Combine(Mount, name);
        Directory.CreateDirectory(dir);
        try
        {
            CgroupV2.CleanupStale(Mount);
            Assert.True(Directory.Exists(dir));
        }
        finally
        {
            RemoveQuietly(dir);
        }
    }

    [Fact]
    public void RunNames_AreRecognised()
    {
        using var capture = EbpfCapture.Start(new CaptureOptions { Mode = CaptureMode.Test, ProxyPort = TestPorts.Free() });
        Assert.True(CgroupV2.IsRunName(Path.GetFileName(capture.CgroupPath)));
        Assert.True(CgroupV2.IsRunName(Path.GetFileName(NewRunCgroupName())));
    }

    [Fact]
    public async Task RunOfAToolInAnotherPidNamespace_SurvivesASecondRun()
    {
        // The real case: the tool itself (the capture probe) in another PID namespace, then a second run here.
        using Process probe = Start("unshare", "--pid", "--fork", "--kill-child", "--mount-proc", ProbePath(), "test", TestPorts.Free().ToString(), "sleep 60");
        string? cgroup = null;
        try
        {
            using var cts = new CancellationTokenSource(Bound);
            while (await probe.StandardOutput.ReadLineAsync(cts.Token) is { } line && line != "ready")
            {
                if (line.StartsWith("cgroup=", StringComparison.Ordinal))
                {
                    cgroup = line["cgroup=".Length..];
                }
            }

            Assert.NotNull(cgroup);
            List<int> app = Procs(cgroup);
            Assert.NotEmpty(app);

            using (var second = EbpfCapture.Start(new CaptureOptions { Mode = CaptureMode.Test, ProxyPort = TestPorts.Free() }))
            {
                Assert.NotEqual(cgroup, second.CgroupPath);
            }

            Assert.True(Directory.Exists(cgroup), "the other namespace's run was cleaned up");
            Assert.Equal(app, Procs(cgroup));
            Assert.False(probe.HasExited);
        }
        finally
        {
            Kill(probe);
            if (cgroup is not null)
            {
                // Its watchdog died with the namespace; the lock was dropped with the probe, so the next cleanup removes the run.
                Assert.True(SpinWait.SpinUntil(() => { CgroupV2.CleanupStale(Mount); return !Directory.Exists(cgroup); }, Bound), $"{cgroup} was not cleaned up after its owner died");
            }
        }
    }

    private static Process Start(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return Process.Start(psi)!;
    }

    private static async Task ExpectLineAsync(Process process, string expected)
    {
        using var cts = new CancellationTokenSource(Bound);
        string? line = await process.StandardOutput.ReadLineAsync(cts.Token);
        if (line != expected)
        {
            Assert.Fail($"expected '{expected}', got '{line}': {await process.StandardError.ReadToEndAsync(cts.Token)}");
        }
    }

    private static List<int> Procs(string dir)
    {
        try
        {
            return File.ReadAllLines(Path.Combine(dir, "cgroup.procs")).Select(int.Parse).ToList();
        }
        catch (IOException)
        {
            return [];
        }
    }

    /// <summary>The pid the process has in its own (innermost) PID namespace (last NSpid field of /proc/PID/status).</summary>
    private static int ReadNsPid(int pid) =>
        int.Parse(File.ReadAllLines($"/proc/{pid}/status").First(l => l.StartsWith("NSpid:", StringComparison.Ordinal))
            .Split('\t', StringSplitOptions.RemoveEmptyEntries).Last());

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(Bound);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static void RemoveQuietly(string dir)
    {
        if (!Directory.Exists(dir))
        {
            return;
        }

        try
        {
            File.WriteAllText(Path.Combine(dir, "cgroup.kill"), "1");
        }
        catch (IOException)
        {
        }

        SpinWait.SpinUntil(() =>
        {
            try
            {
                Directory.Delete(dir);
                return true;
            }
            catch (DirectoryNotFoundException)
            {
                return true;
            }
            catch (IOException)
            {
                return false;
            }
        }, Bound);
    }
}
