using Keploy.TestAdapter.Engine;

namespace Keploy.TestAdapter.Tests;

public sealed class SettingsTests
{
    [Fact]
    public void RunSettings_OverrideAssemblyMetadata()
    {
        KeploySettings settings = new();
        settings.ApplyAssemblyMetadata(new Dictionary<string, string?> { ["Keploy.AppCommand"] = "from-msbuild", ["Keploy.Delay"] = "3", ["Other"] = "x" });
        settings.ApplyRunSettings("<RunSettings><Keploy><AppCommand>from-runsettings</AppCommand><ProxyPort>17000</ProxyPort>" +
            "<HealthUrl>http://127.0.0.1:5000/health</HealthUrl></Keploy></RunSettings>");

        Assert.Equal("from-runsettings", settings.AppCommand);
        Assert.Equal(TimeSpan.FromSeconds(3), settings.Delay);
        Assert.Equal(17000, settings.ProxyPort);
        Assert.Equal("http://127.0.0.1:5000/health", settings.HealthUrl);
    }

    [Fact]
    public void BadDelay_NamesTheElement()
    {
        FormatException e = Assert.Throws<FormatException>(() =>
            new KeploySettings().ApplyRunSettings("<RunSettings><Keploy><Delay>soon</Delay></Keploy></RunSettings>"));
        Assert.Contains("<Delay>", e.Message);
    }

    [Fact]
    public void AppProject_RunsTheDllFromTheTestOutput_WhenReferenced()
    {
        string bin = AdapterTestPaths.NewTempDirectory("keploy-app");
        File.WriteAllText(Path.Combine(bin, "Orders.dll"), "");
        KeploySettings settings = new() { AppProject = "/src/samples/Orders/Orders.csproj" };

        Assert.Equal($"dotnet \"{Path.Combine(bin, "Orders.dll")}\"", settings.ResolveAppCommand(bin));
        Assert.Equal("dotnet run --project \"/src/samples/Orders/Orders.csproj\"", settings.ResolveAppCommand("/nonexistent"));
        Assert.Null(new KeploySettings().ResolveAppCommand(bin));
    }

    [Fact]
    public void AppArguments_FollowTheResolvedDll_AndPortOverridesTheRecordedOne()
    {
        string bin = AdapterTestPaths.NewTempDirectory("keploy-app");
        File.WriteAllText(Path.Combine(bin, "Orders.dll"), "");
        KeploySettings settings = new();
        settings.ApplyAssemblyMetadata(new Dictionary<string, string?>
        {
            ["Keploy.AppProject"] = "../Orders/Orders.csproj",
            ["Keploy.AppArguments"] = "--urls http://127.0.0.1:5100",
        });
        settings.ApplyRunSettings("<RunSettings><Keploy><Port>5123</Port></Keploy></RunSettings>");

        Assert.Equal($"dotnet \"{Path.Combine(bin, "Orders.dll")}\" --urls http://127.0.0.1:5100", settings.ResolveAppCommand(bin));
        Assert.Equal(5123, settings.Port);
        Assert.Throws<FormatException>(() => new KeploySettings().ApplyRunSettings("<RunSettings><Keploy><Port>0</Port></Keploy></RunSettings>"));
    }

    [Fact]
    public void ReplayOptions_ComeFromKeployYml_WithAdapterSettingsOnTop()
    {
        string root = AdapterTestPaths.NewTempDirectory("keploy-yml");
        File.WriteAllText(Path.Combine(root, "keploy.yml"), """
            proxyPort: 17100
            test:
                globalNoise:
                    global:
                        body:
                            id: []
                delay: 7
                apiTimeout: 9
                healthUrl: http://127.0.0.1:5100/health
            """);

        Core.Replay.ReplayOptions fromYml = ReplayRunnerReplayer.CreateOptions(root, new KeploySettings());
        Core.Replay.ReplayOptions overridden = ReplayRunnerReplayer.CreateOptions(root, new KeploySettings { ProxyPort = 17200, Port = 5999, Delay = TimeSpan.FromSeconds(1) });

        Assert.Equal(17100, fromYml.ProxyPort);
        Assert.Equal(TimeSpan.FromSeconds(7), fromYml.Delay);
        Assert.Equal(TimeSpan.FromSeconds(9), fromYml.ApiTimeout);
        Assert.Equal("http://127.0.0.1:5100/health", fromYml.HealthUrl);
        Assert.True(fromYml.GlobalNoise.Global["body"].ContainsKey("id"));
        Assert.Equal(17200, overridden.ProxyPort);
        Assert.Equal(5999, overridden.Port);
        Assert.Equal(TimeSpan.FromSeconds(1), overridden.Delay);

        File.WriteAllText(Path.Combine(root, "keploy.yml"), "proxyPort: [oops\n");
        Assert.Throws<Core.Models.KeployFormatException>(() => ReplayRunnerReplayer.CreateOptions(root, new KeploySettings()));
    }

