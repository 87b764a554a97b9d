using System.Runtime.CompilerServices;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Storage;

/// <summary>
/// Builds the YamlDotNet node tree of one document from <see cref="BlockYamlParser"/>'s events directly: the nodes, values,
/// styles, tags, start and end marks that <see cref="YamlStream.Load(IParser)"/> gives for the same events, without making an
/// event object per node or going through YamlDotNet's document loader (half of the reading time of a mocks.yaml, issue 12).
/// </summary>
/// <remarks>
/// YamlDotNet sets a node's marks only while loading (private setters of <see cref="YamlNode.Start"/> and <see cref="YamlNode.End"/>);
/// they are set here through <see cref="UnsafeAccessorAttribute"/>. <see cref="IsAvailable"/> tells whether that works with the
/// YamlDotNet loaded; when it does not (a version that renamed them), the reader loads the events through YamlDotNet instead.
/// </remarks>
internal static class YamlNodeBuilder
{
    private static readonly Lazy<bool> Available = new(Probe);

    /// <summary>Whether node marks can be set (checked once).</summary>
    public static bool IsAvailable => Available.Value;

    /// <summary>
    /// The root of the document whose events are <paramref name="events"/> (DocumentStart, one node, DocumentEnd), or null when it
    /// holds more than <paramref name="maxNodes"/> nodes (the caller reads it with YamlDotNet, which reports the limit).
    /// </summary>
    /// <exception cref="ArgumentException">A mapping has a key twice (the caller reads the document with YamlDotNet, which reports it).</exception>
    public static YamlNode? Build(ReadOnlySpan<ParsedEvent> events, long maxNodes)
    {
        YamlNode? root = null;
        var open = new Stack<(YamlNode Node, YamlNode? Key)>();
        long nodes = 0;
        foreach (ref readonly ParsedEvent e in events)
        {
            YamlNode node;
            switch (e.Kind)
            {
                case ParsedEventKind.Scalar:
                    var scalar = new YamlScalarNode(e.Value) { Style = e.Style };
                    if (!e.Tag.IsEmpty)
                    {
                        scalar.Tag = e.Tag;
                    }

                    node = scalar;
                    break;
                case ParsedEventKind.MappingStart:
                    node = new YamlMappingNode { Style = e.IsFlow ? MappingStyle.Flow : MappingStyle.Block };
                    break;
                case ParsedEventKind.SequenceStart:
                    node = new YamlSequenceNode { Style = e.IsFlow ? SequenceStyle.Flow : SequenceStyle.Block };
                    break;
                case ParsedEventKind.MappingEnd or ParsedEventKind.SequenceEnd:
                    open.Pop();
                    continue;
                default:
                    continue; // document start and end
            }

            if (++nodes > maxNodes)
            {
                return null;
            }

            // As YamlDotNet's loader: both marks from the event that opens the node (a collection "ends" where it starts).
            SetStart(node, e.Start);
            SetEnd(node, e.End);
            if (open.Count == 0)
            {
                root = node;
            }
            else
            {
                (YamlNode parent, YamlNode? key) = open.Pop();
                if (parent is YamlSequenceNode sequence)
                {
                    sequence.Add(node);
                    open.Push((parent, null));
                }
                else if (key is null)
                {
                    open.Push((parent, node));
                }
                else
                {
                    ((YamlMappingNode)parent).Add(key, node);
                    open.Push((parent, null));
                }
            }

            if (e.Kind is ParsedEventKind.MappingStart or ParsedEventKind.SequenceStart)
            {
                open.Push((node, null));
            }
        }

        return root;
    }

    private static bool Probe()
    {
        try
        {
            var node = new YamlScalarNode("x");
            var mark = new Mark(3, 2, 1);
            SetStart(node, mark);
            SetEnd(node, mark);
            return node.Start.Equals(mark) && node.End.Equals(mark);
        }
        catch (MissingMemberException)
        {
            return false;
        }
    }

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_Start")]
    private static extern void SetStart(YamlNode node, Mark value);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_End")]
    private static extern void SetEnd(YamlNode node, Mark value);
}
