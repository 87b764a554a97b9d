using System.Diagnostics;

namespace Keploy.EndToEnd.Tests;

/// <summary><c>dotnet keploy sanitize</c> on a test-set recorded in plain text (as Keploy or <c>--no-sanitize</c> writes it).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SanitizeCliTests : IDisposable
{
    private const string Token = "Bearer plain-tok-5e5e5e5e5e";
    private const string Password = "plain-pw-0042";
    private readonly string _work = Directory.CreateTempSubdirectory("keploy-sanitize-cli-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public void Sanitize_moves_secrets_to_secret_yaml_and_a_second_run_changes_nothing()
    {
        string set = Path.Combine(_work, "keploy", "test-set-0");
        Directory.CreateDirectory(Path.Combine(set, "tests"));
        File.WriteAllText(Path.Combine(set, "tests", "test-1.yaml"), $$"""
            version: api.keploy.io/v1beta1
            kind: Http
            name: test-1
            spec:
              metadata: {}
              req:
                method: POST
                proto_major: 1
                proto_minor: 1
                url: http://localhost:8080/login
                header:
                  Authorization: {{Token}}
                  Content-Type: application/json
                body: '{"user":"alice","password":"{{Password}}"}'
                timestamp: 2025-10-16T10:55:58Z
              resp:
                status_code: 200
                header: {}
                body: '{"ok":true}'
                status_message: OK
                proto_major: 0
                proto_minor: 0
                timestamp: 2025-10-16T10:55:58Z
              objects: []
              assertions:
                noise: {}
              created: 1760612158
            curl: |
              curl --request POST \
                --url http://localhost:8080/login \
                --header 'Authorization: {{Token}}' \
                --data "{\"user\":\"alice\",\"password\":\"{{Password}}\"}"
            """ + "\n");

        (int exit, string stdout, string stderr) = Tool("sanitize", "--disable-ansi", "-t", "test-set-0");
        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("test-set-0: 1 test case(s) and 0 mock(s) sanitized; 2 secret(s)", stdout);
        string test = File.ReadAllText(Path.Combine(set, "tests", "test-1.yaml"));
        Assert.DoesNotContain("plain-tok", test);
        Assert.DoesNotContain(Password, test);
        Assert.Contains("{{string .secret.Authorization }}", test);
        string secrets = File.ReadAllText(Path.Combine(set, "secret.yaml"));
        Assert.Contains(Token, secrets);
        Assert.Contains(Password, secrets);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(set, "secret.yaml")));
        Assert.Contains("/*/secret.yaml", File.ReadAllText(Path.Combine(_work, "keploy", ".gitignore")));

        (int again, string stdout2, _) = Tool("sanitize", "--disable-ansi");
        Assert.Equal(0, again);
        Assert.Contains("test-set-0: 0 test case(s) and 0 mock(s) sanitized; 2 secret(s)", stdout2);
        Assert.Equal(test, File.ReadAllText(Path.Combine(set, "tests", "test-1.yaml")));

        Assert.Equal(1, Tool("sanitize", "-t", "test-set-9").Exit);
    }

    private (int Exit, string Stdout, string Stderr) Tool(params string[] args)
    {
        ProcessStartInfo start = new("dotnet") { WorkingDirectory = _work, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(ToolPaths.ToolDll());
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet keploy " + string.Join(' ', args) + " did not finish");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
