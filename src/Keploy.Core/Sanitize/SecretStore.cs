using System.Text;
using Keploy.Core.Models;
using Keploy.Core.Storage;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Sanitize;

/// <summary>
/// The secrets of one test-set: <c>keploy/test-set-N/secret.yaml</c>, a flat mapping from key to the recorded value, as Keploy's
/// <c>sanitize</c> writes it (<c>Authorization: "Bearer eyJ..."</c>). One key per distinct value: the same token seen in fifty test
/// cases is one entry, named after the first field it was found in (<c>Authorization</c>), with <c>_2</c>, <c>_3</c>, ... for other values
/// of a field of that name. Thread-safe: record mode's writers add from several tasks.
/// </summary>
/// <remarks>
/// When a store has a path, every new key rewrites the file at once (temp file, fsync, rename; mode 0600) and makes sure
/// <c>keploy/.gitignore</c> ignores <c>/*/secret.yaml</c>: the value is on disk before any document that names its placeholder is
/// queued for writing, so a crash never leaves a placeholder whose value was lost.
/// </remarks>
public sealed class SecretStore
{
    /// <summary>The file name, <c>secret.yaml</c>.</summary>
    public const string FileName = "secret.yaml";

    /// <summary>The line of <c>keploy/.gitignore</c> that keeps every test-set's secrets out of git (Keploy's pattern).</summary>
    public const string GitIgnoreLine = "/*/secret.yaml";

    private readonly object _lock = new();
    private readonly Dictionary<string, string> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _byValue = new(StringComparer.Ordinal);
    private readonly List<string> _order = new();

    /// <summary>Creates an empty store that writes to <paramref name="path"/> when keys are added (null: memory only).</summary>
    public SecretStore(string? path = null)
    {
        Path = path;
    }

    /// <summary>The <c>secret.yaml</c> this store writes, or null for a store kept in memory (masking reports).</summary>
    public string? Path { get; }

