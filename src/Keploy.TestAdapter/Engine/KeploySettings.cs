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

    /// <summary>Upper bound on waiting for the app to get ready.</summary>
    public TimeSpan? Delay { get; set; }

    /// <summary>URL polled until 2xx before the first request.</summary>
    public string? HealthUrl { get; set; }

    /// <summary>Folder holding <c>keploy/</c>; default the test assembly's folder.</summary>
    public string? KeployPath { get; set; }

    /// <summary>Mock proxy port.</summary>
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
    public string? ResolveAppCommand(string testDirectory)
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
        string arguments = string.IsNullOrWhiteSpace(AppArguments) ? "" : " " + AppArguments.Trim();
        if (File.Exists(dll))
        {
            return $"dotnet \"{dll}\"{arguments}";
        }

        return $"dotnet run --project \"{AppProject}\"" + (arguments.Length == 0 ? "" : " --" + arguments);
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
