namespace Keploy.Core.Protocols.MySql;

/// <summary>Capability flags (MySQL docs, "Capabilities Flags"; the low 32 bits, as HandshakeV10 and HandshakeResponse41 carry them).</summary>
public static class MySqlCapabilities
{
    /// <summary>CLIENT_LONG_PASSWORD (MariaDB: CLIENT_MYSQL).</summary>
    public const uint LongPassword = 1;

    /// <summary>CLIENT_CONNECT_WITH_DB: the response names a database.</summary>
    public const uint ConnectWithDb = 1 << 3;

    /// <summary>CLIENT_COMPRESS.</summary>
    public const uint Compress = 1 << 5;

    /// <summary>CLIENT_LOCAL_FILES: LOAD DATA LOCAL INFILE allowed.</summary>
    public const uint LocalFiles = 1 << 7;

    /// <summary>CLIENT_PROTOCOL_41.</summary>
    public const uint Protocol41 = 1 << 9;

    /// <summary>CLIENT_SSL.</summary>
    public const uint Ssl = 1 << 11;

    /// <summary>CLIENT_TRANSACTIONS.</summary>
    public const uint Transactions = 1 << 13;

    /// <summary>CLIENT_SECURE_CONNECTION (CLIENT_RESERVED2).</summary>
    public const uint SecureConnection = 1 << 15;

    /// <summary>CLIENT_MULTI_STATEMENTS.</summary>
    public const uint MultiStatements = 1 << 16;

    /// <summary>CLIENT_MULTI_RESULTS.</summary>
    public const uint MultiResults = 1 << 17;

    /// <summary>CLIENT_PS_MULTI_RESULTS.</summary>
    public const uint PsMultiResults = 1 << 18;

    /// <summary>CLIENT_PLUGIN_AUTH.</summary>
    public const uint PluginAuth = 1 << 19;

    /// <summary>CLIENT_CONNECT_ATTRS.</summary>
    public const uint ConnectAttrs = 1 << 20;

    /// <summary>CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA.</summary>
    public const uint PluginAuthLenEncData = 1 << 21;

    /// <summary>CLIENT_SESSION_TRACK: OK packets carry session state changes.</summary>
    public const uint SessionTrack = 1 << 23;

    /// <summary>CLIENT_DEPRECATE_EOF: OK packets (header 0xFE) replace EOF packets.</summary>
    public const uint DeprecateEof = 1 << 24;

    /// <summary>CLIENT_OPTIONAL_RESULTSET_METADATA.</summary>
    public const uint OptionalResultsetMetadata = 1 << 25;

    /// <summary>CLIENT_ZSTD_COMPRESSION_ALGORITHM.</summary>
    public const uint ZstdCompression = 1 << 26;

    /// <summary>CLIENT_QUERY_ATTRIBUTES: COM_QUERY and COM_STMT_EXECUTE carry parameter counts.</summary>
    public const uint QueryAttributes = 1 << 27;
}

/// <summary>Server status flags (MySQL docs, "SERVER_STATUS_flags_enum").</summary>
public static class MySqlServerStatus
{
    /// <summary>SERVER_STATUS_IN_TRANS.</summary>
    public const int InTransaction = 1;

    /// <summary>SERVER_STATUS_AUTOCOMMIT.</summary>
    public const int Autocommit = 2;

    /// <summary>SERVER_MORE_RESULTS_EXISTS: another result set follows.</summary>
    public const int MoreResultsExist = 8;

    /// <summary>SERVER_STATUS_CURSOR_EXISTS.</summary>
    public const int CursorExists = 0x40;
}

/// <summary>Command bytes (MySQL docs, "Command Phase") and their Keploy names.</summary>
public static class MySqlCommand
{
    /// <summary>COM_QUIT.</summary>
    public const byte Quit = 0x01;

    /// <summary>COM_INIT_DB.</summary>
    public const byte InitDb = 0x02;

    /// <summary>COM_QUERY.</summary>
    public const byte Query = 0x03;

    /// <summary>COM_FIELD_LIST.</summary>
    public const byte FieldList = 0x04;

    /// <summary>COM_STATISTICS.</summary>
    public const byte Statistics = 0x08;

