using System.Text;
using YamlDotNet.RepresentationModel;
using static Keploy.Core.Protocols.MySql.MySqlYaml;

namespace Keploy.Core.Protocols.MySql.Messages;

/// <summary>
/// COM_QUERY (0x03, MySQL docs "COM_QUERY"): the statement text. Under CLIENT_QUERY_ATTRIBUTES the payload also carries a parameter
/// count and parameter set count (only attribute-less queries, count 0, are supported; Keploy's fields <c>parameter_count</c>,
/// <c>null_bitmap</c>, <c>new_params_bind_flag</c>, <c>parameters</c> stay empty).
/// </summary>
public sealed record ComQuery(string Query) : MySqlSinglePacket
{
    /// <inheritdoc />
    public override string PacketType => "COM_QUERY";

    /// <summary>Decodes the payload.</summary>
    public static ComQuery Decode(byte[] payload, MySqlSession session)
    {
        MySqlReader r = new(payload, "COM_QUERY");
        r.U8("command");
        if (session.QueryAttributes)
        {
            ulong count = r.LenEnc("parameter_count");
            r.LenEnc("parameter_set_count");
            if (count != 0)
            {
                throw new MySqlProtocolException($"COM_QUERY with {count} query attribute(s) is not supported");
            }
        }

        return new ComQuery(Encoding.UTF8.GetString(r.RestBytes()));
    }

    /// <inheritdoc />
    public override byte[] Encode(MySqlSession session)
    {
        MySqlWriter w = new MySqlWriter().U8(MySqlCommand.Query);
        if (session.QueryAttributes)
        {
            w.LenEnc(0).LenEnc(1);
        }

        return w.Text(Query).ToArray();
    }

    /// <inheritdoc />
    public override YamlNode ToYaml() => Map(("command", Int(MySqlCommand.Query)), ("parameter_count", Int(0)), ("null_bitmap", new YamlSequenceNode()),
        ("new_params_bind_flag", Int(0)), ("parameters", new YamlSequenceNode()), ("query", Str(Query)));

    /// <summary>Reads the <c>message</c> node.</summary>
    public static ComQuery FromYaml(YamlMappingNode m) => new(GetStr(m, "query"));
}
