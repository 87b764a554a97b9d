using System.Globalization;
using System.Text;

namespace Keploy.Core.Protocols.Redis;

/// <summary>
/// One RESP value as it travels on the wire (Redis docs, "Redis serialization protocol specification": RESP2 and RESP3). Each
/// kind is its own type, named after the protocol document; <see cref="Prefix"/> is its first byte.
/// </summary>
public abstract record RespValue
{
    /// <summary>The type byte that starts the value (<c>+</c>, <c>-</c>, <c>:</c>, <c>$</c>, <c>*</c>, ...).</summary>
    public abstract char Prefix { get; }

    /// <summary>The protocol document's name of the kind ("simple string", "bulk string", "map", ...).</summary>
    public abstract string KindName { get; }

    /// <summary>A short human-readable form for logs and miss messages (bounded to about 200 characters).</summary>
    public virtual string Describe() => KindName;

    internal static string Clip(ReadOnlySpan<byte> bytes, int max = 120)
    {
        string s = Encoding.UTF8.GetString(bytes.Length > max ? bytes[..max] : bytes);
        return bytes.Length > max ? s + "…" : s;
    }
}

/// <summary>RESP2 simple string <c>+OK\r\n</c>.</summary>
public sealed record RespSimpleString(string Value) : RespValue
{
    /// <inheritdoc />
    public override char Prefix => '+';

    /// <inheritdoc />
    public override string KindName => "simple string";

    /// <inheritdoc />
    public override string Describe() => Value;
}

/// <summary>RESP2 simple error <c>-ERR message\r\n</c>.</summary>
public sealed record RespError(string Message) : RespValue
{
    /// <inheritdoc />
    public override char Prefix => '-';

    /// <inheritdoc />
    public override string KindName => "simple error";

    /// <inheritdoc />
    public override string Describe() => "(error) " + Message;
}

/// <summary>RESP2 integer <c>:1000\r\n</c> (signed 64-bit).</summary>
public sealed record RespInteger(long Value) : RespValue
{
    /// <inheritdoc />
    public override char Prefix => ':';

    /// <inheritdoc />
    public override string KindName => "integer";

    /// <inheritdoc />
    public override string Describe() => Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>RESP2 bulk string <c>$5\r\nhello\r\n</c>; <see cref="Value"/> is null for the RESP2 null bulk string <c>$-1\r\n</c>.</summary>
public sealed record RespBulkString(byte[]? Value) : RespValue
{
    /// <inheritdoc />
    public override char Prefix => '$';

    /// <inheritdoc />
    public override string KindName => "bulk string";

    /// <summary>The value as UTF-8 text (null for the null bulk string).</summary>
    public string? Text => Value is null ? null : Encoding.UTF8.GetString(Value);

    /// <inheritdoc />
    public override string Describe() => Value is null ? "(nil)" : '"' + Clip(Value) + '"';
}

/// <summary>RESP2 array <c>*2\r\n...</c>; <see cref="Items"/> is null for the RESP2 null array <c>*-1\r\n</c>.</summary>
public sealed record RespArray(IReadOnlyList<RespValue>? Items) : RespValue
{
    /// <inheritdoc />
    public override char Prefix => '*';

    /// <inheritdoc />
    public override string KindName => "array";

    /// <inheritdoc />
    public override string Describe() => Items is null ? "(nil array)" : "[" + string.Join(", ", Items.Take(8).Select(i => i.Describe())) + (Items.Count > 8 ? ", …" : "") + "]";
}

/// <summary>RESP3 null <c>_\r\n</c>.</summary>
public sealed record RespNull : RespValue
{
    /// <inheritdoc />
    public override char Prefix => '_';

    /// <inheritdoc />
    public override string KindName => "null";

    /// <inheritdoc />
    public override string Describe() => "(null)";
}

/// <summary>RESP3 boolean <c>#t\r\n</c> / <c>#f\r\n</c>.</summary>
public sealed record RespBoolean(bool Value) : RespValue
{
    /// <inheritdoc />
    public override char Prefix => '#';

    /// <inheritdoc />
    public override string KindName => "boolean";

    /// <inheritdoc />
    public override string Describe() => Value ? "true" : "false";
}

/// <summary>RESP3 double <c>,1.23\r\n</c> (also <c>inf</c>, <c>-inf</c>, <c>nan</c>); <see cref="Text"/> is the wire text, kept exact.</summary>
public sealed record RespDouble(string Text) : RespValue
{
    /// <inheritdoc />
    public override char Prefix => ',';

    /// <inheritdoc />
    public override string KindName => "double";

