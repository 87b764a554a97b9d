namespace Keploy.Core.Protocols.MySql;

/// <summary>
/// What decoding a connection's packets depends on: the capability flags both sides announced (CLIENT_DEPRECATE_EOF,
/// CLIENT_PROTOCOL_41, CLIENT_QUERY_ATTRIBUTES change packet layouts) and the prepared statements (COM_STMT_EXECUTE carries no
/// parameter count; its types may come from the previous execute).
/// </summary>
public sealed class MySqlSession
{
    /// <summary>The server's HandshakeV10 capability flags.</summary>
    public uint ServerCapabilities { get; set; } = uint.MaxValue;

    /// <summary>The client's HandshakeResponse41 capability flags.</summary>
    public uint ClientCapabilities { get; set; } = MySqlCapabilities.Protocol41 | MySqlCapabilities.SecureConnection | MySqlCapabilities.PluginAuth;

    /// <summary>Flags in effect: those both sides set.</summary>
    public uint Capabilities => ServerCapabilities & ClientCapabilities;

    /// <summary>CLIENT_DEPRECATE_EOF in effect.</summary>
    public bool DeprecateEof => (Capabilities & MySqlCapabilities.DeprecateEof) != 0;

    /// <summary>CLIENT_PROTOCOL_41 in effect.</summary>
    public bool Protocol41 => (Capabilities & MySqlCapabilities.Protocol41) != 0;

    /// <summary>CLIENT_QUERY_ATTRIBUTES in effect.</summary>
    public bool QueryAttributes => (Capabilities & MySqlCapabilities.QueryAttributes) != 0;

    /// <summary>Prepared statements by statement id.</summary>
    public Dictionary<uint, MySqlStatement> Statements { get; } = new();
}

/// <summary>One prepared statement of a connection.</summary>
/// <param name="Query">Its SQL text.</param>
/// <param name="ParameterCount">Parameters (COM_STMT_PREPARE_OK num_params).</param>
/// <param name="ColumnCount">Result columns (num_columns).</param>
public sealed record MySqlStatement(string Query, int ParameterCount, int ColumnCount)
{
    /// <summary>Parameter types of the last COM_STMT_EXECUTE that bound them (type | unsigned flag 0x8000), or null.</summary>
    public ushort[]? ParameterTypes { get; set; }

    /// <summary>Parameters sent with COM_STMT_SEND_LONG_DATA since the last execute (their values are not in the execute packet).</summary>
    public HashSet<int> LongData { get; } = new();
}
