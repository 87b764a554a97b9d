using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Models;

/// <summary>
/// One Keploy YAML document (the <c>NetworkTrafficDoc</c> envelope): <c>version</c>, <c>kind</c>, <c>name</c>, <c>spec</c>, and any
/// other top-level key (<c>curl</c>, <c>connectionId</c>, <c>noise</c>, <c>async</c>, <c>last_updated</c>, unknown future keys) kept
/// in file order so that a write after a read keeps every field.
/// </summary>
/// <remarks>
/// The <see cref="Spec"/> node is the source of truth. Protocol code reads and writes it through typed views
/// (for example <c>HttpSpec</c>); kinds this tool cannot serve are kept as read and written back unchanged.
/// </remarks>
public abstract class KeployDocument
{
    /// <summary>Keploy's API version; <c>api.keploy.io/v1beta1</c> for everything written since 2024 (2023 files: <c>v1beta2</c>).</summary>
    public string Version { get; set; } = KeployDocumentDefaults.Version;

    /// <summary>The document kind: <c>Http</c>, <c>gRPC</c>, <c>Postgres</c>, <c>PostgresV2</c>, <c>MySQL</c>, <c>Redis</c>, <c>Mongo</c>, <c>Generic</c>, ...</summary>
    public string Kind { get; set; } = "";

    /// <summary>The document name: <c>test-1</c>, <c>get-health-1</c>, <c>mock-7</c>.</summary>
    public string Name { get; set; } = "";

    private static readonly object SpecGate = new();
    private YamlMappingNode? _spec = new();
    private Func<YamlMappingNode>? _specLoader;

    /// <summary>
    /// The <c>spec</c> mapping, as read or as built by a recorder. A document read for replay may hold it deferred
    /// (<see cref="IsSpecLoaded"/> false): the first read re-reads it from its file, and from then on it is held like any other.
    /// </summary>
    /// <exception cref="KeployFormatException">A deferred spec cannot be read again (the file changed since it was loaded).</exception>
    public YamlMappingNode Spec
    {
        get
        {
            YamlMappingNode? spec = _spec;
            if (spec is not null)
            {
                return spec;
            }

            lock (SpecGate)
            {
                if (_spec is null)
                {
                    _spec = _specLoader!();
                    _specLoader = null;
                }

                return _spec;
            }
        }

        set
        {
            lock (SpecGate)
            {
                _spec = value;
                _specLoader = null;
            }
        }
    }

    /// <summary>False while the spec is deferred (<see cref="DeferSpec"/>): it has not been read or edited since loading.</summary>
    public bool IsSpecLoaded => _spec is not null;

    /// <summary>Top-level keys other than version, kind, name and spec, in file order.</summary>
    public List<KeyValuePair<string, YamlNode>> Extra { get; } = new();

    /// <summary>Where the document starts, when it was read from a file.</summary>
    public SourceLocation? Location { get; set; }

    /// <summary>
    /// Drops the spec tree from memory; <paramref name="loader"/> reads it again on the next <see cref="Spec"/> read. For loaders that
    /// keep a compact view of what replay needs (<c>MockCompaction</c>).
    /// </summary>
    internal void DeferSpec(Func<YamlMappingNode> loader)
    {
        lock (SpecGate)
        {
            _specLoader = loader;
            _spec = null;
        }
    }

    /// <summary>Returns the value of a top-level extra key, or null.</summary>
    public YamlNode? GetExtra(string key)
    {
        foreach (KeyValuePair<string, YamlNode> pair in Extra)
        {
            if (pair.Key == key)
            {
                return pair.Value;
            }
        }

        return null;
    }

    /// <summary>Sets (or replaces, keeping its position) a top-level extra key.</summary>
    public void SetExtra(string key, YamlNode value)
    {
        for (int i = 0; i < Extra.Count; i++)
        {
            if (Extra[i].Key == key)
            {
                Extra[i] = new KeyValuePair<string, YamlNode>(key, value);
                return;
            }
        }

        Extra.Add(new KeyValuePair<string, YamlNode>(key, value));
    }
}

/// <summary>Defaults shared by everything that writes Keploy documents.</summary>
public static class KeployDocumentDefaults
{
    /// <summary><c>api.keploy.io/v1beta1</c>.</summary>
    public const string Version = "api.keploy.io/v1beta1";
}
