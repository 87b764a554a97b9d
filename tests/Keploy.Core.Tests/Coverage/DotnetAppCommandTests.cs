using Keploy.Core.Replay.Coverage;

namespace Keploy.Core.Tests.Coverage;

/// <summary>Which app commands are .NET apps whose coverage can be collected, and how the app's word is rewritten.</summary>
public sealed class DotnetAppCommandTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("keploy-appcmd-").FullName;

    public DotnetAppCommandTests()
    {
        Directory.CreateDirectory(Path.Combine(_work, "bin"));
        File.WriteAllText(Path.Combine(_work, "bin", "Api.dll"), "");
        File.WriteAllText(Path.Combine(_work, "bin", "Api"), "");
        File.WriteAllText(Path.Combine(_work, "bin", "Api.runtimeconfig.json"), "{}");
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Theory]
    [InlineData("dotnet bin/Api.dll --urls http://127.0.0.1:5000", false, "dotnet '/copy/Api.dll' --urls http://127.0.0.1:5000")]
    [InlineData("ASPNETCORE_ENVIRONMENT=Development dotnet exec --roll-forward Major bin/Api.dll", false, "ASPNETCORE_ENVIRONMENT=Development dotnet exec --roll-forward Major '/copy/Api.dll'")]
    [InlineData("env A=1 \"bin/Api.dll\"x", null, null)]
    [InlineData("./bin/Api --port 1 && echo done", true, "'/copy/Api' --port 1 && echo done")]
    [InlineData("exec /usr/bin/dotnet 'bin/Api.dll' a", false, "exec /usr/bin/dotnet '/copy/Api.dll' a")]
    public void Finds_the_app_and_rewrites_only_its_word(string command, bool? appHost, string? rewritten)
    {
        DotnetAppCommand? app = DotnetAppCommand.Find(command, _work, out string reason);
        if (appHost is null)
        {
            Assert.Null(app);
            Assert.NotEmpty(reason);
            return;
        }

        Assert.NotNull(app);
        Assert.Equal(Path.Combine(_work, "bin", "Api.dll"), app.EntryDll);
        Assert.Equal(appHost, app.AppHost);
        Assert.Equal(rewritten, app.WithEntryDirectory("/copy"));
    }

    [Theory]
    [InlineData("python3 app.py 8080", "does not start a .NET app (python3)")]
    [InlineData("node server.js", "does not start a .NET app (node)")]
    [InlineData("dotnet run --project Api", "`dotnet run` builds the app itself")]
    [InlineData("dotnet bin/Missing.dll", "`bin/Missing.dll` is not an existing .dll")]
    [InlineData("dotnet $APP", "`$APP` is not an existing .dll")]
    public void Other_commands_say_in_one_line_why_coverage_is_skipped(string command, string why)
    {
        Assert.Null(DotnetAppCommand.Find(command, _work, out string reason));
        Assert.Contains(why, reason, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', reason);
    }
}
