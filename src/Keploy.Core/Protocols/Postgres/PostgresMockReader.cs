using System.Buffers;
using System.Globalization;
using System.Text;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Postgres.Messages;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Protocols.Postgres;

/// <summary>
/// Reads <c>kind: Postgres</c> (v1: <c>postgresrequests</c>/<c>postgresresponses</c>, <c>payload</c> authoritative; decoded fields
/// used when a payload is absent, as in Keploy 2.6 recordings whose responses carry only <c>header</c> letters and fields) and
/// <c>kind: PostgresV2</c> (<c>requests[].message.packets[]</c>) into frames. Throws <see cref="PgProtocolException"/> naming the mock.
/// </summary>
internal static class PostgresMockReader
{
    public static (List<PgFrame> Requests, List<PgFrame> Responses) ReadFrames(Mock mock)
    {
        return mock.Kind == "PostgresV2" ? ReadV2(mock) : ReadV1(mock);
    }

    private static (List<PgFrame>, List<PgFrame>) ReadV1(Mock mock)
    {
        List<PgFrame> requests = new(), responses = new();
        foreach (YamlMappingNode r in Entries(mock.Spec, "postgresrequests"))
        {
            string? payload = YamlNodes.GetString(r, "payload");
            bool startup = YamlNodes.GetString(r, "identifier") == "StartupRequest" || YamlNodes.GetMapping(r, "ssl_request") is not null;
            if (!string.IsNullOrEmpty(payload))
            {
                requests.AddRange(Split(Convert.FromBase64String(payload), startup, frontend: true));
            }
            else
            {
                requests.AddRange(EncodeRequestFields(r));
            }
        }

        foreach (YamlMappingNode r in Entries(mock.Spec, "postgresresponses"))
        {
            string? payload = YamlNodes.GetString(r, "payload");
            if (payload is "Tg==" or "Uw==")
            {
                continue; // the 'N' or 'S' answer to SSLRequest
            }

            if (!string.IsNullOrEmpty(payload))
            {
                responses.AddRange(Split(Convert.FromBase64String(payload), false, frontend: false));
            }
            else
            {
                responses.AddRange(EncodeResponseFields(r));
            }
        }

        return (requests, responses);
    }

    private static IEnumerable<YamlMappingNode> Entries(YamlMappingNode spec, string key) =>
        YamlNodes.GetSequence(spec, key)?.Children.OfType<YamlMappingNode>() ?? Enumerable.Empty<YamlMappingNode>();

    internal static List<PgFrame> Split(byte[] bytes, bool startup, bool frontend)
    {
        List<PgFrame> frames = new();
        ReadOnlySequence<byte> buffer = new(bytes);
        bool untyped = startup;
        while (!buffer.IsEmpty)
        {
            if (!PgFrameReader.TryRead(ref buffer, untyped, frontend, out PgFrame f))
            {
                throw new PgProtocolException($"payload: truncated {PgMessageNames.Name(buffer.First.Span[0], frontend)} ({buffer.Length} byte(s) left)");
            }

            frames.Add(f);
            untyped = false;
        }

        return frames;
    }

    private static IEnumerable<PgFrame> EncodeRequestFields(YamlMappingNode r)
    {
        // Only what replay matches on: Query, Parse, Bind, Execute, Sync (from the header letters when present).
        List<PgFrame> frames = new();
        YamlMappingNode? q = YamlNodes.GetMapping(r, "query");
        if (q is not null && YamlNodes.GetString(q, "string") is string sql)
        {
            frames.Add(Frame(new Query(sql).Encode()));
        }

        foreach (YamlMappingNode p in Seq(r, "parse"))
        {
            frames.Add(Frame(new Parse(YamlNodes.GetString(p, "name") ?? "", YamlNodes.GetString(p, "query") ?? "", Array.Empty<int>()).Encode()));
        }

        foreach (YamlMappingNode b in Seq(r, "bind"))
        {
            List<byte[]?> values = new();
            foreach (YamlNode v in YamlNodes.GetSequence(b, "parameters")?.Children ?? new List<YamlNode>())
            {
                values.Add(v is YamlSequenceNode s ? s.Children.OfType<YamlScalarNode>().Select(c => byte.Parse(c.Value!, CultureInfo.InvariantCulture)).ToArray() : null);
            }

            short[] formats = (YamlNodes.GetSequence(b, "parameter_format_codes")?.Children ?? new List<YamlNode>()).OfType<YamlScalarNode>().Select(c => short.Parse(c.Value!, CultureInfo.InvariantCulture)).ToArray();
            frames.Add(Frame(new Bind("", YamlNodes.GetString(b, "prepared_statement") ?? "", formats, values, Array.Empty<short>()).Encode()));
            frames.Add(Frame(new Execute("", 0).Encode()));
        }

        return frames;
    }

