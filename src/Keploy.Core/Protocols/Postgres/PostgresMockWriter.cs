using System.Text;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Postgres.Messages;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Protocols.Postgres;

/// <summary>
/// Builds a <c>kind: Postgres</c> mock in Keploy's v1 shape (<c>v2.10.0:pkg/models/postgres.go</c>): one <c>postgresrequests</c> and
/// one <c>postgresresponses</c> entry, each with <c>header</c> letters, <c>identifier</c>, <c>length</c>, <c>payload</c> (base64 of
/// the raw bytes, authoritative) and the decoded fields; <c>spec.metadata.type</c> is <c>config</c> (startup, authentication,
/// session settings, catalog queries), <c>connection</c> (a named Parse) or <c>mocks</c>.
/// </summary>
internal static class PostgresMockWriter
{
    /// <summary>The mock of one exchange (unnamed). Throws <see cref="PgProtocolException"/> for a message that does not decode,
    /// and <see cref="ArgumentException"/> for a bundle holding a message twice that the shape has one key for (an SSLRequest).</summary>
    public static Mock Build(PgExchange x)
    {
        List<PgMessage> requests = DecodeRequests(x).ToList();
        List<PgMessage> responses = DecodeResponses(x).ToList();
        string type = Classify(x, requests);

        YamlMappingNode metadata = new();
        metadata.Add("connID", Quoted(x.ConnectionId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        metadata.Add("type", type);

        YamlMappingNode spec = new();
        spec.Add("metadata", metadata);
        spec.Add("postgresrequests", new YamlSequenceNode(BuildRequest(x, requests)));
        spec.Add("postgresresponses", new YamlSequenceNode(BuildResponse(x, responses)));
        spec.Add("reqtimestampmock", Storage.KeployYaml.Timestamp(x.RequestTime));
        spec.Add("restimestampmock", Storage.KeployYaml.Timestamp(x.ResponseTime));

        Mock mock = new() { Kind = "Postgres", Spec = spec };
        mock.SetExtra("connectionId", Quoted(x.ConnectionId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return mock;
    }

    /// <summary>The exchange's requests decoded: those the recorder kept, else each frame decoded with the authentication
    /// state the bundle began in. Throws <see cref="PgProtocolException"/> for a frame that does not decode.</summary>
    internal static IReadOnlyList<PgMessage> DecodeRequests(PgExchange x)
    {
        if (x.RequestMessages is { } kept && kept.Count == x.Requests.Count)
        {
            return kept;
        }

        PgMessage[] requests = new PgMessage[x.Requests.Count];
        for (int i = 0; i < requests.Length; i++)
        {
            requests[i] = PgMessageDecoder.DecodeFrontend(x.Requests[i], x.AuthCodeBefore);
        }

        return requests;
    }

    /// <summary>The exchange's responses decoded: those the recorder kept, else each frame decoded.</summary>
    internal static IReadOnlyList<PgMessage> DecodeResponses(PgExchange x)
    {
        if (x.ResponseMessages is { } kept && kept.Count == x.Responses.Count)
        {
            return kept;
        }

        PgMessage[] responses = new PgMessage[x.Responses.Count];
        for (int i = 0; i < responses.Length; i++)
        {
            responses[i] = PgMessageDecoder.DecodeBackend(x.Responses[i]);
        }

        return responses;
    }

    /// <summary>config for startup/auth/session statements, connection for a named Parse, else mocks.</summary>
    internal static string Classify(PgExchange x, IReadOnlyList<PgMessage> requests)
    {
        bool allStartup = true;
        foreach (PgMessage r in requests)
        {
            if (r is not (SslRequest or GssEncRequest or StartupMessage or PasswordMessage or SaslInitialResponse or SaslResponse))
            {
                allStartup = false;
                break;
            }
        }

        if (x.Startup || requests.Count == 0 || allStartup)
        {
            return "config";
        }

        bool anySql = false, allSession = true, namedParse = false;
        foreach (PgMessage r in requests)
        {
            string? sql = r switch { Query q => q.Sql, Parse p => p.Sql, _ => null };
            if (sql is not null)
            {
                anySql = true;
                allSession &= PgSql.IsSessionStatement(sql);
            }

            namedParse |= r is Parse { Statement.Length: > 0 };
        }

        if (anySql && allSession)
        {
            return "config";
        }

        return namedParse ? "connection" : "mocks";
    }

    private static YamlMappingNode BuildRequest(PgExchange x, List<PgMessage> requests)
    {
        YamlMappingNode m = new();
        bool startup = x.Requests.Count > 0 && x.Requests[0].Type == 0;
        m.Add("header", Letters(x.Requests.Where(f => f.Type != 0)));
        m.Add("identifier", startup ? "StartupRequest" : "ClientRequest");
        m.Add("length", YamlNodes.Int(8));
        m.Add("payload", Base64(x.Requests));

        YamlSequenceNode parse = new(), bind = new(), execute = new();
        foreach (PgMessage msg in requests)
        {
            switch (msg)
            {
                case SslRequest:
                    m.Add("ssl_request", new YamlMappingNode { { "is_ssl", "true" } });
                    break;
                case StartupMessage s:
                {
                    YamlMappingNode p = new();
                    foreach (KeyValuePair<string, string> kv in s.Parameters)
                    {
                        p.Add(kv.Key, Quoted(kv.Value));
                    }

                    m.Add("startup_message", new YamlMappingNode { { "protocol_version", YamlNodes.Int(s.ProtocolVersion) }, { "parameters", p } });
                    break;
                }

                case PasswordMessage:
                    // The password itself is never written (credentials stay out of mocks); the payload is cleared below.
                    break;
                case SaslInitialResponse sir:
                    m.Add("sasl_initial_response", new YamlMappingNode { { "auth_mechanism", sir.Mechanism } });
                    break;
                case Query q:
                    TryAdd(m, "query", new YamlMappingNode { { "string", Quoted(q.Sql) } });
                    break;
                case Parse p:
                    parse.Add(new YamlMappingNode { { "name", Quoted(p.Statement) }, { "query", Quoted(p.Sql) }, { "parameter_oids", IntSeq(p.ParameterOids.Select(o => (long)o)) } });
                    break;
                case Bind b:
                {
                    YamlSequenceNode values = new() { Style = SequenceStyle.Flow };
                    foreach (byte[]? v in b.Parameters)
                    {
                        values.Add(v is null ? new YamlScalarNode("null") : IntSeq(v.Select(c => (long)c)));
                    }

                    bind.Add(new YamlMappingNode
                    {
                        { "destination_portal", Quoted(b.Portal) },
                        { "prepared_statement", Quoted(b.Statement) },
                        { "parameter_format_codes", IntSeq(b.ParameterFormats.Select(c => (long)c)) },
                        { "parameters", values },
                        { "result_format_codes", IntSeq(b.ResultFormats.Select(c => (long)c)) },
                    });
                    break;
                }

                case Describe d:
                    TryAdd(m, "describe", new YamlMappingNode { { "object_type", YamlNodes.Int(d.Kind) }, { "name", Quoted(d.Target) } });
                    break;
                case Execute e:
                    execute.Add(new YamlMappingNode { { "portal", Quoted(e.Portal) }, { "max_rows", YamlNodes.Int(e.MaxRows) } });
                    break;
            }
        }

        if (parse.Children.Count > 0)
        {
            m.Add("parse", parse);
        }

        if (bind.Children.Count > 0)
        {
            m.Add("bind", bind);
        }

        if (execute.Children.Count > 0)
        {
            m.Add("execute", execute);
        }

        if (requests.Any(r => r is PasswordMessage or SaslInitialResponse or SaslResponse))
        {
            m.Children[new YamlScalarNode("payload")] = new YamlScalarNode("");
        }

        m.Add("msg_type", YamlNodes.Int(x.Requests.Count > 0 ? x.Requests[^1].Type : 0));
        m.Add("auth_type", YamlNodes.Int(0));
        return m;
    }

    private static YamlMappingNode BuildResponse(PgExchange x, List<PgMessage> responses)
    {
        YamlMappingNode m = new();
        m.Add("header", Letters(x.Responses));
        m.Add("identifier", "ServerResponse");
        m.Add("length", YamlNodes.Int(8));
        m.Add("payload", Base64(x.Responses));
        YamlSequenceNode dataRows = new(), tags = new(), statuses = new();
        int authType = 0;
        foreach (PgMessage msg in responses)
        {
            switch (msg)
            {
                case AuthenticationSasl s:
                    m.Add("authentication_sasl", new YamlMappingNode { { "auth_mechanisms", new YamlSequenceNode(s.Mechanisms.Select(v => new YamlScalarNode(v))) } });
                    authType = s.Code;
                    break;
                case AuthenticationSaslContinue sc:
                    m.Add("authentication_sasl_continue", new YamlMappingNode { { "data", IntSeq(sc.Data.Select(c => (long)c)) } });
                    authType = sc.Code;
                    break;
                case AuthenticationSaslFinal sf:
                    m.Add("authentication_sasl_final", new YamlMappingNode { { "data", IntSeq(sf.Data.Select(c => (long)c)) } });
                    break;
                case AuthenticationMd5Password md5:
                    m.Add("authentication_md5_password", new YamlMappingNode { { "salt", IntSeq(md5.Salt.Select(c => (long)c)) } });
                    authType = md5.Code;
                    break;
                case AuthenticationOk:
                    TryAdd(m, "authentication_ok", new YamlMappingNode());
                    break;
                case ParameterStatus ps:
                    statuses.Add(new YamlMappingNode { { "name", ps.Parameter }, { "value", Quoted(ps.Value) } });
                    break;
                case BackendKeyData k:
                    m.Add("backend_key_data", new YamlMappingNode { { "process_id", YamlNodes.Int(k.ProcessId) }, { "secret_key", YamlNodes.Int((uint)k.SecretKey) } });
                    break;
                case RowDescription rd:
                {
                    YamlSequenceNode fields = new();
                    foreach (RowDescriptionField f in rd.Fields)
                    {
                        fields.Add(new YamlMappingNode
                        {
                            { "field_name", Quoted(f.FieldName) }, { "table_oid", YamlNodes.Int(f.TableOid) },
                            { "table_attribute_number", YamlNodes.Int(f.TableAttributeNumber) }, { "data_type_oid", YamlNodes.Int(f.DataTypeOid) },
                            { "data_type_size", YamlNodes.Int(f.DataTypeSize) }, { "type_modifier", YamlNodes.Int(f.TypeModifier) },
                            { "format", YamlNodes.Int(f.Format) },
                        });
                    }

                    TryAdd(m, "row_description", new YamlMappingNode { { "fields", fields } });
                    break;
                }

                case DataRow dr:
                    dataRows.Add(new YamlMappingNode { { "row_values", new YamlSequenceNode(dr.Values.Select(ValueNode)) { Style = SequenceStyle.Flow } } });
                    break;
                case CommandComplete cc:
                    tags.Add(new YamlMappingNode { { "command_tag_type", Quoted(cc.Tag) } });
                    break;
                case ReadyForQuery z:
                    m.Children[new YamlScalarNode("ready_for_query")] = new YamlMappingNode { { "txstatus", YamlNodes.Int(z.TransactionStatus) } };
                    break;
                case ErrorResponse er:
                {
                    YamlMappingNode e = new();
                    foreach (KeyValuePair<char, string> f in er.Fields)
                    {
                        string key = ErrorFieldKey(f.Key);
                        if (!e.Children.ContainsKey(new YamlScalarNode(key)))
                        {
                            e.Add(key, Quoted(f.Value));
                        }
                    }

                    TryAdd(m, "error_response", e);
                    break;
                }
            }
        }

        if (statuses.Children.Count > 0)
        {
            m.Add("parameter_status", statuses);
        }

        if (tags.Children.Count > 0)
        {
            m.Add("command_complete", tags);
        }

        if (dataRows.Children.Count > 0)
        {
            m.Add("data_row", dataRows);
        }

        m.Add("msg_type", YamlNodes.Int(x.Responses.Count > 0 ? x.Responses[^1].Type : 0));
        m.Add("auth_type", YamlNodes.Int(authType));
        return m;
    }

    /// <summary>The key of an ErrorResponse field in the mock (PostgreSQL docs, 55.8 Error and Notice Message Fields): S → severity, …;
    /// a field without a name keeps its code letter.</summary>
    internal static string ErrorFieldKey(char code) =>
        code switch { 'S' => "severity", 'V' => "severity_unlocalized", 'C' => "code", 'M' => "message", 'D' => "detail", 'H' => "hint", 'P' => "position", _ => code.ToString() };

    private static void TryAdd(YamlMappingNode m, string key, YamlNode value)
    {
        if (!m.Children.ContainsKey(new YamlScalarNode(key)))
        {
            m.Add(key, value);
        }
    }

    private static YamlNode ValueNode(byte[]? v)
    {
        if (v is null)
        {
            return new YamlScalarNode("null");
        }

        if (IsText(v))
        {
            return Quoted(Encoding.UTF8.GetString(v));
        }

        return new YamlScalarNode(Convert.ToBase64String(v)) { Tag = "tag:yaml.org,2002:binary" };
    }

    /// <summary>Whether a column value is written as text (strict UTF-8 without control characters other than tab and line
    /// breaks) rather than base64 under <c>!!binary</c>.</summary>
    internal static bool IsText(byte[] v)
    {
        foreach (byte b in v)
        {
            if (b < 0x20 && b is not (9 or 10 or 13))
            {
                return false;
            }
        }

        // Strict UTF-8 (no replacement characters), checked without decoding.
        return System.Text.Unicode.Utf8.IsValid(v);
    }

    private static YamlSequenceNode Letters(IEnumerable<PgFrame> frames) =>
        new(frames.Select(f => (YamlNode)Quoted(((char)f.Type).ToString()))) { Style = SequenceStyle.Flow };

    private static YamlScalarNode Base64(IReadOnlyList<PgFrame> frames) => new(Base64Text(frames));

    /// <summary>The <c>payload</c>: base64 of the frames' raw bytes, concatenated.</summary>
    internal static string Base64Text(IReadOnlyList<PgFrame> frames)
    {
        if (frames.Count == 1)
        {
            return Convert.ToBase64String(frames[0].Raw);
        }

        int length = 0;
        for (int i = 0; i < frames.Count; i++)
        {
            length += frames[i].Raw.Length;
        }

        byte[] all = new byte[length];
        int at = 0;
        for (int i = 0; i < frames.Count; i++)
        {
            byte[] raw = frames[i].Raw;
            raw.CopyTo(all, at);
            at += raw.Length;
        }

        return Convert.ToBase64String(all);
    }

    private static YamlSequenceNode IntSeq(IEnumerable<long> values) =>
        new(values.Select(v => (YamlNode)YamlNodes.Int(v))) { Style = SequenceStyle.Flow };

    private static YamlScalarNode Quoted(string s) => new(s) { Style = ScalarStyle.DoubleQuoted };
}