    /// <inheritdoc />
    public override string Describe() => Text;
}

/// <summary>RESP3 big number <c>(3492890328409238509324850943850943825024385\r\n</c>; <see cref="Digits"/> is the wire text.</summary>
public sealed record RespBigNumber(string Digits) : RespValue
{
    /// <inheritdoc />
    public override char Prefix => '(';

    /// <inheritdoc />
    public override string KindName => "big number";

    /// <inheritdoc />
    public override string Describe() => Digits;
}

/// <summary>RESP3 bulk error <c>!21\r\nSYNTAX invalid syntax\r\n</c>.</summary>
public sealed record RespBulkError(byte[] Message) : RespValue
{
    /// <inheritdoc />
    public override char Prefix => '!';

    /// <inheritdoc />
    public override string KindName => "bulk error";

    /// <inheritdoc />
    public override string Describe() => "(error) " + Clip(Message);
}

/// <summary>RESP3 verbatim string <c>=15\r\ntxt:Some string\r\n</c>: a three-letter <see cref="Encoding"/> and the text.</summary>
public sealed record RespVerbatimString(string Encoding, byte[] Value) : RespValue
{
    /// <inheritdoc />
    public override char Prefix => '=';

    /// <inheritdoc />
    public override string KindName => "verbatim string";

    /// <inheritdoc />
    public override string Describe() => Encoding + ":" + Clip(Value);
}

/// <summary>RESP3 map <c>%2\r\n</c> followed by key, value, key, value.</summary>
public sealed record RespMap(IReadOnlyList<KeyValuePair<RespValue, RespValue>> Entries) : RespValue
{
    /// <inheritdoc />
    public override char Prefix => '%';

    /// <inheritdoc />
    public override string KindName => "map";

    /// <inheritdoc />
    public override string Describe() => "{" + string.Join(", ", Entries.Take(8).Select(e => e.Key.Describe() + ": " + e.Value.Describe())) + (Entries.Count > 8 ? ", …" : "") + "}";
}

/// <summary>RESP3 set <c>~3\r\n</c> followed by its elements.</summary>
public sealed record RespSet(IReadOnlyList<RespValue> Items) : RespValue
{
    /// <inheritdoc />
    public override char Prefix => '~';

    /// <inheritdoc />
    public override string KindName => "set";

    /// <inheritdoc />
    public override string Describe() => "(set) [" + string.Join(", ", Items.Take(8).Select(i => i.Describe())) + "]";
}

/// <summary>RESP3 push <c>&gt;3\r\n</c>: out-of-band data (pub/sub messages, client-side caching invalidations).</summary>
public sealed record RespPush(IReadOnlyList<RespValue> Items) : RespValue
{
    /// <inheritdoc />
    public override char Prefix => '>';

    /// <inheritdoc />
    public override string KindName => "push";

    /// <summary>The push kind: the first element's text (<c>message</c>, <c>subscribe</c>, <c>invalidate</c>), or "".</summary>
    public string PushKind => Items.Count > 0 ? RespValues.AsText(Items[0]) ?? "" : "";

    /// <inheritdoc />
    public override string Describe() => "(push) [" + string.Join(", ", Items.Take(8).Select(i => i.Describe())) + "]";
}

/// <summary>RESP3 attribute <c>|1\r\n</c> key/value pairs, followed by the value it annotates (<see cref="Value"/>).</summary>
public sealed record RespAttribute(IReadOnlyList<KeyValuePair<RespValue, RespValue>> Attributes, RespValue Value) : RespValue
{
    /// <inheritdoc />
    public override char Prefix => '|';

    /// <inheritdoc />
    public override string KindName => "attribute";

    /// <inheritdoc />
    public override string Describe() => Value.Describe();
}

/// <summary>A client's inline command (Redis docs, "Inline commands"): a line of space-separated arguments, no type byte.</summary>
public sealed record RespInlineCommand(IReadOnlyList<byte[]> Arguments) : RespValue
{
    /// <inheritdoc />
    public override char Prefix => '\0';

    /// <inheritdoc />
    public override string KindName => "inline command";

    /// <inheritdoc />
    public override string Describe() => string.Join(' ', Arguments.Select(a => Clip(a, 40)));
}

/// <summary>Helpers over values.</summary>
public static class RespValues
{
    /// <summary>The text of a simple string, bulk string or verbatim string; null for other kinds.</summary>
    public static string? AsText(RespValue value) => value switch
    {
        RespSimpleString s => s.Value,
        RespBulkString b => b.Text,
        RespVerbatimString v => Encoding.UTF8.GetString(v.Value),
        _ => null,
    };

    /// <summary>The value with any attribute stripped.</summary>
    public static RespValue Unwrap(RespValue value) => value is RespAttribute a ? Unwrap(a.Value) : value;
}