    private static IEnumerable<PgFrame> EncodeResponseFields(YamlMappingNode r)
    {
        List<PgFrame> frames = new();
        List<YamlMappingNode> tags = Seq(r, "command_complete").ToList();
        List<YamlMappingNode> rows = Seq(r, "data_row").ToList();
        List<YamlMappingNode> statuses = Seq(r, "parameter_status").ToList();
        int tag = 0, row = 0, status = 0;
        foreach (YamlScalarNode h in YamlNodes.GetSequence(r, "header")?.Children.OfType<YamlScalarNode>() ?? Enumerable.Empty<YamlScalarNode>())
        {
            char c = h.Value is { Length: 1 } v ? v[0] : '?';
            byte[]? bytes = c switch
            {
                '1' => ParseComplete.Encode(),
                '2' => BindComplete.Encode(),
                '3' => CloseComplete.Encode(),
                'n' => NoData.Encode(),
                'I' => EmptyQueryResponse.Encode(),
                's' => PortalSuspended.Encode(),
                'C' => tag < tags.Count ? new CommandComplete(YamlNodes.GetString(tags[tag++], "command_tag_type") ?? "").Encode() : null,
                'D' => row < rows.Count ? EncodeRow(rows[row++]) : null,
                'T' => EncodeRowDescription(YamlNodes.GetMapping(r, "row_description")),
                'S' => status < statuses.Count ? new ParameterStatus(YamlNodes.GetString(statuses[status], "name") ?? "", YamlNodes.GetString(statuses[status++], "value") ?? "").Encode() : null,
                'Z' => ReadyForQuery.Encode((char)YamlNodes.GetInt64(YamlNodes.GetMapping(r, "ready_for_query"), "txstatus", 'I')),
                'K' => new BackendKeyData((int)YamlNodes.GetInt64(YamlNodes.GetMapping(r, "backend_key_data"), "process_id"), unchecked((int)YamlNodes.GetInt64(YamlNodes.GetMapping(r, "backend_key_data"), "secret_key"))).Encode(),
                'E' => ErrorResponse.Encode(YamlNodes.GetString(YamlNodes.GetMapping(r, "error_response"), "code") ?? "XX000", YamlNodes.GetString(YamlNodes.GetMapping(r, "error_response"), "message") ?? "recorded error"),
                'R' => null,
                _ => throw new PgProtocolException($"postgresresponses: cannot rebuild message '{c}' without a payload"),
            };
            if (bytes is not null)
            {
                frames.Add(Frame(bytes));
            }
        }

        return frames;
    }

    private static byte[]? EncodeRowDescription(YamlMappingNode? rd)
    {
        if (rd is null)
        {
            return null;
        }

        List<RowDescriptionField> fields = new();
        foreach (YamlMappingNode f in Seq(rd, "fields"))
        {
            fields.Add(new RowDescriptionField(
                YamlNodes.GetString(f, "field_name") ?? "",
                (int)YamlNodes.GetInt64(f, "table_oid"),
                (short)YamlNodes.GetInt64(f, "table_attribute_number"),
                (int)YamlNodes.GetInt64(f, "data_type_oid"),
                (short)YamlNodes.GetInt64(f, "data_type_size"),
                (int)YamlNodes.GetInt64(f, "type_modifier"),
                (short)YamlNodes.GetInt64(f, "format")));
        }

        return new RowDescription(fields).Encode();
    }

    private static byte[] EncodeRow(YamlMappingNode row)
    {
        List<byte[]?> values = new();
        foreach (YamlNode v in YamlNodes.GetSequence(row, "row_values")?.Children ?? new List<YamlNode>())
        {
            if (v is not YamlScalarNode s || YamlNodes.IsNull(s) && s.Value != "")
            {
                values.Add(null);
            }
            else if (!s.Tag.IsEmpty && !s.Tag.IsNonSpecific && s.Tag.Value == "tag:yaml.org,2002:binary")
            {
                values.Add(Convert.FromBase64String(s.Value ?? ""));
            }
            else if (s.Value is { } text && text.StartsWith("b64:", StringComparison.Ordinal))
            {
                // Keploy 2 writes values that are not printable text (binary-format columns) as b64:<base64>.
                values.Add(DecodeB64(text, s));
            }
            else
            {
                values.Add(Encoding.UTF8.GetBytes(s.Value ?? ""));
            }
        }

        return new DataRow(values).Encode();
    }

