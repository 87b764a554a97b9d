using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Keploy.Core.Storage;

/// <summary>
/// Presents the next document of a multi-document parser as a stream of its own (StreamStart, the document, StreamEnd), so that
/// <see cref="YamlDotNet.RepresentationModel.YamlStream.Load(IParser)"/> builds one document at a time and a huge mocks.yaml is never
/// held in memory whole (Keploy bug #3526).
/// </summary>
/// <remarks>
/// Every event of the document passes here before YamlDotNet builds a node from it, so this is where nesting depth and alias
/// expansion are bounded (<see cref="YamlLimits"/>): the depth is checked before the (recursive) node builder descends, and the
/// size of every anchored node, aliases inside it expanded, is known when its alias is met, so the expanded size of the whole
/// document is counted without expanding anything. Throws <see cref="YamlLimitException"/>.
/// </remarks>
internal sealed class SingleDocumentParser : IParser
{
    private readonly IParser _inner;
    private readonly YamlLimits _limits;
    private readonly Dictionary<AnchorName, long> _anchorSizes = new();
    private readonly Stack<Frame> _open = new();
    private long _expanded;
    private int _state; // 0 before start, 1 at synthetic StreamStart, 2 inside the document, 3 at synthetic StreamEnd, 4 done
    private ParsingEvent? _current;

    /// <summary>Wraps <paramref name="inner"/>, whose next event must be a DocumentStart.</summary>
    public SingleDocumentParser(IParser inner, YamlLimits limits)
    {
        _inner = inner;
        _limits = limits;
    }

    public ParsingEvent? Current => _current;

    public bool MoveNext()
    {
        switch (_state)
        {
            case 0:
                _state = 1;
                _current = new StreamStart();
                return true;
            case 1:
                _state = 2;
                _current = _inner.Current;
                if (_current is not null)
                {
                    Check(_current);
                }

                return _current is not null;
            case 2:
                if (_current is DocumentEnd)
                {
                    _state = 3;
                    _current = new StreamEnd();
                    return true;
                }

                _inner.MoveNext();
                _current = _inner.Current;
                if (_current is not null)
                {
                    Check(_current);
                }

                return _current is not null;
            default:
                _state = 4;
                _current = null;
                return false;
        }
    }

    private void Check(ParsingEvent e)
    {
        switch (e)
        {
            case Scalar scalar:
                Add(1, e);
                if (!scalar.Anchor.IsEmpty)
                {
                    _anchorSizes[scalar.Anchor] = 1;
                }

                break;
            case MappingStart or SequenceStart:
                if (_open.Count >= _limits.MaxDepth)
                {
                    throw new YamlLimitException(e.Start, $"nested deeper than {_limits.MaxDepth} levels (limit)");
                }

                Add(1, e);
                AnchorName anchor = e is MappingStart m ? m.Anchor : ((SequenceStart)e).Anchor;
                if (!anchor.IsEmpty)
                {
                    _anchorSizes.Remove(anchor); // a redefinition: the old node is not referable while the new one is open
                }

                _open.Push(new Frame(anchor, 1));
                break;
            case MappingEnd or SequenceEnd:
                if (_open.Count > 0)
                {
                    Frame frame = _open.Pop();
                    if (!frame.Anchor.IsEmpty)
                    {
                        _anchorSizes[frame.Anchor] = frame.Size;
                    }

                    if (_open.Count > 0)
                    {
                        _open.Peek().Size += frame.Size;
                    }
                }

                break;
            case AnchorAlias alias:
                if (!_anchorSizes.TryGetValue(alias.Value, out long size))
                {
                    throw new YamlLimitException(e.Start, $"alias *{alias.Value} refers to no complete anchored node before it");
                }

                Add(size, e);
                break;
        }
    }

    private void Add(long nodes, ParsingEvent e)
    {
        _expanded += nodes;
        if (_expanded > _limits.MaxExpandedNodes)
        {
            throw new YamlLimitException(e.Start, $"more than {_limits.MaxExpandedNodes} nodes with aliases expanded (limit; an alias bomb?)");
        }

        if (_open.Count > 0 && e is not (MappingStart or SequenceStart))
        {
            _open.Peek().Size += nodes;
        }
    }

    private sealed class Frame(AnchorName anchor, long size)
    {
        public AnchorName Anchor { get; } = anchor;

        public long Size { get; set; } = size;
    }
}