    /// <summary>Number of keys.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _order.Count;
            }
        }
    }

    /// <summary>The keys and values in the order they were added.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Entries
    {
        get
        {
            lock (_lock)
            {
                return _order.Select(k => new KeyValuePair<string, string>(k, _byKey[k])).ToList();
            }
        }
    }

    /// <summary>The path of a test-set's <c>secret.yaml</c>.</summary>
    public static string PathFor(TestSetStore store, string testSetId) => System.IO.Path.Combine(store.TestSetDirectory(testSetId), FileName);

    /// <summary>
    /// Opens the store of a file: reads it when it exists (keys and values kept), else starts empty. New keys are written back to it.
    /// </summary>
    /// <exception cref="KeployFormatException">The file is not a mapping of scalars (file:line:column).</exception>
    public static SecretStore Open(string path)
    {
        SecretStore store = new(path);
        if (File.Exists(path))
        {
            foreach (KeyValuePair<string, string> pair in ReadFile(path))
            {
                store.AddLoaded(pair.Key, pair.Value);
            }
        }

        return store;
    }

    /// <summary>Reads a <c>secret.yaml</c>: key to value, in file order.</summary>
    /// <exception cref="KeployFormatException">The file is not a mapping of scalar keys to scalar values.</exception>
    public static List<KeyValuePair<string, string>> ReadFile(string path)
    {
        List<KeyValuePair<string, string>> result = new();
        YamlNode? root = KeployYaml.ReadSingle(path);
        if (root is null)
        {
            return result;
        }

        if (root is not YamlMappingNode map)
        {
            throw new KeployFormatException(new SourceLocation(path, (int)root.Start.Line, (int)root.Start.Column), "secret.yaml must be a mapping of key: value");
        }

        foreach (KeyValuePair<YamlNode, YamlNode> pair in map.Children)
        {
            if (pair.Key is not YamlScalarNode k || pair.Value is not YamlScalarNode v)
            {
                throw new KeployFormatException(new SourceLocation(path, (int)pair.Key.Start.Line, (int)pair.Key.Start.Column), "secret.yaml entries must be key: \"value\" scalars");
            }

            result.Add(new(k.Value ?? "", v.Value ?? ""));
        }

        return result;
    }

    /// <summary>The value recorded for <paramref name="key"/>, or null.</summary>
    public string? Get(string key)
    {
        lock (_lock)
        {
            return _byKey.TryGetValue(key, out string? v) ? v : null;
        }
    }

    /// <summary>The key already holding <paramref name="value"/>, or null.</summary>
    public string? KeyOf(string value)
    {
        lock (_lock)
        {
            return _byValue.TryGetValue(value, out string? k) ? k : null;
        }
    }

    /// <summary>
    /// The key for <paramref name="value"/>: the existing one when the value is known, else a new key <paramref name="baseKey"/>
    /// (or <c>baseKey_2</c>, <c>_3</c>, ... when taken), written to <see cref="Path"/> before this returns.
    /// </summary>
    /// <exception cref="IOException">secret.yaml could not be written.</exception>
    public string KeyFor(string baseKey, string value)
    {
        lock (_lock)
        {
            if (_byValue.TryGetValue(value, out string? existing))
            {
                return existing;
            }

            string key = baseKey;
            for (int i = 2; _byKey.ContainsKey(key); i++)
            {
                key = baseKey + "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            _byKey[key] = value;
            _byValue[value] = key;
            _order.Add(key);
            if (Path is not null)
            {
                WriteLocked();
            }

            return key;
        }
    }

    /// <summary>Writes the file now (also when empty), with <c>keploy/.gitignore</c>. No-op for a memory-only store.</summary>
    /// <exception cref="IOException">The file could not be written.</exception>
    public void Save()
    {
        lock (_lock)
        {
            if (Path is not null)
            {
                WriteLocked();
            }
        }
    }

    /// <summary>
    /// Makes sure <c>&lt;keploy&gt;/.gitignore</c> has <see cref="GitIgnoreLine"/>: creates the file (mode 0600) or appends the line.
    /// </summary>
    /// <exception cref="IOException">The file could not be written.</exception>
    public static void EnsureGitIgnore(string keployDirectory)
    {
        string path = System.IO.Path.Combine(keployDirectory, ".gitignore");
        if (File.Exists(path))
        {
            string text = File.ReadAllText(path);
            if (text.Split('\n').Any(l => l.Trim() == GitIgnoreLine))
            {
                return;
            }

            File.AppendAllText(path, (text.Length == 0 || text.EndsWith('\n') ? "" : "\n") + GitIgnoreLine + "\n");
            return;
        }

        WriteAtomic(path, "# Written by keploy: recorded secrets stay out of git.\n" + GitIgnoreLine + "\n");
    }

    /// <summary>Formats the entries as <c>secret.yaml</c> text (double-quoted values, file order).</summary>
    public string Format()
    {
        lock (_lock)
        {
            return FormatLocked();
        }
    }

    private string FormatLocked()
    {
        YamlMappingNode map = new();
        foreach (string key in _order)
        {
            map.Add(new YamlScalarNode(key), new YamlScalarNode(_byKey[key]) { Style = ScalarStyle.DoubleQuoted });
        }

        return "# Written by keploy: the values behind {{string .secret.<key> }} placeholders of this test-set. Keep out of git.\n"
            + (_order.Count == 0 ? "{}\n" : KeployYaml.FormatFile([map], KeployYaml.TestIndent, header: false));
    }

    private void AddLoaded(string key, string value)
    {
        lock (_lock)
        {
            if (_byKey.TryAdd(key, value))
            {
                _order.Add(key);
                _byValue.TryAdd(value, key);
            }
        }
    }

    private void WriteLocked()
    {
        string full = System.IO.Path.GetFullPath(Path!);
        string dir = System.IO.Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        string? keployDir = System.IO.Path.GetDirectoryName(dir);
        if (keployDir is not null)
        {
            EnsureGitIgnore(keployDir);
        }

        WriteAtomic(full, FormatLocked());
    }

    private static void WriteAtomic(string path, string text)
    {
        string dir = System.IO.Path.GetDirectoryName(path)!;
        string temp = System.IO.Path.Combine(dir, "." + System.IO.Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        FileStreamOptions options = new() { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (FileStream fs = new(temp, options))
            {
                byte[] bytes = new UTF8Encoding(false).GetBytes(text);
                fs.Write(bytes, 0, bytes.Length);
                fs.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temp);
            }
            catch (IOException)
            {
            }

            throw;
        }
    }
}