    /// <summary>COM_DEBUG.</summary>
    public const byte Debug = 0x0D;

    /// <summary>COM_PING.</summary>
    public const byte Ping = 0x0E;

    /// <summary>COM_CHANGE_USER.</summary>
    public const byte ChangeUser = 0x11;

    /// <summary>COM_STMT_PREPARE.</summary>
    public const byte StmtPrepare = 0x16;

    /// <summary>COM_STMT_EXECUTE.</summary>
    public const byte StmtExecute = 0x17;

    /// <summary>COM_STMT_SEND_LONG_DATA.</summary>
    public const byte StmtSendLongData = 0x18;

    /// <summary>COM_STMT_CLOSE.</summary>
    public const byte StmtClose = 0x19;

    /// <summary>COM_STMT_RESET.</summary>
    public const byte StmtReset = 0x1A;

    /// <summary>COM_SET_OPTION.</summary>
    public const byte SetOption = 0x1B;

    /// <summary>COM_STMT_FETCH.</summary>
    public const byte StmtFetch = 0x1C;

    /// <summary>COM_RESET_CONNECTION.</summary>
    public const byte ResetConnection = 0x1F;

    /// <summary>The Keploy name of a command byte (<c>COM_QUERY</c>), or <c>COM_0x..</c> for one without a name.</summary>
    public static string Name(byte command) => command switch
    {
        Quit => "COM_QUIT",
        InitDb => "COM_INIT_DB",
        Query => "COM_QUERY",
        FieldList => "COM_FIELD_LIST",
        Statistics => "COM_STATISTICS",
        Debug => "COM_DEBUG",
        Ping => "COM_PING",
        ChangeUser => "COM_CHANGE_USER",
        StmtPrepare => "COM_STMT_PREPARE",
        StmtExecute => "COM_STMT_EXECUTE",
        StmtSendLongData => "COM_STMT_SEND_LONG_DATA",
        StmtClose => "COM_STMT_CLOSE",
        StmtReset => "COM_STMT_RESET",
        SetOption => "COM_SET_OPTION",
        StmtFetch => "COM_STMT_FETCH",
        ResetConnection => "COM_RESET_CONNECTION",
        _ => $"COM_0x{command:X2}",
    };

    /// <summary>True for the commands the server does not answer (COM_STMT_CLOSE, COM_STMT_SEND_LONG_DATA, COM_QUIT).</summary>
    public static bool HasNoResponse(byte command) => command is StmtClose or StmtSendLongData or Quit;
}

/// <summary>Column types (MySQL docs, "enum_field_types").</summary>
public static class MySqlFieldType
{
    /// <summary>MYSQL_TYPE_DECIMAL.</summary>
    public const int Decimal = 0;

    /// <summary>MYSQL_TYPE_TINY.</summary>
    public const int Tiny = 1;

    /// <summary>MYSQL_TYPE_SHORT.</summary>
    public const int Short = 2;

    /// <summary>MYSQL_TYPE_LONG.</summary>
    public const int Long = 3;

    /// <summary>MYSQL_TYPE_FLOAT.</summary>
    public const int Float = 4;

    /// <summary>MYSQL_TYPE_DOUBLE.</summary>
    public const int Double = 5;

    /// <summary>MYSQL_TYPE_NULL.</summary>
    public const int Null = 6;

    /// <summary>MYSQL_TYPE_TIMESTAMP.</summary>
    public const int Timestamp = 7;

    /// <summary>MYSQL_TYPE_LONGLONG.</summary>
    public const int LongLong = 8;

    /// <summary>MYSQL_TYPE_INT24.</summary>
    public const int Int24 = 9;

    /// <summary>MYSQL_TYPE_DATE.</summary>
    public const int Date = 10;

    /// <summary>MYSQL_TYPE_TIME.</summary>
    public const int Time = 11;

    /// <summary>MYSQL_TYPE_DATETIME.</summary>
    public const int DateTime = 12;

    /// <summary>MYSQL_TYPE_YEAR.</summary>
    public const int Year = 13;

    /// <summary>MYSQL_TYPE_NEWDATE.</summary>
    public const int NewDate = 14;

    /// <summary>Column flag UNSIGNED_FLAG.</summary>
    public const int UnsignedFlag = 32;
}
