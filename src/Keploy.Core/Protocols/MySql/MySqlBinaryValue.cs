using System.Globalization;
using Keploy.Core.Storage;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Protocols.MySql;

/// <summary>
/// Values of the binary protocol (MySQL docs "Binary Protocol Value"), as COM_STMT_EXECUTE parameters and binary result rows carry
/// them, converted to and from Keploy's YAML values: integers as numbers, FLOAT/DOUBLE as numbers, DATE/DATETIME/TIMESTAMP as
/// <c>YYYY-MM-DD[ HH:MM:SS[.ffffff]]</c> (the stored length 0/4/7/11 follows from the text), TIME as <c>[-]HH:MM:SS[.ffffff]</c>
/// (hours include days), everything else (strings, DECIMAL, BLOB, JSON, BIT) as the length-encoded bytes (text, or <c>!!binary</c>).
/// </summary>
public static class MySqlBinaryValue
{
    /// <summary>Reads one value of <paramref name="type"/> and returns its YAML form.</summary>
    public static YamlNode Read(ref MySqlReader r, int type, bool unsigned)
    {
        switch (type)
        {
            case MySqlFieldType.Tiny:
                return unsigned ? MySqlYaml.Int(r.U8("value")) : MySqlYaml.Int((sbyte)r.U8("value"));
            case MySqlFieldType.Short or MySqlFieldType.Year:
                return unsigned ? MySqlYaml.Int(r.U16("value")) : MySqlYaml.Int((short)r.U16("value"));
            case MySqlFieldType.Long or MySqlFieldType.Int24:
                return unsigned ? MySqlYaml.Int(r.U32("value")) : MySqlYaml.Int((int)r.U32("value"));
            case MySqlFieldType.LongLong:
                return unsigned ? MySqlYaml.UInt(r.U64("value")) : MySqlYaml.Int((long)r.U64("value"));
            case MySqlFieldType.Float:
                return Plain(BitConverter.Int32BitsToSingle((int)r.U32("value")).ToString("R", CultureInfo.InvariantCulture));
            case MySqlFieldType.Double:
                return Plain(BitConverter.Int64BitsToDouble((long)r.U64("value")).ToString("R", CultureInfo.InvariantCulture));
            case MySqlFieldType.Null:
                return MySqlYaml.Null();
            case MySqlFieldType.Date or MySqlFieldType.DateTime or MySqlFieldType.Timestamp or MySqlFieldType.NewDate:
                return MySqlYaml.Str(ReadDateTime(ref r));
            case MySqlFieldType.Time:
                return MySqlYaml.Str(ReadTime(ref r));
            default:
                return MySqlYaml.Text(r.LenEncBytes("value"));
        }
    }

    /// <summary>Writes the value <paramref name="node"/> (its YAML form) as <paramref name="type"/>.</summary>
    /// <exception cref="MySqlProtocolException">The value does not fit the type.</exception>
    public static void Write(MySqlWriter w, int type, bool unsigned, YamlNode? node, string path)
    {
        YamlScalarNode s = node as YamlScalarNode ?? throw new MySqlProtocolException($"{path}: value missing");
        string text = s.Value ?? "";
        try
        {
            switch (type)
            {
                case MySqlFieldType.Tiny:
                    w.U8(unsigned ? byte.Parse(text, CultureInfo.InvariantCulture) : (byte)sbyte.Parse(text, CultureInfo.InvariantCulture));
                    return;
                case MySqlFieldType.Short or MySqlFieldType.Year:
                    w.U16(unsigned ? ushort.Parse(text, CultureInfo.InvariantCulture) : (ushort)short.Parse(text, CultureInfo.InvariantCulture));
                    return;
                case MySqlFieldType.Long or MySqlFieldType.Int24:
                    w.U32(unsigned ? uint.Parse(text, CultureInfo.InvariantCulture) : (uint)int.Parse(text, CultureInfo.InvariantCulture));
                    return;
                case MySqlFieldType.LongLong:
                    w.U64(unsigned ? ulong.Parse(text, CultureInfo.InvariantCulture) : (ulong)long.Parse(text, CultureInfo.InvariantCulture));
                    return;
                case MySqlFieldType.Float:
                    w.U32((uint)BitConverter.SingleToInt32Bits(float.Parse(text, CultureInfo.InvariantCulture)));
                    return;
                case MySqlFieldType.Double:
                    w.U64((ulong)BitConverter.DoubleToInt64Bits(double.Parse(text, CultureInfo.InvariantCulture)));
                    return;
                case MySqlFieldType.Null:
                    return;
                case MySqlFieldType.Date or MySqlFieldType.DateTime or MySqlFieldType.Timestamp or MySqlFieldType.NewDate:
                    WriteDateTime(w, text);
                    return;
                case MySqlFieldType.Time:
                    WriteTime(w, text);
                    return;
                default:
                    w.LenEncBytes(KeployYaml.GetBytes(s));
                    return;
            }
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException)
        {
            throw new MySqlProtocolException($"{path}: '{text}' is not a value of MySQL type {type}");
        }
    }

