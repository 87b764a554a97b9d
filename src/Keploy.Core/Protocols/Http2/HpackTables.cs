using System.Text;

namespace Keploy.Core.Protocols.Http2;

/// <summary>One header field of an HTTP/2 header block: a lower-case name (pseudo-headers start with ':') and its value.</summary>
public readonly record struct Http2HeaderField(string Name, string Value)
{
    /// <summary>The entry size HPACK counts against the dynamic table (RFC 7541 §4.1: name and value octets plus 32).</summary>
    public int HpackSize => Encoding.UTF8.GetByteCount(Name) + Encoding.UTF8.GetByteCount(Value) + 32;

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {Value}";
}

/// <summary>HPACK's static table (RFC 7541 Appendix A), indices 1..61.</summary>
internal static class HpackStaticTable
{
    /// <summary>Entry i-1 is static index i.</summary>
    public static readonly Http2HeaderField[] Entries =
    [
        new(":authority", string.Empty), new(":method", "GET"), new(":method", "POST"), new(":path", "/"),
        new(":path", "/index.html"), new(":scheme", "http"), new(":scheme", "https"), new(":status", "200"),
        new(":status", "204"), new(":status", "206"), new(":status", "304"), new(":status", "400"), new(":status", "404"),
        new(":status", "500"), new("accept-charset", string.Empty), new("accept-encoding", "gzip, deflate"),
        new("accept-language", string.Empty), new("accept-ranges", string.Empty), new("accept", string.Empty),
        new("access-control-allow-origin", string.Empty), new("age", string.Empty), new("allow", string.Empty),
        new("authorization", string.Empty), new("cache-control", string.Empty), new("content-disposition", string.Empty),
        new("content-encoding", string.Empty), new("content-language", string.Empty), new("content-length", string.Empty),
        new("content-location", string.Empty), new("content-range", string.Empty), new("content-type", string.Empty),
        new("cookie", string.Empty), new("date", string.Empty), new("etag", string.Empty), new("expect", string.Empty),
        new("expires", string.Empty), new("from", string.Empty), new("host", string.Empty), new("if-match", string.Empty),
        new("if-modified-since", string.Empty), new("if-none-match", string.Empty), new("if-range", string.Empty),
        new("if-unmodified-since", string.Empty), new("last-modified", string.Empty), new("link", string.Empty),
        new("location", string.Empty), new("max-forwards", string.Empty), new("proxy-authenticate", string.Empty),
        new("proxy-authorization", string.Empty), new("range", string.Empty), new("referer", string.Empty),
        new("refresh", string.Empty), new("retry-after", string.Empty), new("server", string.Empty),
        new("set-cookie", string.Empty), new("strict-transport-security", string.Empty), new("transfer-encoding", string.Empty),
        new("user-agent", string.Empty), new("vary", string.Empty), new("via", string.Empty), new("www-authenticate", string.Empty),
    ];

    /// <summary>Index (1-based) of the first entry with this name and value, or of the first with this name (value match false),
    /// or 0.</summary>
    public static int Find(string name, string value, out bool valueMatches)
    {
        int nameOnly = 0;
        for (int i = 0; i < Entries.Length; i++)
        {
            if (Entries[i].Name == name)
            {
                if (Entries[i].Value == value)
                {
                    valueMatches = true;
                    return i + 1;
                }

                if (nameOnly == 0)
                {
                    nameOnly = i + 1;
                }
            }
        }

        valueMatches = false;
        return nameOnly;
    }
}

/// <summary>
/// HPACK's dynamic table (RFC 7541 §2.3.2, §4): newest entry first (index 62 in the combined address space), evicted oldest first
/// when the sum of entry sizes exceeds the maximum size.
/// </summary>
public sealed class HpackDynamicTable
{
    private readonly LinkedList<(Http2HeaderField Field, int Size)> _entries = new();
    private readonly List<Http2HeaderField> _index = new();
    private bool _indexStale;

    /// <summary>Creates an empty table of <paramref name="maxSize"/> octets (RFC 7541 default 4096).</summary>
    public HpackDynamicTable(int maxSize = 4096) => MaxSize = maxSize;

    /// <summary>The current maximum size in octets (changed by a dynamic table size update, RFC 7541 §6.3).</summary>
    public int MaxSize { get; private set; }

    /// <summary>Sum of the entry sizes in octets (RFC 7541 §4.1).</summary>
    public int Size { get; private set; }

    /// <summary>Number of entries.</summary>
    public int Count => _entries.Count;

    /// <summary>Entry by 1-based position (1 = newest). Throws <see cref="HpackException"/> when out of range.</summary>
    public Http2HeaderField this[int position]
    {
        get
        {
            if (position < 1 || position > _entries.Count)
            {
                throw new HpackException($"header index {position + HpackStaticTable.Entries.Length} is beyond the dynamic table ({_entries.Count} entries)");
            }

            if (_indexStale)
            {
                _index.Clear();
                foreach ((Http2HeaderField field, _) in _entries)
                {
                    _index.Add(field);
                }
                _indexStale = false;
            }

            return _index[position - 1];
        }
    }

    /// <summary>Adds an entry as the newest, evicting as needed (an entry larger than the table empties it, RFC 7541 §4.4).</summary>
    public void Add(Http2HeaderField field) => Add(field, field.HpackSize);

    /// <summary>Adds an entry whose size (octets of name and value on the wire, plus 32) the caller counted.</summary>
    public void Add(Http2HeaderField field, int size)
    {
        while (_entries.Count > 0 && Size + size > MaxSize)
        {
            Evict();
        }

        if (size <= MaxSize)
        {
            _entries.AddFirst((field, size));
            Size += size;
        }

        _indexStale = true;
    }

    /// <summary>Sets the maximum size (RFC 7541 §4.3), evicting until the entries fit.</summary>
    public void Resize(int maxSize)
    {
        MaxSize = maxSize;
        while (Size > MaxSize)
        {
            Evict();
        }

        _indexStale = true;
    }

    /// <summary>1-based position of the newest entry equal to (name, value), or with this name (value match false), or 0.</summary>
    public int Find(string name, string value, out bool valueMatches)
    {
        int position = 0;
        int nameOnly = 0;
        foreach ((Http2HeaderField entry, _) in _entries)
        {
            position++;
            if (entry.Name == name)
            {
                if (entry.Value == value)
                {
                    valueMatches = true;
                    return position;
                }

                if (nameOnly == 0)
                {
                    nameOnly = position;
                }
            }
        }

        valueMatches = false;
        return nameOnly;
    }

    private void Evict()
    {
        Size -= _entries.Last!.Value.Size;
        _entries.RemoveLast();
        _indexStale = true;
    }
}
