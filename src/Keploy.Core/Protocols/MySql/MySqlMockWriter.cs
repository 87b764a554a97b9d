using System.Globalization;
using Keploy.Core.Models;
using Keploy.Core.Protocols.MySql.Messages;
using Keploy.Core.Storage;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Protocols.MySql;

/// <summary>
/// Builds a <c>kind: MySQL</c> mock in Keploy's shape (<c>pkg/models/mysql</c>): <c>metadata</c> (<c>connID</c>,
/// <c>requestOperation</c>, <c>responseOperation</c>, <c>type</c>), <c>requests</c>/<c>responses</c> entries of
/// <c>header: {header: {payload_length, sequence_id}, packet_type}</c>, optional <c>meta</c>, and <c>message</c>; <c>created</c>
/// (unix seconds) and the lower-cased timestamp keys. <c>type</c>: <c>config</c> for the handshake and session statements,
/// <c>connection</c> for COM_STMT_PREPARE, <c>mocks</c> for the rest.
/// </summary>
public static class MySqlMockWriter
{
    /// <summary>The mock for one exchange.</summary>
    public static Mock Build(MySqlExchange x)
    {
        string requestOperation = x.Handshake ? "HandshakeV10" : x.Requests.Count > 0 ? x.Requests[0].Message.PacketType : "";
        string responseOperation = x.Responses.Count == 0 ? "NO Response Packet" : x.Responses[^1].Message.PacketType;
        YamlMappingNode metadata = new()
        {
            { "connID", new YamlScalarNode(x.ConnectionId.ToString(CultureInfo.InvariantCulture)) { Style = YamlDotNet.Core.ScalarStyle.DoubleQuoted } },
            { "requestOperation", requestOperation },
            { "responseOperation", responseOperation },
            { "type", Classify(x) },
        };

        YamlMappingNode spec = new()
        {
            { "metadata", metadata },
            { "requests", new YamlSequenceNode(x.Requests.Select(Entry)) },
            { "responses", new YamlSequenceNode(x.Responses.Select(Entry)) },
            { "created", KeployYaml.Int(x.RequestTime.ToUnixTimeSeconds()) },
            { "reqtimestampmock", KeployYaml.Timestamp(x.RequestTime) },
            { "restimestampmock", KeployYaml.Timestamp(x.ResponseTime) },
        };
        return new Mock { Kind = "MySQL", Spec = spec };
    }

    /// <summary><c>config</c>, <c>connection</c> or <c>mocks</c> (see the type's summary).</summary>
    public static string Classify(MySqlExchange x)
    {
        if (x.Handshake)
        {
            return "config";
        }

        MySqlMessage? first = x.Requests.Count > 0 ? x.Requests[0].Message : null;
        return first switch
        {
            ComStmtPrepare => "connection",
            ComQuery q when MySqlSql.IsSessionStatement(q.Query) => "config",
            ComInitDb or ComPing or ComResetConnection or ComChangeUser => "config",
            ComSimple s when s.Command is MySqlCommand.Statistics or MySqlCommand.Debug or MySqlCommand.SetOption => "config",
            _ => "mocks",
        };
    }

    /// <summary>One <c>requests</c>/<c>responses</c> entry node.</summary>
    internal static YamlMappingNode Entry(MySqlEntry e)
    {
        YamlMappingNode header = new()
        {
            { "header", MySqlYaml.Header(e.PayloadLength, e.SequenceId) },
            { "packet_type", e.Message.PacketType },
        };
        YamlMappingNode m = new() { { "header", header } };
        if (e.Meta is { Count: > 0 })
        {
            YamlMappingNode meta = new();
            foreach (KeyValuePair<string, string> kv in e.Meta)
            {
                meta.Add(kv.Key, kv.Value);
            }

            m.Add("meta", meta);
        }

        m.Add("message", e.Message.ToYaml());
        return m;
    }
}
