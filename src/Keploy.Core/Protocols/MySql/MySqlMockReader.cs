using Keploy.Core.Models;
using Keploy.Core.Protocols.MySql.Messages;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Protocols.MySql;

/// <summary>A <c>kind: MySQL</c> mock decoded: its request and response entries as typed messages.</summary>
/// <param name="Mock">The mock.</param>
/// <param name="Requests">Client messages in order.</param>
/// <param name="Responses">Server messages in order.</param>
public sealed record MySqlRecordedMock(Mock Mock, IReadOnlyList<MySqlEntry> Requests, IReadOnlyList<MySqlEntry> Responses)
{
    /// <summary>The connection phase (greeting and authentication), answered by the replayer itself.</summary>
    public bool IsHandshake => Responses.Any(r => r.Message is HandshakeV10) || Requests.Any(r => r.Message is HandshakeResponse41 or SslRequest);

    /// <summary>The command (first request), or null.</summary>
    public MySqlMessage? Command => Requests.Count > 0 ? Requests[0].Message : null;
}

/// <summary>
/// Reads <c>kind: MySQL</c> mocks (Keploy 2-dev, 2.x, 3.0.x as in keploy/samples-go echo-mysql and keploy/ecommerce_sample_app)
/// into typed messages by each entry's <c>packet_type</c>. Throws <see cref="MySqlProtocolException"/> naming the mock, its
/// location and the entry.
/// </summary>
public static class MySqlMockReader
{
    /// <summary>Decodes one mock.</summary>
    public static MySqlRecordedMock Read(Mock mock)
    {
        string where = $"mock {mock.Name}{(mock.Location is null ? "" : " at " + mock.Location)}";
        try
        {
            List<MySqlEntry> requests = MySqlYaml.Entries(mock.Spec, "requests").Select((e, i) => ReadEntry(e, $"requests[{i}]", request: true)).ToList();
            List<MySqlEntry> responses = MySqlYaml.Entries(mock.Spec, "responses").Select((e, i) => ReadEntry(e, $"responses[{i}]", request: false)).ToList();
            return new MySqlRecordedMock(mock, requests, responses);
        }
        catch (Exception ex) when (ex is MySqlProtocolException or FormatException or InvalidCastException or OverflowException)
        {
            throw new MySqlProtocolException($"{where}: {ex.Message}");
        }
    }

    private static MySqlEntry ReadEntry(YamlMappingNode e, string path, bool request)
    {
        YamlMappingNode? header = YamlNodes.GetMapping(e, "header");
        YamlMappingNode? inner = YamlNodes.GetMapping(header, "header");
        string type = YamlNodes.GetString(header, "packet_type") ?? throw new MySqlProtocolException($"{path}.header.packet_type is missing");
        int length = (int)MySqlYaml.GetInt(inner, "payload_length", path, 0);
        byte seq = MySqlYaml.SequenceOf(inner);
        YamlNode? message = YamlNodes.Get(e, "message");
        YamlMappingNode map = message as YamlMappingNode ?? new YamlMappingNode();
        string mpath = path + ".message";
        List<KeyValuePair<string, string>>? meta = YamlNodes.GetMapping(e, "meta")?.Children
            .Select(kv => new KeyValuePair<string, string>(((YamlScalarNode)kv.Key).Value ?? "", (kv.Value as YamlScalarNode)?.Value ?? "")).ToList();
        MySqlMessage msg = request ? Request(type, message, map, mpath) : Response(type, map, mpath);
        return new MySqlEntry(msg, length, seq, meta);
    }

    private static MySqlMessage Request(string type, YamlNode? message, YamlMappingNode m, string path) => type switch
    {
        "SSLRequest" => SslRequest.FromYaml(m, path),
        "HandshakeResponse41" => HandshakeResponse41.FromYaml(m, path),
        AuthSwitchResponse.RequestPublicKey or AuthSwitchResponse.PlainPassword or AuthSwitchResponse.EncryptedPassword or AuthSwitchResponse.SwitchResponse
            => AuthSwitchResponse.FromYaml(type, message),
        "COM_QUERY" => ComQuery.FromYaml(m),
        "COM_STMT_PREPARE" => ComStmtPrepare.FromYaml(m),
        "COM_STMT_EXECUTE" => ComStmtExecute.FromYaml(m, path),
        "COM_STMT_CLOSE" => ComStmtClose.FromYaml(m, path),
        "COM_STMT_RESET" => ComStmtReset.FromYaml(m, path),
        "COM_STMT_SEND_LONG_DATA" => ComStmtSendLongData.FromYaml(m, path),
        "COM_INIT_DB" => ComInitDb.FromYaml(m),
        "COM_CHANGE_USER" when YamlNodes.Get(m, "user") is not null => ComChangeUser.FromYaml(m, path),
        _ when type.StartsWith("COM_", StringComparison.Ordinal) => ComSimple.FromYaml(m, path),
        _ => throw new MySqlProtocolException($"{path}: unknown request packet_type '{type}'"),
    };

    private static MySqlMessage Response(string type, YamlMappingNode m, string path) => type switch
    {
        "HandshakeV10" => HandshakeV10.FromYaml(m, path),
        "AuthSwitchRequest" => AuthSwitchRequest.FromYaml(m),
        "AuthMoreData" => AuthMoreData.FromYaml(m),
        "OK" => OkPacket.FromYaml(m, path),
        "ERR" => ErrPacket.FromYaml(m, path),
        "EOF" => EofPacket.FromYaml(m, path),
        "TextResultSet" => ResultSet.FromYaml(m, binary: false, path),
        "BinaryProtocolResultSet" => ResultSet.FromYaml(m, binary: true, path),
        "COM_STMT_PREPARE_OK" => ComStmtPrepareOk.FromYaml(m, path),
        "Raw" => RawResponse.FromYaml(m, path),
        _ => throw new MySqlProtocolException($"{path}: unknown response packet_type '{type}'"),
    };
}