    private static YamlScalarNode Plain(string text) => new(text) { Style = YamlDotNet.Core.ScalarStyle.Plain };

    private static string ReadDateTime(ref MySqlReader r)
    {
        int n = r.U8("length");
        if (n == 0)
        {
            return "0000-00-00 00:00:00";
        }

        int year = r.U16("year"), month = r.U8("month"), day = r.U8("day");
        string date = $"{year:D4}-{month:D2}-{day:D2}";
        if (n == 4)
        {
            return date;
        }

        int h = r.U8("hour"), m = r.U8("minute"), sec = r.U8("second");
        string time = $"{date} {h:D2}:{m:D2}:{sec:D2}";
        if (n == 7)
        {
            return time;
        }

        uint micro = r.U32("microsecond");
        r.Skip(n - 11, "datetime");
        return $"{time}.{micro:D6}";
    }

    private static void WriteDateTime(MySqlWriter w, string text)
    {
        if (text == "0000-00-00 00:00:00")
        {
            w.U8(0);
            return;
        }

        string[] dt = text.Split(' ');
        string[] d = dt[0].Split('-');
        if (d.Length != 3)
        {
            throw new FormatException();
        }

        if (dt.Length == 1)
        {
            w.U8(4).U16(int.Parse(d[0], CultureInfo.InvariantCulture)).U8(byte.Parse(d[1], CultureInfo.InvariantCulture)).U8(byte.Parse(d[2], CultureInfo.InvariantCulture));
            return;
        }

        string[] t = dt[1].Split(':', '.');
        bool micro = t.Length == 4;
        w.U8(micro ? 11 : 7).U16(int.Parse(d[0], CultureInfo.InvariantCulture)).U8(byte.Parse(d[1], CultureInfo.InvariantCulture)).U8(byte.Parse(d[2], CultureInfo.InvariantCulture))
            .U8(byte.Parse(t[0], CultureInfo.InvariantCulture)).U8(byte.Parse(t[1], CultureInfo.InvariantCulture)).U8(byte.Parse(t[2], CultureInfo.InvariantCulture));
        if (micro)
        {
            w.U32(uint.Parse(t[3].PadRight(6, '0'), CultureInfo.InvariantCulture));
        }
    }

    private static string ReadTime(ref MySqlReader r)
    {
        int n = r.U8("length");
        if (n == 0)
        {
            return "00:00:00";
        }

        bool negative = r.U8("is_negative") != 0;
        uint days = r.U32("days");
        int h = r.U8("hour"), m = r.U8("minute"), s = r.U8("second");
        string text = $"{(negative ? "-" : "")}{(days * 24) + (uint)h:D2}:{m:D2}:{s:D2}";
        if (n >= 12)
        {
            text += $".{r.U32("microsecond"):D6}";
            r.Skip(n - 12, "time");
        }
        else
        {
            r.Skip(n - 8, "time");
        }

        return text;
    }

    private static void WriteTime(MySqlWriter w, string text)
    {
        if (text == "00:00:00")
        {
            w.U8(0);
            return;
        }

        bool negative = text.StartsWith('-');
        string[] t = text.TrimStart('-').Split(':', '.');
        uint hours = uint.Parse(t[0], CultureInfo.InvariantCulture);
        bool micro = t.Length == 4;
        w.U8(micro ? 12 : 8).U8(negative ? 1 : 0).U32(hours / 24).U8((int)(hours % 24)).U8(byte.Parse(t[1], CultureInfo.InvariantCulture)).U8(byte.Parse(t[2], CultureInfo.InvariantCulture));
        if (micro)
        {
            w.U32(uint.Parse(t[3].PadRight(6, '0'), CultureInfo.InvariantCulture));
        }
    }
}
