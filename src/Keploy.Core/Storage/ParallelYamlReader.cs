using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Text;
using Keploy.Core.Models;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Storage;

/// <summary>
/// Reads the documents of a multi-document YAML file (a mocks.yaml) as <see cref="KeployYaml.ReadNodes(string)"/> does and converts
/// each one on all cores, yielding the results in file order: replay loads 100,000 mocks, and each costs parsing, node building,
/// validation and a typed view (issue 12).
/// </summary>
/// <remarks>
/// Documents are cut in order by <see cref="YamlDocumentSplitter"/> and handed out in batches (at most <see cref="BatchDocuments"/>
/// documents or <see cref="BatchChars"/> characters, so memory stays bounded whatever the file's size); each batch is converted in
/// parallel and yielded before the next is cut. Results and errors are those of the sequential reader: the first error in file
/// order is thrown after every document before it has been yielded, and a document YamlDotNet must read alone, or one that
/// fails, is handled as <see cref="KeployYaml.ReadNodes(TextReader, string, YamlLimits)"/> handles it.
/// </remarks>
internal static class ParallelYamlReader
{
    /// <summary>Most documents per batch.</summary>
    public const int BatchDocuments = 512;

    /// <summary>Most characters per batch (a batch always holds at least one document).</summary>
    public const int BatchChars = 4 << 20;

    /// <summary>
    /// The documents of <paramref name="path"/>, each converted by <paramref name="convert"/> (called on worker threads, so it must
    /// not depend on order or shared state), in file order.
    /// </summary>
    /// <exception cref="KeployFormatException">Malformed YAML, a limit, or what <paramref name="convert"/> throws, in file order.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IEnumerable<T> Read<T>(string path, YamlLimits limits, Func<YamlNode, SourceLocation, T> convert) => Read(path, limits, convert, null);

    /// <summary>
    /// As <see cref="Read{T}(string, YamlLimits, Func{YamlNode, SourceLocation, T})"/>, first offering each document's parsing events
    /// to <paramref name="direct"/> (worker threads, as <paramref name="convert"/>): a document it reads skips the node tree; one it
    /// declines is read through <paramref name="convert"/>.
    /// </summary>
    /// <exception cref="KeployFormatException">Malformed YAML, a limit, or what <paramref name="convert"/> throws, in file order.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IEnumerable<T> Read<T>(string path, YamlLimits limits, Func<YamlNode, SourceLocation, T> convert, DirectReader<T>? direct)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        using var reader = new StreamReader(file, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var splitter = new YamlDocumentSplitter(reader, limits.MaxDocumentChars);
        var batch = new List<Document>();

        // A pool of this read's own, holding a whole batch's arrays (the shared pool keeps a few dozen per size).
        ArrayPool<char> texts = ArrayPool<char>.Create(1 << 20, BatchDocuments);
        while (true)
        {
            batch.Clear();
            long chars = 0;
            YamlDocumentSplitter.Chunk chunk = default;
            bool more;
            while ((more = splitter.Next(out chunk)) && !chunk.IsRest)
            {
                // Each document's characters in a pooled array, given back once its batch is read (100,000 mocks copied 170 MB).
                char[] text = texts.Rent(chunk.Length);
                chunk.Text.AsSpan(chunk.Start, chunk.Length).CopyTo(text);
                batch.Add(new Document(text, chunk.Length, chunk.Line, chunk.Index));
                chars += chunk.Length;
                if (batch.Count >= BatchDocuments || chars >= BatchChars)
                {
                    break;
                }
            }

            var results = new Result<T>[batch.Count];
            Parallel.For(0, batch.Count, i => results[i] = Convert(batch[i], path, limits, convert, direct));
            for (int i = 0; i < results.Length; i++)
            {
                Result<T> r = results[i];
                if (r.NeedsRest)
                {
                    // This document failed read alone: read from it to the end as YamlDotNet alone would (the reference error).
                    string before = string.Concat(batch.Skip(i).Select(d => new string(d.Text, 0, d.Length)));
                    foreach ((YamlNode root, SourceLocation location) in KeployYaml.ReadNodesWithYamlDotNet(splitter.RemainingReader(before), path, limits, batch[i].Line - 1, batch[i].Index))
                    {
                        yield return convert(root, location);
                    }

                    yield break;
                }

                r.Error?.Throw();
                foreach (T item in r.Items ?? [])
                {
                    yield return item;
                }
            }

            // Nothing read holds a document's characters (scalars are strings of their own).
            foreach (Document d in batch)
            {
                texts.Return(d.Text);
            }

            if (more && chunk.IsRest)
            {
                foreach ((YamlNode root, SourceLocation location) in KeployYaml.ReadNodesWithYamlDotNet(splitter.RestReader(chunk), path, limits, chunk.Line - 1, chunk.Index))
                {
                    yield return convert(root, location);
                }

                yield break;
            }

            if (!more)
            {
                yield break;
            }
        }
    }

    private static Result<T> Convert<T>(Document d, string path, YamlLimits limits, Func<YamlNode, SourceLocation, T> convert, DirectReader<T>? direct)
    {
        try
        {
            BlockYamlParser fast = BlockYamlParser.ForThisThread;
            bool? parsed = null;
            if (direct is not null)
            {
                // The fast parser's nesting bound is below every limit's default, as in KeployYaml.ReadDocument. A document the
                // direct reader declines is built from the same events (parsed once).
                parsed = fast.TryParse(d.Text, 0, d.Length, d.Line, d.Index);
                if (parsed.Value && !fast.Events.IsEmpty && fast.MaxDepth <= limits.MaxDepth && direct(fast.Events, path, limits, out T? item))
                {
                    return new Result<T>([item!], null, false);
                }
            }

            List<(YamlNode Root, SourceLocation Location)>? nodes =
                KeployYaml.ReadDocument(fast, d.Text, 0, d.Length, d.Line, d.Index, path, limits, parsed);
            return nodes is null ? new Result<T>(null, null, true) : new Result<T>(nodes.ConvertAll(n => convert(n.Root, n.Location)), null, false);
        }
        catch (Exception ex)
        {
            return new Result<T>(null, ExceptionDispatchInfo.Capture(ex), false);
        }
    }

    /// <summary>
    /// Reads one document from its parsing events (DocumentStart, one node, DocumentEnd) straight to a result, or declines (false)
    /// so that it is read through the node tree. It must give what the node path would for every document it accepts.
    /// </summary>
    /// <param name="events">The document's events (valid only during the call).</param>
    /// <param name="path">The file's full path.</param>
    /// <param name="limits">The reading limits.</param>
    /// <param name="result">The result, when read.</param>
    public delegate bool DirectReader<T>(ReadOnlySpan<ParsedEvent> events, string path, YamlLimits limits, out T? result);

    /// <summary>A document's characters: the first <paramref name="Length"/> of <paramref name="Text"/> (a pooled array).</summary>
    private sealed record Document(char[] Text, int Length, long Line, long Index);

    /// <summary>What one document gave: its converted nodes (none for an empty one), an error to throw in order, or the need to
    /// read from it to the end with YamlDotNet.</summary>
    private readonly record struct Result<T>(List<T>? Items, ExceptionDispatchInfo? Error, bool NeedsRest);
}
