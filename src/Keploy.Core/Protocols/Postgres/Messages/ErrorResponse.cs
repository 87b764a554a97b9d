namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>
/// ErrorResponse ('E'): fields of Byte1 code + String value, ended by a NUL (PostgreSQL docs, 55.8 Error and Notice Message Fields:
/// S severity, V severity (non-localised), C SQLSTATE, M message, D detail, H hint, P position, ...).
/// </summary>
internal sealed record ErrorResponse(IReadOnlyList<KeyValuePair<char, string>> Fields) : PgMessage
{
    public override string Name => "ErrorResponse";

    public string? Get(char code) => Fields.FirstOrDefault(f => f.Key == code).Value;

    /// <summary>An ERROR with SQLSTATE <paramref name="sqlState"/> and <paramref name="message"/>.</summary>
    public static byte[] Encode(string sqlState, string message)
    {
        return new PgWriter((byte)'E').Byte((byte)'S').CString("ERROR").Byte((byte)'V').CString("ERROR")
            .Byte((byte)'C').CString(sqlState).Byte((byte)'M').CString(message).Byte(0).ToArray();
    }
}
