using System.Buffers;
using System.Globalization;
using System.Text;

namespace Keploy.Core.Protocols.Redis;

/// <summary>Encodes <see cref="RespValue"/>s and commands as RESP bytes (the inverse of <see cref="RespReader"/>).</summary>
public static class RespWriter
{
    /// <summary>The bytes of <paramref name="value"/>; an inline command is written as its line with CRLF.</summary>
    public static byte[] Encode(RespValue value)
    {
        ArrayBufferWriter<byte> w = new();
        Write(w, value);
        return w.WrittenSpan.ToArray();
    }

    /// <summary>A multibulk command (<c>*N</c> of bulk strings) from UTF-8 arguments.</summary>
    public static byte[] Command(params string[] args) => Encode(new RespArray(args.Select(a => (RespValue)new RespBulkString(Encoding.UTF8.GetBytes(a))).ToList()));

    /// <summary>A simple error line <c>-message\r\n</c>; CR and LF in <paramref name="message"/> become spaces (errors are one line).</summary>
    public static byte[] Error(string message) => Encode(new RespError(message.Replace('\r', ' ').Replace('\n', ' ')));

    /// <summary>Writes one value.</summary>
    public static void Write(IBufferWriter<byte> w, RespValue value)
    {
        switch (value)
        {
            case RespSimpleString s: Line(w, '+', s.Value); break;
            case RespError e: Line(w, '-', e.Message); break;
            case RespInteger i: Line(w, ':', i.Value.ToString(CultureInfo.InvariantCulture)); break;
            case RespDouble d: Line(w, ',', d.Text); break;
            case RespBigNumber b: Line(w, '(', b.Digits); break;
            case RespBoolean b: Line(w, '#', b.Value ? "t" : "f"); break;
            case RespNull: Line(w, '_', ""); break;
            case RespBulkString { Value: null }: Line(w, '$', "-1"); break;
            case RespBulkString b: Blob(w, '$', b.Value); break;
            case RespBulkError e: Blob(w, '!', e.Message); break;
            case RespVerbatimString v: Blob(w, '=', Encoding.ASCII.GetBytes(v.Encoding + ":").Concat(v.Value).ToArray()); break;
            case RespArray { Items: null }: Line(w, '*', "-1"); break;
            case RespArray a: Aggregate(w, '*', a.Items); break;
            case RespSet s: Aggregate(w, '~', s.Items); break;
            case RespPush p: Aggregate(w, '>', p.Items); break;
            case RespMap m: Pairs(w, '%', m.Entries); break;
            case RespAttribute a: Pairs(w, '|', a.Attributes); Write(w, a.Value); break;
            case RespInlineCommand c:
                w.Write(Encoding.UTF8.GetBytes(string.Join(' ', c.Arguments.Select(x => Encoding.UTF8.GetString(x))) + "\r\n"));
                break;
            default: throw new ArgumentException("unknown RESP value " + value.GetType().Name, nameof(value));
        }
    }

    private static void Line(IBufferWriter<byte> w, char prefix, string text)
    {
        w.Write(new[] { (byte)prefix });
        w.Write(Encoding.UTF8.GetBytes(text));
        w.Write("\r\n"u8);
    }

    private static void Blob(IBufferWriter<byte> w, char prefix, byte[] data)
    {
        Line(w, prefix, data.Length.ToString(CultureInfo.InvariantCulture));
        w.Write(data);
        w.Write("\r\n"u8);
    }

    private static void Aggregate(IBufferWriter<byte> w, char prefix, IReadOnlyList<RespValue> items)
    {
        Line(w, prefix, items.Count.ToString(CultureInfo.InvariantCulture));
        foreach (RespValue item in items)
        {
            Write(w, item);
        }
    }

    private static void Pairs(IBufferWriter<byte> w, char prefix, IReadOnlyList<KeyValuePair<RespValue, RespValue>> pairs)
    {
        Line(w, prefix, pairs.Count.ToString(CultureInfo.InvariantCulture));
        foreach (KeyValuePair<RespValue, RespValue> p in pairs)
        {
            Write(w, p.Key);
            Write(w, p.Value);
        }
    }
}