    [Fact]
    public void AspNetCoreApp_IsStartedOnTheRecordedHostAndPort_UnlessTheUserGaveUrls()
    {
        string src = AdapterTestPaths.NewTempDirectory("keploy-src");
        string web = Path.Combine(src, "Web.csproj");
        File.WriteAllText(web, "<Project Sdk=\"Microsoft.NET.Sdk.Web\"></Project>");
        string console = Path.Combine(src, "Tool.csproj");
        File.WriteAllText(console, "<Project Sdk=\"Microsoft.NET.Sdk\"></Project>");
        const string url = "http://localhost:5100";

        Assert.Equal($"dotnet run --project \"{web}\" -- --urls {url}", new KeploySettings { AppProject = web }.ResolveAppCommand("/nonexistent", url));
        Assert.Equal($"dotnet run --project \"{console}\"", new KeploySettings { AppProject = console }.ResolveAppCommand("/nonexistent", url));
        Assert.Equal($"dotnet run --project \"{web}\" -- --urls=http://0.0.0.0:6000",
            new KeploySettings { AppProject = web, AppArguments = "--urls=http://0.0.0.0:6000" }.ResolveAppCommand("/nonexistent", url));
        Assert.Equal("./run.sh", new KeploySettings { AppProject = web, AppCommand = "./run.sh" }.ResolveAppCommand("/nonexistent", url));

        // Referenced: the dll's runtimeconfig.json says whether it is an ASP.NET Core app.
        string bin = AdapterTestPaths.NewTempDirectory("keploy-app");
        File.WriteAllText(Path.Combine(bin, "Web.dll"), "");
        File.WriteAllText(Path.Combine(bin, "Web.runtimeconfig.json"), """{"runtimeOptions":{"frameworks":[{"name":"Microsoft.AspNetCore.App","version":"10.0.0"}]}}""");
        File.WriteAllText(Path.Combine(bin, "Tool.dll"), "");
        File.WriteAllText(Path.Combine(bin, "Tool.runtimeconfig.json"), """{"runtimeOptions":{"framework":{"name":"Microsoft.NETCore.App","version":"10.0.0"}}}""");
        Assert.Equal($"dotnet \"{Path.Combine(bin, "Web.dll")}\" --urls {url}", new KeploySettings { AppProject = web }.ResolveAppCommand(bin, url));
        Assert.Equal($"dotnet \"{Path.Combine(bin, "Tool.dll")}\"", new KeploySettings { AppProject = console }.ResolveAppCommand(bin, url));
    }

    [Fact]
    public void Defaults_WithoutKeployYml_FreeProxyPort_LongWaitForDotnetRun_RecordedPortForTheApp()
    {
        string root = AdapterTestPaths.NewTempDirectory("keploy-defaults");
        string web = Path.Combine(root, "Web.csproj");
        File.WriteAllText(web, "<Project Sdk=\"Microsoft.NET.Sdk.Web\"></Project>");
        Uri recorded = new("http://localhost:5177/items?id=1");

        Core.Replay.ReplayOptions run = ReplayRunnerReplayer.CreateOptions(root, new KeploySettings { AppProject = web }, recorded);
        Assert.Equal(0, run.ProxyPort);
        Assert.Equal(ReplayRunnerReplayer.DotnetRunDelay, run.Delay);
        Assert.True(run.Delay >= TimeSpan.FromSeconds(60));
        Assert.EndsWith(" -- --urls http://localhost:5177", run.AppCommand);

        Core.Replay.ReplayOptions moved = ReplayRunnerReplayer.CreateOptions(root, new KeploySettings { AppProject = web, Port = 6111 }, recorded);
        Assert.EndsWith(" -- --urls http://localhost:6111", moved.AppCommand);
        Assert.Equal(6111, moved.Port);

        Core.Replay.ReplayOptions command = ReplayRunnerReplayer.CreateOptions(root, new KeploySettings { AppCommand = "./app" }, recorded);
        Assert.Equal(ReplayRunnerReplayer.DefaultDelay, command.Delay);
        Assert.Equal("./app", command.AppCommand);

        // Keploy's defaults written out (dotnet keploy config --generate) are settings: they are honoured.
        File.WriteAllText(Path.Combine(root, "keploy.yml"), "proxyPort: 16789\ntest:\n    delay: 5\n");
        Core.Replay.ReplayOptions configured = ReplayRunnerReplayer.CreateOptions(root, new KeploySettings { AppProject = web }, recorded);
        Assert.Equal(16789, configured.ProxyPort);
        Assert.Equal(TimeSpan.FromSeconds(5), configured.Delay);
    }

    [Fact]
    public void AssemblyMetadataReader_ReadsWithoutLoading()
    {
        IReadOnlyDictionary<string, string?> metadata = AssemblyMetadataReader.Read(typeof(SettingsTests).Assembly.Location);

        Assert.Equal("probe-value", metadata["Keploy.UnitTestProbe"]);
        Assert.Empty(AssemblyMetadataReader.Read(Path.Combine(AppContext.BaseDirectory, "missing.dll")));
    }
}
