using System.Globalization;
using System.Text;
using Keploy.Core.Models;
using Keploy.Core.Proxy;

namespace Keploy.Core.Storage;

/// <summary>
/// Appends recorded mocks to a test-set's <c>mocks.yaml</c> as they complete (record mode). Thread-safe.
/// </summary>
/// <remarks>
/// <para>Each document (with the header line before the first one, a <c>---</c> line before every later one) is formatted in
/// memory and written with <b>one</b> write call, then flushed to the operating system, under a lock. A crash of this process
/// therefore never leaves half a document: the file holds whole documents only (an OS crash or power loss may lose the tail,
/// but not interleave or split documents written by different threads).</para>
/// <para>Names: a mock without a name gets <c>mock-&lt;N&gt;</c>, N counting from one past the highest <c>mock-N</c> already in the
/// file, skipping names already used in the file, so names are unique within the test-set (unlike Keploy bug #4620).</para>
/// </remarks>
public sealed class MockFileWriter : IMockRecorder, IDisposable
{
    private readonly object _lock = new();
    private readonly FileStream _stream;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private long _next;
    private bool _empty;
    private bool _disposed;

    /// <summary>Opens (creating when missing) <paramref name="mocksPath"/> for appending. Reads existing names to continue the numbering.</summary>
    /// <exception cref="KeployFormatException">The existing file is malformed.</exception>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public MockFileWriter(string mocksPath)
    {
        Path = System.IO.Path.GetFullPath(mocksPath);
        if (File.Exists(Path) && new FileInfo(Path).Length > 0)
        {
            foreach ((YamlDotNet.RepresentationModel.YamlNode root, SourceLocation _) in KeployYaml.ReadNodes(Path))
            {
                string? name = YamlNodes.GetString(root as YamlDotNet.RepresentationModel.YamlMappingNode, "name");
                if (name is not null)
                {
                    _names.Add(name);
                    if (name.StartsWith("mock-", StringComparison.Ordinal)
                        && long.TryParse(name.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out long n) && n >= _next)
                    {
                        _next = n + 1;
                    }
                }
            }
        }

        _stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
        _empty = _stream.Length == 0;
    }

    /// <summary>The absolute path of the mocks file.</summary>
    public string Path { get; }

    /// <summary>How many mocks this writer appended.</summary>
    public int Count { get; private set; }

    /// <summary>Names the mock when unnamed, formats it (4-space indent) and appends it as one write; see the class remarks.</summary>
    /// <exception cref="ObjectDisposedException">The writer was disposed.</exception>
    public void Record(Mock mock)
    {
        ArgumentNullException.ThrowIfNull(mock);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (string.IsNullOrEmpty(mock.Name))
            {
                string name;
                do
                {
                    name = "mock-" + _next.ToString(CultureInfo.InvariantCulture);
                    _next++;
                }
                while (_names.Contains(name));

                mock.Name = name;
            }

            _names.Add(mock.Name);
            var sb = new StringBuilder();
            sb.Append(_empty ? KeployYaml.HeaderLine + "\n" : "---\n");
            KeployYamlWriter.WriteDocument(sb, KeployYaml.ToNode(mock), KeployYaml.MockIndent);
            byte[] bytes = new UTF8Encoding(false).GetBytes(sb.ToString());
            _stream.Write(bytes, 0, bytes.Length);
            _stream.Flush();
            _empty = false;
            Count++;
        }
    }

    /// <summary>Flushes to disk and closes the file.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _stream.Flush(flushToDisk: true);
            _stream.Dispose();
        }
    }
}
