namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>One column of a RowDescription: name, table OID, attribute number, type OID, type size, type modifier, format code.</summary>
internal sealed record RowDescriptionField(string FieldName, int TableOid, short TableAttributeNumber, int DataTypeOid, short DataTypeSize, int TypeModifier, short Format);
