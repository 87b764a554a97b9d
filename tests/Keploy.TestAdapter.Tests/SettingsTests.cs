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
    public void AssemblyMetadataReader_ReadsWithoutLoading()
    {
        IReadOnlyDictionary<string, string?> metadata = AssemblyMetadataReader.Read(typeof(SettingsTests).Assembly.Location);

        Assert.Equal("probe-value", metadata["Keploy.UnitTestProbe"]);
        Assert.Empty(AssemblyMetadataReader.Read(Path.Combine(AppContext.BaseDirectory, "missing.dll")));
    }
}
