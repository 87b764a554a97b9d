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
    public void AssemblyMetadataReader_ReadsWithoutLoading()
    {
        IReadOnlyDictionary<string, string?> metadata = AssemblyMetadataReader.Read(typeof(SettingsTests).Assembly.Location);

        Assert.Equal("probe-value", metadata["Keploy.UnitTestProbe"]);
        Assert.Empty(AssemblyMetadataReader.Read(Path.Combine(AppContext.BaseDirectory, "missing.dll")));
    }
}
