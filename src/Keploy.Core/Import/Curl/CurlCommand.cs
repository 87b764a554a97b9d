using System.Net;
using System.Text;

namespace Keploy.Core.Import.Curl;

/// <summary>
/// Reads curl command lines into requests: the words as a POSIX shell splits them (single quotes literal; double quotes with
/// <c>\"</c>, <c>\\</c>, <c>\$</c>, <c>\`</c> and also <c>\n</c>, <c>\r</c>, <c>\t</c>, because Keploy's <c>curl:</c> blocks write
/// bodies Go-quoted; <c>$'...'</c> ANSI-C strings; backslash-newline continuations), then curl's options: <c>-X/--request</c>,
/// <c>--url</c> or the first bare word, <c>-H/--header</c>, <c>-d/--data</c>, <c>--data-raw</c>, <c>--data-binary</c>,
/// <c>--data-ascii</c>, <c>--data-urlencode</c>, <c>--json</c>, <c>-F/--form</c> (text fields), <c>-u/--user</c>,
/// <c>-b/--cookie</c>, <c>-A/--user-agent</c>, <c>-e/--referer</c>, <c>-G/--get</c>, <c>-I/--head</c>; output and transport
/// options (<c>-s</c>, <c>-k</c>, <c>-L</c>, <c>-o</c>, <c>--compressed</c>, ...) are accepted and have no effect on the request.
/// Source: curl(1) manual, "OPTIONS".
/// </summary>
public static class CurlCommand
{
    private static readonly HashSet<string> IgnoredFlags = new(StringComparer.Ordinal)
    {
        "-s", "--silent", "-S", "--show-error", "-k", "--insecure", "-L", "--location", "-v", "--verbose", "--compressed", "-i", "--include",
        "-f", "--fail", "--fail-with-body", "--http1.1", "--http1.0", "--http2", "-N", "--no-buffer", "-#", "--progress-bar", "-g", "--globoff",
        "--location-trusted", "--no-keepalive", "--tcp-nodelay", "-q",
    };

    private static readonly HashSet<string> IgnoredWithValue = new(StringComparer.Ordinal)
    {
        "-o", "--output", "-m", "--max-time", "--connect-timeout", "-w", "--write-out", "--retry", "--retry-delay", "--retry-max-time",
        "--cacert", "--capath", "--cert", "--key", "--cert-type", "--key-type", "-D", "--dump-header", "--max-redirs", "--limit-rate", "-c", "--cookie-jar",
        "--trace", "--trace-ascii", "--stderr",
    };

    /// <summary>
    /// Splits a text of curl commands into commands: lines ending in a backslash continue on the next line; blank lines and lines
    /// starting with <c>#</c> between commands are skipped; each command starts with the word <c>curl</c>.
    /// </summary>
    /// <returns>Each command's text and the 1-based line it starts on.</returns>
    public static List<(string Text, int Line)> SplitCommands(string text)
    {
        List<(string, int)> commands = new();
        StringBuilder current = new();
        int start = 0;
        string[] lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (current.Length == 0)
            {
                string trimmed = line.Trim();
                if (trimmed.Length == 0 || trimmed.StartsWith('#'))
                {
                    continue;
                }

                start = i + 1;
            }

            // An odd number of trailing backslashes continues the command (an even number is escaped backslashes).
            int slashes = line.Length - line.TrimEnd('\\').Length;
            if (slashes % 2 == 1)
            {
                current.Append(line, 0, line.Length - 1).Append(' ');
                continue;
            }

            current.Append(line);
            if (QuotesOpen(current.ToString()))
            {
                current.Append('\n'); // a quoted body spanning lines
                continue;
            }

            commands.Add((current.ToString(), start));
            current.Clear();
        }

        if (current.Length > 0)
        {
            commands.Add((current.ToString(), start));
        }

