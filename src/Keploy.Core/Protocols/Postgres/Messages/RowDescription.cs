namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>RowDescription ('T'): Int16 field count, then per field String name, Int32, Int16, Int32, Int16, Int32, Int16.</summary>
internal sealed record RowDescription(IReadOnlyList<RowDescriptionField> Fields) : PgMessage
{
    public override string Name => "RowDescription";

    public byte[] Encode()
    {
        PgWriter w = new PgWriter((byte)'T').Int16((short)Fields.Count);
        foreach (RowDescriptionField f in Fields)
        {
            w.CString(f.FieldName).Int32(f.TableOid).Int16(f.TableAttributeNumber).Int32(f.DataTypeOid).Int16(f.DataTypeSize).Int32(f.TypeModifier).Int16(f.Format);
        }

        return w.ToArray();
    }
}
