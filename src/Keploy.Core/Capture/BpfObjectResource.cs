namespace Keploy.Core.Capture;

/// <summary>The compiled <c>bpf/keploy.bpf.o</c>, embedded by the KeployCompileBpf/KeployEmbedBpf targets of Keploy.Core.csproj.</summary>
internal static class BpfObjectResource
{
    internal const string ResourceName = "Keploy.Core.Capture.keploy.bpf.o";

    internal static bool IsEmbedded() => typeof(BpfObjectResource).Assembly.GetManifestResourceInfo(ResourceName) is not null;

    /// <summary>Writes the object to a new private temp file (mode 0600) and returns its path; the caller deletes it.</summary>
    internal static string ExtractToTempFile()
    {
        using Stream? resource = typeof(BpfObjectResource).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new CaptureException("This build of keploy has no eBPF object embedded; rebuild Keploy.Core on Linux with `apt-get install -y clang llvm libbpf-dev bpftool` installed.");
        string path = Path.Combine(Path.GetTempPath(), $"keploy-{Environment.ProcessId}-{Guid.NewGuid():N}.bpf.o");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new FileStream(path, options))
        {
            resource.CopyTo(file);
        }

        return path;
    }
}
