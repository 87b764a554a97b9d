using System.Globalization;
using Keploy.Core.Diagnostics;

namespace Keploy.Tool;

/// <summary>
/// Console output in Keploy's style: log lines prefixed <c>🐰 Keploy: &lt;time&gt; INFO</c>, colour unless <c>--disable-ansi</c>
/// (or NO_COLOR, or output redirected). A log line's message is always one line with its control characters escaped
/// (<see cref="LogText.Escape"/>): it may quote bytes from the network. Thread-safe.
/// </summary>
internal sealed class ToolConsole
{
    private readonly object _gate = new();

    public ToolConsole(bool ansi, bool debug)
    {
        Ansi = ansi;
        Debug = debug;
    }

    public bool Ansi { get; }

    public bool Debug { get; }

    public static bool DefaultAnsi() =>
        !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));

    public void Info(string message) => Log("INFO", "\u001b[36m", message);

    public void Warn(string message) => Log("WARN", "\u001b[33m", message);

    public void Error(string message) => Log("ERROR", "\u001b[31m", message);

    public void DebugLine(string message)
    {
        if (Debug)
        {
            Log("DEBUG", "\u001b[35m", message);
        }
    }

    /// <summary>Writes text as is (already formatted; may carry ANSI codes when <see cref="Ansi"/>).</summary>
    public void Raw(string text)
    {
        lock (_gate)
        {
            Console.Out.WriteLine(text);
        }
    }

    public string Green(string text) => Ansi ? "\u001b[32m" + text + "\u001b[0m" : text;

    public string Red(string text) => Ansi ? "\u001b[31m" + text + "\u001b[0m" : text;

    private void Log(string level, string colour, string message)
    {
        string time = DateTime.Now.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
        string levelText = Ansi ? colour + level + "\u001b[0m" : level;
        lock (_gate)
        {
            Console.Out.WriteLine($"🐰 Keploy: {time} {levelText} {LogText.Escape(message)}");
        }
    }
}
