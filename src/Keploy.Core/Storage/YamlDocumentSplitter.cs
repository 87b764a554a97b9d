namespace Keploy.Core.Storage;

/// <summary>
/// Cuts a YAML stream into its documents at <c>---</c> lines, reading ahead only as far as the next one, so a mocks.yaml of any
/// size is read one document at a time. A line that is exactly <c>---</c> starts a document wherever it appears (YAML 1.2 §9.1.4:
/// a document marker at the start of a line is never content), so the cut needs no parse.
/// </summary>
/// <remarks>
/// Lines this splitter does not cut at but that change how the rest of the stream reads (a directive <c>%</c>, a document end
/// <c>...</c>, content after <c>---</c> on its line) and a document longer than the limit end the splitting: <see cref="Next"/>
/// returns a <see cref="Chunk"/> with <see cref="Chunk.IsRest"/> set, and the caller reads <see cref="RestReader"/> with
/// YamlDotNet, which enforces the limit and reports errors as before.
/// </remarks>
internal sealed class YamlDocumentSplitter
{
    private readonly TextReader _reader;
    private readonly long _maxDocumentChars;
    private char[] _buffer;
    private int _length;       // characters in _buffer
    private int _docStart;     // offset of the current document
    private long _docLine = 1; // its line number
    private long _docIndex;    // its character index in the stream
    private bool _readerDone;
    private bool _finished;

    /// <summary>Splits <paramref name="reader"/>; a document of more than <paramref name="maxDocumentChars"/> characters ends the splitting.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="maxDocumentChars">The limit of <see cref="YamlLimits.MaxDocumentChars"/>.</param>
    /// <param name="sizeHint">Characters the text holds at most when known (a file's length: a small test case file gets a small
    /// buffer), else 0.</param>
    public YamlDocumentSplitter(TextReader reader, long maxDocumentChars, int sizeHint = 0)
    {
        _reader = reader;
        _maxDocumentChars = maxDocumentChars;
        _buffer = new char[sizeHint > 0 ? Math.Clamp(sizeHint, 64, 1 << 14) : 1 << 14];
    }

    /// <summary>One document's characters (valid until the next call of <see cref="Next"/>), or the point where splitting ended.</summary>
    /// <param name="Text">The buffer holding the document.</param>
    /// <param name="Start">Offset of the document's first character in <paramref name="Text"/>.</param>
    /// <param name="Length">Characters of the document, its <c>---</c> line included.</param>
    /// <param name="Line">Line number (1-based) of its first character.</param>
    /// <param name="Index">Character index in the stream of its first character.</param>
    /// <param name="IsRest">True when the rest of the stream, from this point, is to be read by <see cref="RestReader"/>.</param>
    public readonly record struct Chunk(char[] Text, int Start, int Length, long Line, long Index, bool IsRest);

    /// <summary>The next document; false at the end of the stream.</summary>
    /// <exception cref="IOException">The reader failed.</exception>
    public bool Next(out Chunk chunk)
    {
        chunk = default;
        if (_finished)
        {
            return false;
        }

        Compact();
        int lineStart = _docStart;
        long lines = 0;
        while (true)
        {
            Fill(lineStart + 4);
            if (lineStart >= _length)
            {
                return Take(_length, lines, out chunk);
            }

            switch (Classify(lineStart))
            {
                case LineKind.DocumentStart when lineStart > _docStart:
                    return Take(lineStart, lines, out chunk);
                case LineKind.ChangesReading:
                    return Rest(out chunk);
            }

            int newline;
            int searched = lineStart;
            while ((newline = _buffer.AsSpan(searched, _length - searched).IndexOf('\n')) < 0)
            {
                searched = _length;
                if (_readerDone)
                {
                    return Take(_length, lines, out chunk); // the last line has no newline
                }

                if (_length - _docStart > _maxDocumentChars)
                {
                    return Rest(out chunk);
                }

                Fill(_length + 1);
            }

            lineStart = searched + newline + 1;
            lines++;
        }
    }

    /// <summary>
    /// The characters from the start of <paramref name="from"/> (the chunk last returned) to the end of the stream: the buffered
    /// ones, then the rest of the reader. Used after a <see cref="Chunk.IsRest"/> chunk, or to read the rest with YamlDotNet alone
    /// after a document that failed; the splitter returns nothing more.
    /// </summary>
    public TextReader RestReader(Chunk from)
    {
        _finished = true;
        return new RestTextReader(new string(_buffer, from.Start, _length - from.Start), _reader);
    }

    /// <summary>
    /// <paramref name="before"/> (the text of documents already cut, a reader that looked ahead hands them back), then the
    /// characters not yet returned, then the rest of the reader; the splitter returns nothing more.
    /// </summary>
    public TextReader RemainingReader(string before)
    {
        _finished = true;
        return new RestTextReader(before + new string(_buffer, _docStart, _length - _docStart), _reader);
    }

    private enum LineKind
    {
        Other,
        DocumentStart,
        ChangesReading,
    }

    private LineKind Classify(int i)
    {
        char c = _buffer[i];
        if (c == '%')
        {
            return LineKind.ChangesReading;
        }

        if (c is not ('-' or '.') || i + 2 >= _length || _buffer[i + 1] != c || _buffer[i + 2] != c)
        {
            return LineKind.Other;
        }

        char next = i + 3 < _length ? _buffer[i + 3] : '\n';
        if (c == '-' && next == '\n')
        {
            return LineKind.DocumentStart;
        }

        return next is ' ' or '\t' or '\r' or '\n' ? LineKind.ChangesReading : LineKind.Other;
    }

    private bool Take(int end, long lines, out Chunk chunk)
    {
        chunk = new Chunk(_buffer, _docStart, end - _docStart, _docLine, _docIndex, false);
        if (end >= _length && _readerDone)
        {
            _finished = true;
            if (end == _docStart)
            {
                return false;
            }
        }

        _docLine += lines;
        _docIndex += end - _docStart;
        _docStart = end;
        return true;
    }

    private bool Rest(out Chunk chunk)
    {
        chunk = new Chunk(_buffer, _docStart, 0, _docLine, _docIndex, true);
        _finished = true;
        return true;
    }

    /// <summary>Moves the current document to the start of the buffer when that frees half of it.</summary>
    private void Compact()
    {
        if (_docStart > 0 && _docStart >= _buffer.Length / 2)
        {
            _buffer.AsSpan(_docStart, _length - _docStart).CopyTo(_buffer);
            _length -= _docStart;
            _docStart = 0;
        }
    }

    /// <summary>Reads until at least <paramref name="wanted"/> characters are buffered or the reader ends.</summary>
    private void Fill(int wanted)
    {
        while (_length < wanted && !_readerDone)
        {
            if (_length == _buffer.Length)
            {
                // Offsets into the buffer are held while a document is cut: grow here, compact only between documents.
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            int n = _reader.Read(_buffer.AsSpan(_length));
            if (n == 0)
            {
                _readerDone = true;
                break;
            }

            _length += n;
        }
    }

    /// <summary>The buffered characters, then the rest of the underlying reader.</summary>
    private sealed class RestTextReader(string head, TextReader tail) : TextReader
    {
        private int _at;

        public override int Peek() => _at < head.Length ? head[_at] : tail.Peek();

        public override int Read() => _at < head.Length ? head[_at++] : tail.Read();

        public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

        public override int Read(Span<char> buffer)
        {
            if (_at < head.Length)
            {
                int n = Math.Min(buffer.Length, head.Length - _at);
                head.AsSpan(_at, n).CopyTo(buffer);
                _at += n;
                return n;
            }

            return tail.Read(buffer);
        }
    }
}
