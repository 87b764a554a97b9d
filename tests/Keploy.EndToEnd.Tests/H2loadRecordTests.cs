using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Keploy.EndToEnd.Tests;

/// <summary>
/// h2load (Debian nghttp2-client) as the recorded app: its HTTP/2 (h2c) connections to a Kestrel server go through the
/// recording proxy (real eBPF capture); every stream must succeed and become one Http mock. Needs root.
/// </summary>
public sealed class H2loadRecordTests : IDisposable
{
    private const int Requests = 300;
    private readonly string _work = Directory.CreateTempSubdirectory("keploy-h2load-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    [Trait("Category", "Ebpf")]
    public void H2loadThroughRecordIsErrorFreeAndEveryStreamIsAMock()
    {
        int port = FreePort();
        string url = $"http://127.0.0.1:{port}/items/KB-001";
        ProcessStartInfo catalog = new("dotnet", ToolPaths.Repo($"samples/Catalog/bin/{ToolPaths.Configuration}/net10.0/Catalog.dll"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        catalog.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        catalog.Environment["Kestrel__EndpointDefaults__Protocols"] = "Http2";
        using Process server = Process.Start(catalog)!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            bool ready = false;
            for (int i = 0; i < 240 && !ready; i++)
            {
                ready = Run("h2load", $"-n 1 -c 1 {url}", TimeSpan.FromSeconds(10)).Output.Contains("1 succeeded", StringComparison.Ordinal);
                if (!ready)
                {
                    Assert.False(server.HasExited, "Catalog exited before answering HTTP/2");
                    Thread.Sleep(250);
                }
            }

            Assert.True(ready, "Catalog did not answer h2c within 60 s");
            string load = $"h2load -n {Requests} -c 3 -m 10 {url}";
            (int exit, string output) = Run("dotnet", $"{ToolPaths.ToolDll()} record -c \"{load}\" --proxy-port {FreePort()} --disable-ansi", TimeSpan.FromMinutes(3));

            Assert.Contains($"requests: {Requests} total, {Requests} started, {Requests} done, {Requests} succeeded, 0 failed, 0 errored", output, StringComparison.Ordinal);
            Assert.True(exit == 0, $"record exited {exit}:\n{output}");
            string mocks = File.ReadAllText(Path.Combine(_work, "keploy", "test-set-0", "mocks.yaml"));
            Assert.Equal(Requests, Regex.Matches(mocks, @"^kind: Http$", RegexOptions.Multiline).Count);
            Assert.Equal(Requests, Regex.Matches(mocks, @"^\s+proto_major: 2$", RegexOptions.Multiline).Count);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit();
        }
    }

    private (int Exit, string Output) Run(string file, string arguments, TimeSpan timeout)
    {
        ProcessStartInfo start = new(file, arguments) { WorkingDirectory = _work, RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {arguments} did not finish within {timeout}");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static int FreePort() => TestPorts.Free();
}
