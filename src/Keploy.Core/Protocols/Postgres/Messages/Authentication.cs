namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>
/// Authentication* ('R'): Int32 code then code-specific data. Codes: 0 Ok, 3 CleartextPassword, 5 MD5Password (Byte4 salt),
/// 10 SASL (mechanism Strings, then NUL), 11 SASLContinue, 12 SASLFinal (data = rest of message). Subtypes carry the decoded data.
/// </summary>
internal abstract record Authentication(int Code) : PgMessage
{
    public const int OkCode = 0;
    public const int CleartextCode = 3;
    public const int Md5Code = 5;
    public const int SaslCode = 10;
    public const int SaslContinueCode = 11;
    public const int SaslFinalCode = 12;

    /// <summary>True when the server now waits for the client (every code except Ok and SASLFinal, which AuthenticationOk follows at once).</summary>
    public bool AwaitsClient => Code is not (OkCode or SaslFinalCode);
}
