using System.Globalization;
using System.Xml;

namespace Keploy.TestAdapter.Engine;

/// <summary>
/// How the adapter starts and replays the app. Read from, lowest priority first: the test assembly's
/// <c>[AssemblyMetadata("Keploy.*", ...)]</c> (written by the package targets from MSBuild properties <c>KeployAppCommand</c>,
/// <c>KeployAppProject</c>, <c>KeployAppArguments</c>, <c>KeployDelay</c>, <c>KeployHealthUrl</c>, <c>KeployPath</c>, <c>KeployProxyPort</c>), then the RunSettings
/// section <c>&lt;RunSettings&gt;&lt;Keploy&gt;&lt;AppCommand&gt;...</c> (also settable as <c>dotnet test -- Keploy.AppCommand="..."</c>).
/// </summary>
internal sealed class KeploySettings
{
    /// <summary>Shell command that starts the app (run through <c>/bin/sh -c</c>).</summary>
    public string? AppCommand { get; set; }

    /// <summary>The app's project (name or path of its .csproj). When its dll is in the test output the app runs as <c>dotnet &lt;dll&gt;</c>.</summary>
    public string? AppProject { get; set; }

    /// <summary>Arguments appended to the command resolved from <see cref="AppProject"/> (e.g. <c>--urls http://127.0.0.1:5100</c>); not
    /// applied to <see cref="AppCommand"/>, which is taken as written.</summary>
    public string? AppArguments { get; set; }

    /// <summary>Upper bound on waiting for the app to get ready; null = keploy.yml's <c>test.delay</c>, else
    /// <see cref="ReplayRunnerReplayer.DefaultDelay"/>.</summary>
    public TimeSpan? Delay { get; set; }

    /// <summary>URL polled until 2xx before the first request.</summary>
    public string? HealthUrl { get; set; }

    /// <summary>Folder holding <c>keploy/</c>; default the test assembly's folder.</summary>
    public string? KeployPath { get; set; }

    /// <summary>Mock proxy port; null = keploy.yml's <c>proxyPort</c>, else a free port.</summary>
    public int? ProxyPort { get; set; }

    /// <summary>Port the recorded requests are sent to instead of the recorded one (Keploy's <c>--port</c>); null keeps the recorded port.</summary>
    public int? Port { get; set; }

    /// <summary>The project folder (<c>Keploy.SourceRoot</c>) for mapping output copies back to source YAML.</summary>
    public string? SourceRoot { get; set; }

    /// <summary>Applies <c>Keploy.*</c> assembly metadata.</summary>
    public void ApplyAssemblyMetadata(IReadOnlyDictionary<string, string?> metadata)
    {
        foreach ((string key, string? value) in metadata)
        {
            if (key.StartsWith("Keploy.", StringComparison.Ordinal))
            {
                Set(key["Keploy.".Length..], value, $"assembly metadata {key}");
            }
        }
    }

    /// <summary>Applies the <c>&lt;Keploy&gt;</c> section of RunSettings XML.</summary>
    /// <exception cref="FormatException">The XML is malformed or a value does not parse; the message names the element.</exception>
    public void ApplyRunSettings(string? settingsXml)
    {
        if (string.IsNullOrWhiteSpace(settingsXml))
        {
            return;
        }

        XmlDocument document = new();
        try
        {
            document.LoadXml(settingsXml);
        }
        catch (XmlException e)
        {
            throw new FormatException($"RunSettings:{e.LineNumber}:{e.LinePosition}: {e.Message}");
        }

        XmlNode? section = document.SelectSingleNode("/RunSettings/Keploy");
        if (section is null)
        {
            return;
        }

        foreach (XmlNode child in section.ChildNodes)
        {
            if (child.NodeType == XmlNodeType.Element)
            {
                Set(child.Name, child.InnerText.Trim(), $"RunSettings <Keploy><{child.Name}>");
            }
        }
    }

    /// <summary>
    /// The command that starts the app: <see cref="AppCommand"/>, else <c>dotnet "&lt;testDir&gt;/&lt;App&gt;.dll"</c> when the app project is
    /// referenced (its dll is in the test output, so coverlet's instrumented copy runs), else <c>dotnet run --project &lt;AppProject&gt;</c>.
    /// Null when neither is set (the app is assumed to be running already).
    /// </summary>
    public string? ResolveAppCommand(string testDirectory) => ResolveAppCommand(testDirectory, null);

