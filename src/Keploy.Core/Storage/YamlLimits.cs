using YamlDotNet.Core;

namespace Keploy.Core.Storage;

/// <summary>
/// Bounds on every YAML document read (<see cref="KeployYaml.ReadNodes(TextReader, string, YamlLimits)"/>): going past one is a
/// one-line <see cref="Models.KeployFormatException"/> at the place it happened, never a hang, a stack overflow or unbounded memory.
/// </summary>
/// <remarks>
/// The defaults leave room for the largest document this tool records (two HTTP bodies of up to 64 MiB of decompressed text,
/// see <c>HttpLimits</c>) while keeping alias bombs and deep nesting harmless. Keploy (yaml.v3) never writes anchors or aliases.
/// </remarks>
public sealed record YamlLimits
{
    /// <summary>The limits used unless a caller passes others.</summary>
    public static YamlLimits Default { get; } = new();

    /// <summary>Characters of one document, from its first token to its end: 256 Mi.</summary>
    public long MaxDocumentChars { get; init; } = 256L * 1024 * 1024;

    /// <summary>Deepest nesting of mappings and sequences in one document: 200 (Keploy documents nest fewer than 20 levels).</summary>
    public int MaxDepth { get; init; } = 200;

    /// <summary>
    /// Nodes of one document counted with every alias expanded (what a walk of the tree visits): 10,000,000. Bounds alias bombs
    /// (<c>&amp;a [*b, *b, ...]</c> nine levels deep is 10^9 nodes from 1.5 KB).
    /// </summary>
    public long MaxExpandedNodes { get; init; } = 10_000_000;
}

/// <summary>A document went past a <see cref="YamlLimits"/> bound (converted to a KeployFormatException by the reader).</summary>
internal sealed class YamlLimitException : Exception
{
    public YamlLimitException(Mark? mark, string message)
        : base(message)
    {
        Mark = mark;
    }

    /// <summary>Where, when known (else the scanner's position is used).</summary>
    public Mark? Mark { get; }
}

/// <summary>
/// Passes characters through and throws <see cref="YamlLimitException"/> once more than the allowed number of characters have
/// been read past <see cref="DocumentStart"/> (so even one huge scalar is never read whole).
/// </summary>
internal sealed class BoundedTextReader : TextReader
{
    private readonly TextReader _inner;
    private readonly long _maxDocumentChars;
    private long _position;

    public BoundedTextReader(TextReader inner, long maxDocumentChars)
    {
        _inner = inner;
        _maxDocumentChars = maxDocumentChars;
    }

    /// <summary>Character index (as YamlDotNet's <c>Mark.Index</c>) where the current document starts.</summary>
    public long DocumentStart { get; set; }

    public override int Peek() => _inner.Peek();

    public override int Read()
    {
        int c = _inner.Read();
        if (c >= 0)
        {
            Advance(1);
        }

        return c;
    }

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        int n = _inner.Read(buffer);
        Advance(n);
        return n;
    }

    private void Advance(int n)
    {
        _position += n;
        if (_position - DocumentStart > _maxDocumentChars)
        {
            throw new YamlLimitException(null, $"document longer than {_maxDocumentChars} characters (limit)");
        }
    }
}
