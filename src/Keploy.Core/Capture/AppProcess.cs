using System.Diagnostics;

namespace Keploy.Core.Capture;

/// <summary>
/// The app command started by <see cref="EbpfCapture.StartApp"/>: <c>/bin/sh -c CMD</c>, placed in the run's cgroup before it execs and made
/// the leader of its own session and process group (so a terminal Ctrl+C reaches the tool only, and <see cref="Stop"/> signals the whole tree).
/// <see cref="Start"/> returns only once that group exists (or the launcher has exited), so a <see cref="Stop"/> right after start is still
/// a graceful SIGTERM, never a lost signal followed by SIGKILL.
/// </summary>
public sealed class AppProcess : IDisposable
{
    // The outer shell moves itself into the cgroup, then execs setsid (no fork: a .NET child is not a group leader), which execs the app shell.
    // The command travels in the environment so it needs no quoting; the helper variables are removed before the app sees its environment.
    private const string LauncherScript =
        "echo $$ > \"$KEPLOY_CGROUP_PROCS\" || exit 126; c=\"$KEPLOY_APP_CMD\"; unset KEPLOY_APP_CMD KEPLOY_CGROUP_PROCS; exec setsid /bin/sh -c \"$c\"";

    private readonly Process _process;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    private AppProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Pid of the app's shell, which is also its session id and process-group id.</summary>
    public int Pid { get; private set; }

    /// <summary>True once the app's shell has exited.</summary>
    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>Completes with the exit code (128 + signal number when killed by a signal) once the app has exited and its output is read.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>
    /// Stops the app: SIGTERM to its process group (graceful shutdown for ASP.NET and most servers; SIGINT is not used because a tool
    /// started from a background job inherits SIGINT as ignored, and so would the app), up to <paramref name="grace"/> for it to exit,
    /// then SIGKILL to the group; any process of the group still alive after the leader exits is SIGKILLed too. Returns the exit code
    /// (see <see cref="Exited"/>).
    /// </summary>
    public int Stop(TimeSpan grace)
    {
        if (!HasExited)
        {
            SignalGroup(LibC.SIGTERM);
            if (!_exited.Task.Wait(grace))
            {
                SignalGroup(LibC.SIGKILL);
                _exited.Task.Wait(TimeSpan.FromSeconds(10));
            }
        }

        SignalGroup(LibC.SIGKILL); // leftovers of the group (ESRCH when none)
        return _exited.Task.IsCompleted ? _exited.Task.Result : 128 + LibC.SIGKILL;
    }

    /// <summary>Kills the app's process group if still running and releases the process handle.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (!HasExited)
        {
            SignalGroup(LibC.SIGKILL);
        }

        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
        }

        _process.Dispose();
    }

    private void SignalGroup(int signal)
    {
        if (Pid > 1 && LibC.Kill(-Pid, signal) != 0 && !HasExited && !_process.HasExited)
        {
            // No such group although the launcher runs: Start's bounded wait ran out before setsid. Signal the launcher itself.
            LibC.Kill(Pid, signal);
        }
    }

    internal static AppProcess Start(
        string cgroupProcsPath,
        string command,
        string workingDirectory,
        IReadOnlyDictionary<string, string>? environment,
        Action<string>? onOutputLine)
    {
        var psi = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true, // kept open and never written: the app does not read the terminal
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(LauncherScript);
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                psi.Environment[key] = value;
            }
        }

        psi.Environment["KEPLOY_APP_CMD"] = command;
        psi.Environment["KEPLOY_CGROUP_PROCS"] = cgroupProcsPath;

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var lineLock = new object();
        DataReceivedEventHandler handler = (_, e) =>
        {
            if (e.Data is not null && onOutputLine is not null)
            {
                lock (lineLock)
                {
                    onOutputLine(e.Data);
                }
            }
        };
        process.OutputDataReceived += handler;
        process.ErrorDataReceived += handler;
        var app = new AppProcess(process);
        process.Exited += (_, _) => _ = app.CompleteAsync();
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            process.Dispose();
            throw new CaptureException($"Could not start the app command in {workingDirectory}: {e.Message}", e);
        }

        app.Pid = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (process.HasExited)
        {
            _ = app.CompleteAsync();
        }

        app.WaitForOwnProcessGroup(GroupWait);
        return app;
    }

    /// <summary>Upper bound on waiting, in <see cref="Start"/>, for the launcher to have become its own process-group leader.</summary>
    internal static readonly TimeSpan GroupWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Waits until the launcher has run <c>setsid</c> (its process-group id in <c>/proc/&lt;pid&gt;/stat</c> equals its pid) or has exited,
    /// so a signal sent to the group by <see cref="Stop"/> right after <see cref="Start"/> reaches the app. Bounded by
    /// <paramref name="timeout"/>; the shell gets there within milliseconds, so polling starts at 1 ms and backs off to 20 ms.
    /// </summary>
    private void WaitForOwnProcessGroup(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        int sleepMs = 1;
        while (!HasExited && !_process.HasExited && deadline.Elapsed < timeout)
        {
            int? group = ReadProcessGroup(Pid);
            if (group is null || group == Pid)
            {
                return; // gone (exit under way) or group leader: signals to -Pid now reach it
            }

            Thread.Sleep(sleepMs);
            sleepMs = Math.Min(sleepMs * 2, 20);
        }
    }

    /// <summary>The process-group id (field 5, <c>pgrp</c>, of <c>/proc/&lt;pid&gt;/stat</c>; proc(5)), or null when the process is gone.</summary>
    internal static int? ReadProcessGroup(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so fields are counted after the last ')'.
        int close = stat.LastIndexOf(')');
        string[] fields = close < 0 ? [] : stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length >= 3 && int.TryParse(fields[2], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int pgrp)
            ? pgrp
            : null;
    }

    private async Task CompleteAsync()
    {
        try
        {
            // Also drains stdout/stderr; a background child still holding them open must not delay the exit forever.
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (InvalidOperationException)
        {
        }

        try
        {
            _exited.TrySetResult(_process.ExitCode);
        }
        catch (InvalidOperationException)
        {
            _exited.TrySetResult(-1);
        }
    }
}