    private static byte[] DecodeB64(string text, YamlScalarNode node)
    {
        try
        {
            return Convert.FromBase64String(text[4..]);
        }
        catch (FormatException)
        {
            throw new PgProtocolException($"data_row value at line {node.Start.Line}, column {node.Start.Column}: '{TextShort(text)}' is not b64:<base64>");
        }
    }

    private static string TextShort(string text) => text.Length > 40 ? text[..40] + "…" : text;

    private static IEnumerable<YamlMappingNode> Seq(YamlMappingNode? m, string key) =>
        YamlNodes.GetSequence(m, key)?.Children.OfType<YamlMappingNode>() ?? Enumerable.Empty<YamlMappingNode>();

    private static PgFrame Frame(byte[] raw) => new(raw[0], raw);

    private static (List<PgFrame>, List<PgFrame>) ReadV2(Mock mock)
    {
        List<PgFrame> requests = new(), responses = new();
        foreach (YamlMappingNode e in Entries(mock.Spec, "requests"))
        {
            foreach (YamlMappingNode p in Seq(YamlNodes.GetMapping(e, "message"), "packets"))
            {
                requests.AddRange(V2Packet(p, frontend: true));
            }
        }

        foreach (YamlMappingNode e in Entries(mock.Spec, "responses"))
        {
            foreach (YamlMappingNode p in Seq(YamlNodes.GetMapping(e, "message"), "packets"))
            {
                responses.AddRange(V2Packet(p, frontend: false));
            }
        }

        return (requests, responses);
    }

    private static IEnumerable<PgFrame> V2Packet(YamlMappingNode packet, bool frontend)
    {
        string type = YamlNodes.GetString(YamlNodes.GetMapping(packet, "header"), "packet_type") ?? "";
        YamlNode? message = YamlNodes.Get(packet, "message");
        if (message is YamlScalarNode raw && !string.IsNullOrEmpty(raw.Value))
        {
            return Split(Convert.FromBase64String(raw.Value), type == "StartupMessage", frontend);
        }

        YamlMappingNode m = message as YamlMappingNode ?? new YamlMappingNode();
        byte[]? bytes = type switch
        {
            "StartupMessage" => new StartupMessage((int)YamlNodes.GetInt64(m, "protocol_version", StartupMessage.Version30),
                (YamlNodes.GetMapping(m, "parameters") ?? new YamlMappingNode()).Children.Select(kv => new KeyValuePair<string, string>(((YamlScalarNode)kv.Key).Value ?? "", (kv.Value as YamlScalarNode)?.Value ?? "")).ToList()).Encode(),
            "Query" => new Query(YamlNodes.GetString(m, "string") ?? YamlNodes.GetString(m, "query") ?? "").Encode(),
            "Parse" => new Parse(YamlNodes.GetString(m, "name") ?? "", YamlNodes.GetString(m, "query") ?? "", Array.Empty<int>()).Encode(),
            "Sync" => Sync.Encode(),
            "AuthenticationOk" => AuthenticationOk.Encode(),
            "ParameterStatus" => new ParameterStatus(YamlNodes.GetString(m, "name") ?? "", YamlNodes.GetString(m, "value") ?? "").Encode(),
            "BackendKeyData" => new BackendKeyData((int)YamlNodes.GetInt64(m, "process_id"), unchecked((int)YamlNodes.GetInt64(m, "secret_key"))).Encode(),
            "ReadyForQuery" => ReadyForQuery.Encode((char)YamlNodes.GetInt64(m, "tx_status", 'I')),
            "CommandComplete" => new CommandComplete(YamlNodes.GetString(m, "command_tag") ?? YamlNodes.GetString(m, "command_tag_type") ?? "").Encode(),
            "ParseComplete" => ParseComplete.Encode(),
            "BindComplete" => BindComplete.Encode(),
            "NoData" => NoData.Encode(),
            _ => null, // authentication exchanges and unknown packets: answered by the replayer itself
        };
        if (bytes is null)
        {
            return Array.Empty<PgFrame>();
        }

        return new[] { type == "StartupMessage" ? new PgFrame(0, bytes) : Frame(bytes) };
    }
}
