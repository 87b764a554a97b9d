using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Keploy.Core.Protocols.Postgres;

/// <summary>
/// Renders a PostgreSQL value (a Bind parameter or a DataRow column) as text by its type OID and format code, following the
/// binary send/recv formats of PostgreSQL's <c>src/backend/utils/adt</c> (<c>uuid_send</c>, <c>numeric_send</c>,
/// <c>timestamptz_send</c>: microseconds since 2000-01-01, ...). Unknown types in binary format are shown as hex; text format
/// values as their text. Never throws: a value whose length does not fit its type is shown as hex.
/// </summary>
internal static class PgValueText
{
    private static readonly DateTime PgEpoch = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>The type's name for a few common OIDs (<c>pg_type.typname</c>), or null (unknown or 0).</summary>
    public static string? TypeName(int oid) => oid switch
    {
        16 => "bool",
        17 => "bytea",
        18 => "char",
        19 => "name",
        20 => "int8",
        21 => "int2",
        23 => "int4",
        25 => "text",
        26 => "oid",
        114 => "json",
        700 => "float4",
        701 => "float8",
        1042 => "bpchar",
        1043 => "varchar",
        1082 => "date",
        1083 => "time",
        1114 => "timestamp",
        1184 => "timestamptz",
        1186 => "interval",
        1700 => "numeric",
        2950 => "uuid",
        3802 => "jsonb",
        _ => null,
    };

    /// <summary>The value as text without quotes (<c>482ac346-c347-…</c>, <c>12.50</c>, <c>2026-12-01 23:45:00.123456+00</c>).</summary>
    /// <param name="oid">Type OID, 0 when unknown.</param>
    /// <param name="format">0 text, 1 binary.</param>
    /// <param name="value">The value's bytes (not null).</param>
    public static string Text(int oid, short format, byte[] value)
    {
        if (format == 0)
        {
            return Encoding.UTF8.GetString(value);
        }

        try
        {
            ReadOnlySpan<byte> v = value;
            string? text = (oid, v.Length) switch
            {
                (16, 1) => v[0] != 0 ? "true" : "false",
                (21, 2) => BinaryPrimitives.ReadInt16BigEndian(v).ToString(CultureInfo.InvariantCulture),
                (23, 4) => BinaryPrimitives.ReadInt32BigEndian(v).ToString(CultureInfo.InvariantCulture),
                (26, 4) => BinaryPrimitives.ReadUInt32BigEndian(v).ToString(CultureInfo.InvariantCulture),
                (20, 8) => BinaryPrimitives.ReadInt64BigEndian(v).ToString(CultureInfo.InvariantCulture),
                (700, 4) => BinaryPrimitives.ReadSingleBigEndian(v).ToString("R", CultureInfo.InvariantCulture),
                (701, 8) => BinaryPrimitives.ReadDoubleBigEndian(v).ToString("R", CultureInfo.InvariantCulture),
                (2950, 16) => Uuid(v),
                (1114, 8) => Timestamp(BinaryPrimitives.ReadInt64BigEndian(v), withZone: false),
                (1184, 8) => Timestamp(BinaryPrimitives.ReadInt64BigEndian(v), withZone: true),
                (1082, 4) => PgEpoch.AddDays(BinaryPrimitives.ReadInt32BigEndian(v)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                (1083, 8) => TimeSpan.FromTicks(BinaryPrimitives.ReadInt64BigEndian(v) * 10).ToString("c", CultureInfo.InvariantCulture),
                (1700, >= 8) => Numeric(v),
                (25 or 1042 or 1043 or 19 or 114 or 18, _) => Encoding.UTF8.GetString(v),
                (3802, >= 1) when v[0] == 1 => Encoding.UTF8.GetString(v[1..]),
                _ => null,
            };
            return text ?? "0x" + Convert.ToHexString(value);
        }
        catch (ArgumentException)
        {
            return "0x" + Convert.ToHexString(value);
        }
    }

    /// <summary>
    /// The value as a SQL literal with its type: <c>'482ac346-…'::uuid</c>, <c>7::int4</c>, <c>'item-1'::text</c>, <c>NULL</c>;
    /// untyped text values as <c>'...'</c>, untyped binary ones as <c>0x…</c>.
    /// </summary>
    public static string Literal(int oid, short format, byte[]? value)
    {
        if (value is null)
        {
            return "NULL";
        }

        string text = Text(oid, format, value);
        string? type = TypeName(oid);
        if (text.StartsWith("0x", StringComparison.Ordinal) && format != 0 && oid is not (25 or 1043 or 1042 or 19))
        {
            return type is null ? text : $"{text}::{type}";
        }

        bool bare = oid is 16 or 20 or 21 or 23 or 26 or 700 or 701 or 1700;
        string quoted = bare ? text : "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
        return type is null ? quoted : $"{quoted}::{type}";
    }

    private static string Uuid(ReadOnlySpan<byte> v)
    {
        string h = Convert.ToHexString(v).ToLowerInvariant();
        return $"{h[..8]}-{h[8..12]}-{h[12..16]}-{h[16..20]}-{h[20..]}";
    }

    private static string Timestamp(long micros, bool withZone)
    {
        if (micros == long.MaxValue)
        {
            return "infinity";
        }

        if (micros == long.MinValue)
        {
            return "-infinity";
        }

        DateTime t = PgEpoch.AddTicks(micros * 10);
        return t.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + (withZone ? "+00" : "");
    }

    private static string? Numeric(ReadOnlySpan<byte> v)
    {
        int ndigits = BinaryPrimitives.ReadInt16BigEndian(v);
        int weight = BinaryPrimitives.ReadInt16BigEndian(v[2..]);
        int sign = BinaryPrimitives.ReadUInt16BigEndian(v[4..]);
        int dscale = BinaryPrimitives.ReadInt16BigEndian(v[6..]);
        switch (sign)
        {
            case 0xC000:
                return "NaN";
            case 0xD000:
                return "Infinity";
            case 0xF000:
                return "-Infinity";
        }

        if (ndigits < 0 || v.Length != 8 + (2 * ndigits) || dscale < 0)
        {
            return null;
        }

        BigInteger n = BigInteger.Zero;
        for (int i = 0; i < ndigits; i++)
        {
            n = (n * 10000) + BinaryPrimitives.ReadInt16BigEndian(v[(8 + (2 * i))..]);
        }

        // The last base-10000 digit has weight (weight - ndigits + 1); as a power of ten that is 4x.
        int exponent = 4 * (weight - ndigits + 1);
        string digits;
        int scale;
        if (exponent >= 0)
        {
            digits = (n * BigInteger.Pow(10, exponent)).ToString(CultureInfo.InvariantCulture);
            scale = 0;
        }
        else
        {
            digits = n.ToString(CultureInfo.InvariantCulture);
            scale = -exponent;
        }

        digits = digits.PadLeft(scale + 1, '0');
        string integer = digits[..^scale];
        string fraction = scale == 0 ? "" : digits[^scale..];
        fraction = fraction.Length > dscale ? fraction[..dscale] : fraction.PadRight(dscale, '0');
        string result = fraction.Length == 0 ? integer : integer + "." + fraction;
        return sign == 0x4000 ? "-" + result : result;
    }
}
