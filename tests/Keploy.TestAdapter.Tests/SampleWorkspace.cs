using System.Net;
using System.Net.Sockets;
using System.Xml.Linq;

namespace Keploy.TestAdapter.Tests;

/// <summary>
/// A throw-away copy of samples/Orders.Tests and samples/Orders (with Directory.Build.props) that takes Keploy.TestAdapter from the
/// locally packed package (<c>-p:KeployTestAdapterVersion</c>), so <c>dotnet test</c> runs exactly what a user gets.
/// The app gets a free port (RunSettings <c>Keploy.Port</c>) and the mock proxy a free port of the adapter's choosing (keploy.yml's
/// <c>proxyPort</c> is removed from the copy), so parallel CI runs do not clash.
/// </summary>
internal sealed class SampleWorkspace
{
    private readonly PackedAdapterFixture _packed;

    public SampleWorkspace(PackedAdapterFixture packed)
    {
        _packed = packed;
        Root = AdapterTestPaths.NewTempDirectory("keploy-sample");
        string repo = AdapterTestPaths.RepoRoot;
        File.Copy(Path.Combine(repo, "Directory.Build.props"), Path.Combine(Root, "Directory.Build.props"));
        CopyProject(Path.Combine(repo, "samples", "Orders"), Path.Combine(Root, "samples", "Orders"));
        CopyProject(Path.Combine(repo, "samples", "Orders.Tests"), Path.Combine(Root, "samples", "Orders.Tests"));
        packed.WriteNuGetConfig(Root);

        // No proxyPort in keploy.yml and none in the settings: the adapter binds the mock proxy on a free port and the eBPF redirect
        // must follow it, or Catalog's calls find no mocks.
        string config = Path.Combine(TestProject, "keploy.yml");
        string[] lines = File.ReadAllLines(config);
        File.WriteAllLines(config, lines.Where(l => !l.StartsWith("proxyPort:", StringComparison.Ordinal)));
        if (lines.Length == File.ReadAllLines(config).Length)
        {
            throw new InvalidOperationException($"{config} has no proxyPort line to remove; update SampleWorkspace");
        }
    }

    public string Root { get; }

    public string TestProject => Path.Combine(Root, "samples", "Orders.Tests");

    public string TestsDirectory => Path.Combine(TestProject, "keploy", "test-set-0", "tests");

    /// <summary>Runs <c>dotnet test</c> with a TRX logger and the Keploy RunSettings for free ports; returns the parsed TRX results.</summary>
    public (string Output, string ResultsDirectory, Dictionary<string, TrxResult> Results) Test(params string[] extra)
    {
        int appPort = FreePort();
        string results = Path.Combine(TestProject, "TestResults", Guid.NewGuid().ToString("N"));
        List<string> arguments = new()
        {
            "test", "-p:KeployTestAdapterVersion=" + _packed.Version, "--logger", "trx;LogFileName=run.trx", "--results-directory", results,
        };
        arguments.AddRange(extra);
        arguments.AddRange(new[]
        {
            "--",
            $"Keploy.Port={appPort}",
            $"Keploy.AppArguments=--urls http://127.0.0.1:{appPort}",
            $"Keploy.HealthUrl=http://127.0.0.1:{appPort}/health",
        });
        (_, string output) = DotnetCli.Run(TestProject, _packed.Environment, arguments.ToArray());
        string trx = Path.Combine(results, "run.trx");
        if (!File.Exists(trx))
        {
            throw new InvalidOperationException("no TRX written:\n" + output);
        }

        XDocument doc = XDocument.Load(trx);
        XNamespace ns = doc.Root!.Name.Namespace;
        Dictionary<string, TrxResult> parsed = doc.Descendants(ns + "UnitTestResult").ToDictionary(
            r => (string)r.Attribute("testName")!,
            r => new TrxResult((string)r.Attribute("outcome")!, r.Element(ns + "Output")?.Element(ns + "ErrorInfo")?.Element(ns + "Message")?.Value ?? ""));
        return (output, results, parsed);
    }

    /// <summary>
    /// Adds samples/Orders.MtpTests: a Microsoft.Testing.Platform test app (Microsoft.Testing.Platform.MSBuild generates its entry point from the
    /// package's TestingPlatformBuilderHook item) holding a copy of Orders.Tests' recording, plus a global.json that makes <c>dotnet test</c>
    /// use MTP and a runsettings file with free ports. Returns the project folder.
    /// </summary>
    public string AddTestingPlatformProject(out string runSettings)
    {
        string project = Path.Combine(Root, "samples", "Orders.MtpTests");
        CopyProject(Path.Combine(TestProject, "keploy"), Path.Combine(project, "keploy"));
        File.Copy(Path.Combine(TestProject, "keploy.yml"), Path.Combine(project, "keploy.yml"));
        File.WriteAllText(Path.Combine(project, "Orders.MtpTests.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <IsTestProject>true</IsTestProject>
                <IsTestingPlatformApplication>true</IsTestingPlatformApplication>
                <KeployAppProject>../Orders/Orders.csproj</KeployAppProject>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Microsoft.Testing.Platform.MSBuild" Version="2.5.2" />
                <PackageReference Include="Keploy.TestAdapter" Version="{_packed.Version}" />
                <ProjectReference Include="../Orders/Orders.csproj" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(Root, "global.json"), """{ "test": { "runner": "Microsoft.Testing.Platform" } }""");
        int appPort = FreePort();
        runSettings = Path.Combine(project, "keploy.runsettings");
        File.WriteAllText(runSettings, $"""
            <RunSettings>
              <Keploy>
                <Port>{appPort}</Port>
                <AppArguments>--urls http://127.0.0.1:{appPort}</AppArguments>
                <HealthUrl>http://127.0.0.1:{appPort}/health</HealthUrl>
              </Keploy>
            </RunSettings>
            """);
        return project;
    }

    private static void CopyProject(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, file);
            string first = relative.Split(Path.DirectorySeparatorChar)[0];
            if (first is "bin" or "obj" or "TestResults")
            {
                continue;
            }

            string target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static int FreePort()
    {
        using TcpListener listener = new(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One TRX UnitTestResult: outcome and ErrorInfo/Message.</summary>
internal sealed record TrxResult(string Outcome, string Message);
