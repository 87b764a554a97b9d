using System.Text;

namespace Keploy.Core.Replay.Coverage;

/// <summary>
/// Finds the .NET app in an app command (<c>-c</c>) so that a copy of its build folder can be instrumented: <c>dotnet [exec]
/// [host options] App.dll args</c> or the app's own executable (apphost: <c>bin/Release/net10.0/App</c> beside <c>App.dll</c> and
/// <c>App.runtimeconfig.json</c>), after <c>env NAME=value</c>, <c>exec</c> and <c>NAME=value</c> prefixes. The command is split as
/// /bin/sh would for plain words (single and double quotes, backslash); words holding <c>$</c> or backquotes are never taken as the
/// app. <see cref="WithEntryDirectory"/> rewrites only the app's word, so the rest of the shell text (pipes, <c>&amp;&amp;</c>,
/// variables) stays as typed.
/// </summary>
public sealed class DotnetAppCommand
{
    // dotnet host options that take a value (dotnet --help, "host-options").
    private static readonly HashSet<string> s_hostOptionsWithValue = new(StringComparer.Ordinal)
    {
        "--additionalprobingpath", "--additional-deps", "--depsfile", "--runtimeconfig", "--fx-version", "--roll-forward", "--roll-forward-on-no-candidate-fx",
    };

    private readonly string _command;
    private readonly (int Start, int End) _span;

    private DotnetAppCommand(string command, (int Start, int End) span, string entryDll, bool appHost)
    {
        _command = command;
        _span = span;
        EntryDll = entryDll;
        AppHost = appHost;
    }

    /// <summary>Absolute path of the app's entry assembly (<c>App.dll</c>).</summary>
    public string EntryDll { get; }

    /// <summary>True when the command runs the app's executable rather than <c>dotnet App.dll</c>.</summary>
    public bool AppHost { get; }

    /// <summary>The app's build folder (the entry assembly's folder).</summary>
    public string Directory => Path.GetDirectoryName(EntryDll)!;

    /// <summary>
    /// Reads <paramref name="command"/>; returns the app, or null with <paramref name="reason"/> saying in one line why the command
    /// is not one whose coverage can be collected (not .NET, <c>dotnet run</c>, a dll that does not exist).
    /// </summary>
    /// <param name="command">The app command as given to <c>-c</c>.</param>
    /// <param name="workingDirectory">Where the command runs (relative paths are resolved against it).</param>
    /// <param name="reason">Why not, when null is returned.</param>
    public static DotnetAppCommand? Find(string command, string workingDirectory, out string reason)
    {
        List<(string Text, int Start, int End, bool Plain)> words = Split(command);
        int i = 0;
        while (i < words.Count && (words[i].Text is "env" or "exec" or "nohup" || IsAssignment(words[i].Text)))
        {
            i++;
        }

        if (i >= words.Count)
        {
            reason = "the app command is empty";
            return null;
        }

        string first = words[i].Text;
        if (Path.GetFileName(first) is "dotnet" or "dotnet.exe")
        {
            int j = i + 1;
            if (j < words.Count && words[j].Text == "exec")
            {
                j++;
            }

            while (j < words.Count && words[j].Text.StartsWith('-'))
            {
                j += s_hostOptionsWithValue.Contains(words[j].Text) ? 2 : 1;
            }

            if (j >= words.Count)
            {
                reason = "the app command runs dotnet without an app dll";
                return null;
            }

            (string text, int start, int end, bool plain) = words[j];
            if (text is "run" or "watch" or "test")
            {
                reason = $"`dotnet {text}` builds the app itself; give the built app (dotnet bin/Release/net10.0/<App>.dll) to collect coverage";
                return null;
            }

            string dll = Path.GetFullPath(text, workingDirectory);
            if (!plain || !text.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || !File.Exists(dll))
            {
                reason = $"the app command's `{text}` is not an existing .dll";
                return null;
            }

            reason = "";
            return new DotnetAppCommand(command, (start, end), dll, appHost: false);
        }

        string exe = words[i].Plain ? Path.GetFullPath(first, workingDirectory) : "";
        if (exe.Length > 0 && first.Contains('/') && File.Exists(exe) && File.Exists(exe + ".dll") && File.Exists(exe + ".runtimeconfig.json"))
        {
            reason = "";
            return new DotnetAppCommand(command, (words[i].Start, words[i].End), exe + ".dll", appHost: true);
        }

        reason = $"the app command does not start a .NET app ({first}); coverage is collected for `dotnet <App>.dll` or the app's executable in its build folder";
        return null;
    }

    /// <summary>
    /// The command with the app's word pointing into <paramref name="directory"/> (a copy of <see cref="Directory"/>), single-quoted
    /// for /bin/sh; everything else as given.
    /// </summary>
    public string WithEntryDirectory(string directory)
    {
        string name = AppHost ? Path.GetFileNameWithoutExtension(EntryDll) : Path.GetFileName(EntryDll);
        string path = Path.Combine(directory, name);
        return _command[.._span.Start] + "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'" + _command[_span.End..];
    }

    private static bool IsAssignment(string word)
    {
        int eq = word.IndexOf('=');
        return eq > 0 && word[..eq].All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && !char.IsAsciiDigit(word[0]);
    }

    /// <summary>Words of a /bin/sh command with their spans; <c>Plain</c> is false for words holding expansions (<c>$</c>, backquote).</summary>
    internal static List<(string Text, int Start, int End, bool Plain)> Split(string command)
    {
        List<(string, int, int, bool)> words = new();
        int i = 0;
        while (i < command.Length)
        {
            while (i < command.Length && char.IsWhiteSpace(command[i]))
            {
                i++;
            }

            if (i >= command.Length)
            {
                break;
            }

            if (command[i] is ';' or '&' or '|' or '(' or ')' or '<' or '>')
            {
                int opStart = i;
                while (i < command.Length && command[i] is ';' or '&' or '|' or '(' or ')' or '<' or '>')
                {
                    i++;
                }

                words.Add((command[opStart..i], opStart, i, false));
                continue;
            }

            int start = i;
            bool plain = true;
            StringBuilder text = new();
            while (i < command.Length && !char.IsWhiteSpace(command[i]) && command[i] is not (';' or '&' or '|' or '(' or ')' or '<' or '>'))
            {
                char c = command[i];
                if (c == '\'')
                {
                    int close = command.IndexOf('\'', i + 1);
                    close = close < 0 ? command.Length : close;
                    text.Append(command, i + 1, close - i - 1);
                    i = Math.Min(close + 1, command.Length);
                }
                else if (c == '"')
                {
                    i++;
                    while (i < command.Length && command[i] != '"')
                    {
                        if (command[i] is '$' or '`')
                        {
                            plain = false;
                        }

                        if (command[i] == '\\' && i + 1 < command.Length && command[i + 1] is '"' or '\\' or '$' or '`')
                        {
                            i++;
                        }

                        text.Append(command[i]);
                        i++;
                    }

                    i = Math.Min(i + 1, command.Length);
                }
                else if (c == '\\' && i + 1 < command.Length)
                {
                    text.Append(command[i + 1]);
                    i += 2;
                }
                else
                {
                    if (c is '$' or '`' or '*' or '?' or '~')
                    {
                        plain = false;
                    }

                    text.Append(c);
                    i++;
                }
            }

            words.Add((text.ToString(), start, i, plain));
        }

        return words;
    }
}
