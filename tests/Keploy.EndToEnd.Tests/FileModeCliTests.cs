using System.Diagnostics;

namespace Keploy.EndToEnd.Tests;

/// <summary>The tool's files are 0600 and its folders 0700, and a stricter umask of the user's is honoured on top.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileModeCliTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("keploy-modes-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Theory]
    [InlineData("0000", UnixFileMode.UserRead | UnixFileMode.UserWrite, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute)]
    [InlineData("0022", UnixFileMode.UserRead | UnixFileMode.UserWrite, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute)]
    [InlineData("0277", UnixFileMode.UserRead, UnixFileMode.UserRead | UnixFileMode.UserExecute)]
    public void Config_generate_honours_0600_0700_and_a_stricter_umask(string umask, UnixFileMode file, UnixFileMode folder)
    {
        string target = Path.Combine(_work, "umask-" + umask, "new");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"umask {umask} && exec dotnet \"$0\" config --generate -p \"$1\"");
        start.ArgumentList.Add(ToolPaths.ToolDll());
        start.ArgumentList.Add(target);
        using Process p = Process.Start(start)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(120_000), "config --generate did not finish");
        Assert.True(p.ExitCode == 0, output);
        Assert.Equal(file, File.GetUnixFileMode(Path.Combine(target, "keploy.yml")));
        Assert.Equal(folder, File.GetUnixFileMode(target));
        File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); // so Dispose can delete
    }
}