    /// <summary>
    /// As <see cref="ResolveAppCommand(string)"/>; when <paramref name="listenUrl"/> is given (<c>http://&lt;recorded host&gt;:&lt;port&gt;</c>)
    /// and the app is an ASP.NET Core app resolved from <see cref="AppProject"/>, <c>--urls &lt;listenUrl&gt;</c> is appended so the app
    /// listens where the requests were recorded (a command-line <c>--urls</c> wins over launchSettings.json and ASPNETCORE_URLS). Nothing is
    /// appended to <see cref="AppCommand"/> (taken as written) or when <see cref="AppArguments"/> already carries <c>--urls</c>.
    /// </summary>
    /// <param name="testDirectory">Folder searched for <c>&lt;App&gt;.dll</c> (the test output).</param>
    /// <param name="listenUrl">Where the app should listen, or null to leave its address alone.</param>
    public string? ResolveAppCommand(string testDirectory, string? listenUrl)
    {
        if (!string.IsNullOrWhiteSpace(AppCommand))
        {
            return AppCommand;
        }

        if (string.IsNullOrWhiteSpace(AppProject))
        {
            return null;
        }

        string name = Path.GetFileNameWithoutExtension(AppProject.TrimEnd('/', '\\'));
        string dll = Path.Combine(testDirectory, name + ".dll");
        bool referenced = File.Exists(dll);
        string arguments = string.IsNullOrWhiteSpace(AppArguments) ? "" : " " + AppArguments.Trim();
        if (listenUrl is not null && !GivesUrls(AppArguments) &&
            (referenced ? IsAspNetCoreDll(Path.Combine(testDirectory, name + ".runtimeconfig.json")) : IsAspNetCoreProject(AppProject)))
        {
            arguments += " --urls " + listenUrl;
        }

        if (referenced)
        {
            return $"dotnet \"{dll}\"{arguments}";
        }

        return $"dotnet run --project \"{AppProject}\"" + (arguments.Length == 0 ? "" : " --" + arguments);
    }

    /// <summary>True when <paramref name="arguments"/> set the app's address themselves (<c>--urls</c>, <c>--urls=</c>).</summary>
    internal static bool GivesUrls(string? arguments) =>
        arguments is not null && arguments.Contains("--urls", StringComparison.OrdinalIgnoreCase);

    /// <summary>An ASP.NET Core app's runtimeconfig.json names the <c>Microsoft.AspNetCore.App</c> shared framework.</summary>
    private static bool IsAspNetCoreDll(string runtimeConfig)
    {
        try
        {
            return File.Exists(runtimeConfig) && File.ReadAllText(runtimeConfig).Contains("Microsoft.AspNetCore.App", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>An ASP.NET Core project uses the Web SDK (<c>Microsoft.NET.Sdk.Web</c>) or references the ASP.NET Core framework.</summary>
    private static bool IsAspNetCoreProject(string project)
    {
        try
        {
            if (!File.Exists(project))
            {
                return false;
            }

            string text = File.ReadAllText(project);
            return text.Contains("Microsoft.NET.Sdk.Web", StringComparison.OrdinalIgnoreCase) ||
                   text.Contains("Microsoft.AspNetCore.App", StringComparison.OrdinalIgnoreCase);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private void Set(string name, string? value, string where)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        switch (name)
        {
            case "AppCommand":
                AppCommand = value;
                break;
            case "AppProject":
                AppProject = value;
                break;
            case "AppArguments":
                AppArguments = value;
                break;
            case "HealthUrl":
                HealthUrl = value;
                break;
            case "KeployPath":
            case "Path":
                KeployPath = value;
                break;
            case "SourceRoot":
                SourceRoot = value;
                break;
            case "Delay":
                // Keploy's --delay is in seconds; "00:00:10" also accepted.
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds >= 0)
                {
                    Delay = TimeSpan.FromSeconds(seconds);
                }
                else if (TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out TimeSpan span))
                {
                    Delay = span;
                }
                else
                {
                    throw new FormatException($"{where}: '{value}' is not a number of seconds");
                }

                break;
            case "ProxyPort":
                ProxyPort = ParsePort(value, where);
                break;
            case "Port":
                Port = ParsePort(value, where);
                break;
            default:
                // Unknown keys are ignored so newer settings do not break older adapters.
                break;
        }
    }

    private static int ParsePort(string value, string where)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            throw new FormatException($"{where}: '{value}' is not a port (1-65535)");
        }

        return port;
    }
}
