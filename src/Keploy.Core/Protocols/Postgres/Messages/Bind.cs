namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>
/// Bind ('B'): String portal, String statement, Int16 n + Int16[n] parameter format codes, Int16 n + (Int32 length, Byte[length])
/// parameter values (length -1 = NULL), Int16 n + Int16[n] result format codes.
/// </summary>
internal sealed record Bind(
    string Portal,
    string Statement,
    IReadOnlyList<short> ParameterFormats,
    IReadOnlyList<byte[]?> Parameters,
    IReadOnlyList<short> ResultFormats) : PgMessage
{
    public override string Name => "Bind";

    /// <summary>The format of parameter <paramref name="i"/>: one code applies to all, none means text.</summary>
    public short FormatOf(int i) => ParameterFormats.Count switch
    {
        0 => 0,
        1 => ParameterFormats[0],
        _ => i < ParameterFormats.Count ? ParameterFormats[i] : (short)0,
    };

    public byte[] Encode()
    {
        PgWriter w = new PgWriter((byte)'B').CString(Portal).CString(Statement).Int16((short)ParameterFormats.Count);
        foreach (short f in ParameterFormats)
        {
            w.Int16(f);
        }

        w.Int16((short)Parameters.Count);
        foreach (byte[]? p in Parameters)
        {
            w.NullableBytes(p);
        }

        w.Int16((short)ResultFormats.Count);
        foreach (short f in ResultFormats)
        {
            w.Int16(f);
        }

        return w.ToArray();
    }
}
