namespace Keploy.Core.Protocols.Postgres;

/// <summary>Protocol message names by type byte and direction (PostgreSQL docs, 55.7 Message Formats), for logs and YAML.</summary>
internal static class PgMessageNames
{
    public static string Name(byte type, bool frontend) => frontend ? Frontend(type) : Backend(type);

    public static string Frontend(byte type) => (char)type switch
    {
        '\0' => "StartupMessage",
        'p' => "PasswordMessage",
        'Q' => "Query",
        'P' => "Parse",
        'B' => "Bind",
        'D' => "Describe",
        'E' => "Execute",
        'S' => "Sync",
        'H' => "Flush",
        'C' => "Close",
        'd' => "CopyData",
        'c' => "CopyDone",
        'f' => "CopyFail",
        'X' => "Terminate",
        'F' => "FunctionCall",
        _ => $"message 0x{type:X2}",
    };

    public static string Backend(byte type) => (char)type switch
    {
        'R' => "Authentication",
        'S' => "ParameterStatus",
        'K' => "BackendKeyData",
        'Z' => "ReadyForQuery",
        'T' => "RowDescription",
        'D' => "DataRow",
        'C' => "CommandComplete",
        'I' => "EmptyQueryResponse",
        's' => "PortalSuspended",
        '1' => "ParseComplete",
        '2' => "BindComplete",
        '3' => "CloseComplete",
        'n' => "NoData",
        't' => "ParameterDescription",
        'E' => "ErrorResponse",
        'N' => "NoticeResponse",
        'A' => "NotificationResponse",
        'G' => "CopyInResponse",
        'H' => "CopyOutResponse",
        'W' => "CopyBothResponse",
        'd' => "CopyData",
        'c' => "CopyDone",
        'V' => "FunctionCallResponse",
        _ => $"message 0x{type:X2}",
    };
}
