using System.Net;
using System.Net.Sockets;
using System.Xml.Linq;

namespace Keploy.TestAdapter.Tests;

/// <summary>
/// Real <c>dotnet test</c> runs of a throw-away test project that references the locally packed Keploy.TestAdapter
/// (nunit3-vs-adapter's IsolatedWorkspace habit).
/// </summary>
[Collection(PackedAdapterCollection.Name)]
[Trait("Category", "Acceptance")]
public sealed class AcceptanceTests(PackedAdapterFixture packed)
{
    private const string EngineMissing = "replay engine is not available";

    private string CreateWorkspace(int appPort)
    {
        string root = AdapterTestPaths.NewTempDirectory("keploy-ws");
        packed.WriteNuGetConfig(root);
        string project = Path.Combine(root, "Api.Tests");
        Directory.CreateDirectory(project);
        File.WriteAllText(Path.Combine(project, "Api.Tests.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <IsTestProject>true</IsTestProject>
                <KeployAppCommand>python3 -m http.server {appPort} --bind 127.0.0.1</KeployAppCommand>
                <KeployHealthUrl>http://127.0.0.1:{appPort}/hello.json</KeployHealthUrl>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.0.1" />
                <PackageReference Include="Keploy.TestAdapter" Version="{packed.Version}" />
                <None Include="hello.json" CopyToOutputDirectory="PreserveNewest" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(project, "hello.json"), "{\"greeting\":\"hello\"}");
        string url = $"http://127.0.0.1:{appPort}/hello.json";
        AdapterTestPaths.WriteTestCase(project, "test-set-0", "test-1", name: "get-hello", url: url, body: "{\\\"greeting\\\":\\\"hello\\\"}");
        AdapterTestPaths.WriteTestCase(project, "test-set-0", "test-2", name: "get-hello-changed", url: url, body: "{\\\"greeting\\\":\\\"changed\\\"}");
        AdapterTestPaths.WriteTestCase(project, "test-set-1", "test-1", name: "get-hello-again", url: url, body: "{\\\"greeting\\\":\\\"hello\\\"}");
        return project;
    }

    private static int FreePort()
    {
        using TcpListener listener = new(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public void ListTests_ShowsEveryRecordedCase()
    {
        string project = CreateWorkspace(FreePort());

        (int exit, string output) = DotnetCli.Run(project, packed.Environment, "test", "--list-tests");

        Assert.True(exit == 0, output);
        Assert.Contains("The following Tests are available:", output);
        foreach (string name in new[] { "get-hello", "get-hello-changed", "get-hello-again" })
        {
            Assert.Contains("    " + name + "\n", output.Replace("\r", ""));
        }
    }

    [Fact]
    public void Test_WritesOneTrxResultPerCase_ChangedResponseFailsWithTheDiff()
    {
        string project = CreateWorkspace(FreePort());

        (_, string output) = DotnetCli.Run(project, packed.Environment, "test", "--logger", "trx;LogFileName=run.trx");

        string trx = Path.Combine(project, "TestResults", "run.trx");
        Assert.True(File.Exists(trx), output);
        XDocument doc = XDocument.Load(trx);
        XNamespace ns = doc.Root!.Name.Namespace;
        Dictionary<string, XElement> results = doc.Descendants(ns + "UnitTestResult").ToDictionary(r => (string)r.Attribute("testName")!);
        Assert.Equal(new[] { "get-hello", "get-hello-again", "get-hello-changed" }, results.Keys.Order());
        string Message(string name) => results[name].Descendants(ns + "Message").FirstOrDefault()?.Value ?? "";

        if (Message("get-hello").Contains(EngineMissing, StringComparison.Ordinal))
        {
            // ReplayRunner not merged yet: the plumbing (discovery → executor → TRX message) is what can be checked.
            Assert.All(results.Values, r => Assert.Equal("Failed", (string)r.Attribute("outcome")!));
            return;
        }

        Assert.Equal("Passed", (string)results["get-hello"].Attribute("outcome")!);
        Assert.Equal("Passed", (string)results["get-hello-again"].Attribute("outcome")!);
        Assert.Equal("Failed", (string)results["get-hello-changed"].Attribute("outcome")!);
        Assert.Contains("changed", Message("get-hello-changed"));
    }
}