        return commands;
    }

    /// <summary>Parses one curl command.</summary>
    /// <param name="command">The command text (starting with <c>curl</c>).</param>
    /// <param name="name">The request's name in messages and the test case (<c>curl #3</c>).</param>
    /// <param name="where">The place for errors (<c>requests.txt:4</c>).</param>
    /// <exception cref="ImportException">Unbalanced quotes, no URL, an option without its value, an unknown option, or a file
    /// reference (<c>-d @file</c>, <c>-F name=@file</c>).</exception>
    public static ImportedRequest Parse(string command, string name, string where)
    {
        List<string> words = Words(command, where);
        if (words.Count == 0 || words[0] != "curl")
        {
            throw new ImportException($"{where}: not a curl command (it starts with '{(words.Count > 0 ? words[0] : "")}')");
        }

        string? method = null;
        string? url = null;
        bool get = false;
        bool head = false;
        List<KeyValuePair<string, string>> headers = new();
        List<string> data = new();
        List<(string Name, string Value)> form = new();
        bool json = false;
        for (int i = 1; i < words.Count; i++)
        {
            string word = words[i];
            string? inlineValue = null;
            if (word.StartsWith("--", StringComparison.Ordinal) && word.Contains('=', StringComparison.Ordinal) && !word.StartsWith("--data", StringComparison.Ordinal) && word != "--json")
            {
                int eq = word.IndexOf('=', StringComparison.Ordinal);
                inlineValue = word[(eq + 1)..];
                word = word[..eq];
            }
            else if (word.Length > 2 && word[0] == '-' && word[1] != '-' && "XHdAeubFo".Contains(word[1], StringComparison.Ordinal))
            {
                inlineValue = word[2..]; // -XPOST, -H'Accept: x'
                word = word[..2];
            }

            string Value()
            {
                if (inlineValue is not null)
                {
                    return inlineValue;
                }

                if (i + 1 >= words.Count)
                {
                    throw new ImportException($"{where}: option '{word}' needs a value");
                }

                return words[++i];
            }

            switch (word)
            {
                case "-X" or "--request":
                    method = Value().ToUpperInvariant();
                    break;
                case "--url":
                    url = Value();
                    break;
                case "-H" or "--header":
                {
                    string header = Value();
                    int colon = header.IndexOf(':', StringComparison.Ordinal);
                    if (colon > 0 && colon < header.Length - 1)
                    {
                        headers.Add(new(header[..colon].Trim(), header[(colon + 1)..].Trim()));
                    }
                    else if (header.EndsWith(';'))
                    {
                        headers.Add(new(header.TrimEnd(';').Trim(), "")); // curl's "Name;" sends an empty header
                    }

                    // "Name:" removes an internal header in curl: nothing to send.
                    break;
                }

                case "-d" or "--data" or "--data-ascii" or "--data-binary":
                {
                    string value = Value();
                    if (value.StartsWith('@'))
                    {
                        throw new ImportException($"{where}: '{word} {value}' reads a file; put the body inline to import it");
                    }

                    data.Add(value); // inline values are sent as written (curl strips newlines only from @file data)
                    break;
                }

                case "--data-raw":
                    data.Add(Value());
                    break;
                case "--data-urlencode":
                {
                    string value = Value();
                    int eq = value.IndexOf('=', StringComparison.Ordinal);
                    data.Add(eq < 0 ? WebUtility.UrlEncode(value) : value[..eq] + "=" + WebUtility.UrlEncode(value[(eq + 1)..]));
                    break;
                }

                case "--json":
                    data.Add(Value());
                    json = true;
                    break;
                case "-F" or "--form":
                {
                    string value = Value();
                    int eq = value.IndexOf('=', StringComparison.Ordinal);
                    if (eq < 0)
                    {
                        throw new ImportException($"{where}: '-F {value}' is not name=value");
                    }

                    if (value.Length > eq + 1 && value[eq + 1] is '@' or '<')
                    {
                        throw new ImportException($"{where}: '-F {value}' uploads a file; only text fields can be imported");
                    }

                    form.Add((value[..eq], value[(eq + 1)..]));
                    break;
                }

                case "-u" or "--user":
                    headers.Add(new("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(Value()))));
                    break;
                case "-b" or "--cookie":
                {
                    string cookie = Value();
                    if (!cookie.Contains('=', StringComparison.Ordinal))
                    {
                        throw new ImportException($"{where}: '-b {cookie}' reads a cookie file; give the cookies as name=value");
                    }

                    headers.Add(new("Cookie", cookie));
                    break;
                }

                case "-A" or "--user-agent":
                    headers.Add(new("User-Agent", Value()));
                    break;
                case "-e" or "--referer":
                    headers.Add(new("Referer", Value()));
                    break;
                case "-G" or "--get":
                    get = true;
                    break;
                case "-I" or "--head":
                    head = true;
                    break;
                default:
                    if (IgnoredFlags.Contains(word))
                    {
                        break;
                    }

                    if (IgnoredWithValue.Contains(word))
                    {
                        Value();
                        break;
                    }

                    if (word.StartsWith('-') && word.Length > 1)
                    {
                        throw new ImportException($"{where}: curl option '{word}' is not understood by import");
                    }

                    url ??= word;
                    break;
            }
        }

        if (string.IsNullOrWhiteSpace(url))
        {
            throw new ImportException($"{where}: no URL");
        }

        url = url.Contains("://", StringComparison.Ordinal) ? url : "http://" + url;
        byte[] body = Array.Empty<byte>();
        if (get && data.Count > 0)
        {
            url += (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + string.Join('&', data);
            data.Clear();
        }

        if (data.Count > 0)
        {
            body = Encoding.UTF8.GetBytes(string.Join('&', data));
            AddIfMissing(headers, "Content-Type", json ? "application/json" : "application/x-www-form-urlencoded");
            if (json)
            {
                AddIfMissing(headers, "Accept", "application/json");
            }
        }
        else if (form.Count > 0)
        {
            string boundary = "keploy-" + Guid.NewGuid().ToString("N");
            StringBuilder sb = new();
            foreach ((string field, string value) in form)
            {
                sb.Append("--").Append(boundary).Append("\r\nContent-Disposition: form-data; name=\"").Append(field).Append("\"\r\n\r\n").Append(value).Append("\r\n");
            }

            sb.Append("--").Append(boundary).Append("--\r\n");
            body = Encoding.UTF8.GetBytes(sb.ToString());
            headers.RemoveAll(h => string.Equals(h.Key, "Content-Type", StringComparison.OrdinalIgnoreCase));
            headers.Add(new("Content-Type", "multipart/form-data; boundary=" + boundary));
        }

        method ??= head ? "HEAD" : get ? "GET" : body.Length > 0 ? "POST" : "GET";
        return new ImportedRequest(name, method, url, headers, body);
    }

    /// <summary>Splits a command into words as a POSIX shell does (no expansion: <c>$VAR</c> stays as written).</summary>
    /// <exception cref="ImportException">A quote is not closed.</exception>
    public static List<string> Words(string command, string where)
    {
        List<string> words = new();
        StringBuilder word = new();
        bool inWord = false;
        int i = 0;
        while (i < command.Length)
        {
            char c = command[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }

                i++;
                continue;
            }

            inWord = true;
            if (c == '\'')
            {
                int end = command.IndexOf('\'', i + 1);
                if (end < 0)
                {
                    throw new ImportException($"{where}: a single quote is not closed");
                }

                word.Append(command, i + 1, end - i - 1);
                i = end + 1;
            }
            else if (c == '$' && i + 1 < command.Length && command[i + 1] == '\'')
            {
                i = AnsiC(command, i + 2, word, where);
            }
            else if (c == '"')
            {
                i++;
                while (true)
                {
                    if (i >= command.Length)
                    {
                        throw new ImportException($"{where}: a double quote is not closed");
                    }

                    char d = command[i];
                    if (d == '"')
                    {
                        i++;
                        break;
                    }

                    if (d == '\\' && i + 1 < command.Length)
                    {
                        char n = command[i + 1];
                        switch (n)
                        {
                            case '"' or '\\' or '$' or '`':
                                word.Append(n);
                                break;
                            case 'n':
                                word.Append('\n');
                                break;
                            case 'r':
                                word.Append('\r');
                                break;
                            case 't':
                                word.Append('\t');
                                break;
                            case '\n':
                                break; // continuation inside quotes
                            default:
                                word.Append('\\').Append(n);
                                break;
                        }

                        i += 2;
                        continue;
                    }

                    word.Append(d);
                    i++;
                }
            }
            else if (c == '\\' && i + 1 < command.Length)
            {
                if (command[i + 1] != '\n')
                {
                    word.Append(command[i + 1]);
                }

                i += 2;
            }
            else
            {
                word.Append(c);
                i++;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    private static int AnsiC(string command, int i, StringBuilder word, string where)
    {
        while (i < command.Length)
        {
            char c = command[i];
            if (c == '\'')
            {
                return i + 1;
            }

            if (c == '\\' && i + 1 < command.Length)
            {
                char n = command[i + 1];
                i += 2;
                switch (n)
                {
                    case 'n': word.Append('\n'); break;
                    case 'r': word.Append('\r'); break;
                    case 't': word.Append('\t'); break;
                    case '\\': word.Append('\\'); break;
                    case '\'': word.Append('\''); break;
                    case '"': word.Append('"'); break;
                    case 'x' when i + 1 < command.Length && IsHex(command[i]) && IsHex(command[i + 1]):
                        word.Append((char)Convert.ToInt32(command.Substring(i, 2), 16));
                        i += 2;
                        break;
                    case 'u' when i + 3 < command.Length && command.Substring(i, 4).All(IsHex):
                        word.Append((char)Convert.ToInt32(command.Substring(i, 4), 16));
                        i += 4;
                        break;
                    default: word.Append('\\').Append(n); break;
                }

                continue;
            }

            word.Append(c);
            i++;
        }

        throw new ImportException($"{where}: a $'...' quote is not closed");
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static bool QuotesOpen(string text)
    {
        try
        {
            Words(text, "");
            return false;
        }
        catch (ImportException)
        {
            return true;
        }
    }

    private static void AddIfMissing(List<KeyValuePair<string, string>> headers, string name, string value)
    {
        if (!headers.Any(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)))
        {
            headers.Add(new(name, value));
        }
    }
}
