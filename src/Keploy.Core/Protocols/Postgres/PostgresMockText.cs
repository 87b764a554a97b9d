using System.Globalization;
using System.Text;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Postgres.Messages;
using Keploy.Core.Storage;
using YamlDotNet.Core;

namespace Keploy.Core.Protocols.Postgres;

/// <summary>
/// The document text of a <c>kind: Postgres</c> mock written straight from the exchange: byte-identical to formatting
/// <see cref="PostgresMockWriter.Build"/>'s mock (the same keys in the same order, the same scalar rules through
/// <see cref="KeployYamlEmitter"/>), without the node tree. The recorder writes one per query; the issue 12 profile of pgbench
/// through record mode put building and walking the nodes at most of the mock writer's ~21 µs per mock.
/// </summary>
/// <remarks><see cref="PostgresMockWriter.Build"/> stays the definition (replay, import and every other writer use it);
/// PostgresMockTextTests hold the two to the same bytes over recorded traffic and random messages.</remarks>
internal static class PostgresMockText
{
    private const string BinaryTag = "tag:yaml.org,2002:binary";

    private static readonly string[] LetterText = Enumerable.Range(0, 256).Select(b => ((char)b).ToString()).ToArray();

    /// <summary>
    /// Appends the mock document (no header line, no <c>---</c>) for <paramref name="x"/>, named <paramref name="name"/>.
    /// Throws <see cref="PgProtocolException"/> for a message that does not decode (as <see cref="PostgresMockWriter.Build"/>).
    /// </summary>
    public static void Write(StringBuilder output, PgExchange x, string name)
    {
        IReadOnlyList<PgMessage> requests = PostgresMockWriter.DecodeRequests(x);
        IReadOnlyList<PgMessage> responses = PostgresMockWriter.DecodeResponses(x);

        KeployYamlEmitter e = new(output, KeployYaml.MockIndent);
        string connId = x.ConnectionId.ToString(CultureInfo.InvariantCulture);
        e.Scalar(0, "version", KeployDocumentDefaults.Version);
        e.Scalar(0, "kind", "Postgres");
        e.Scalar(0, "name", name);
        e.BeginMapping(0, "spec");
        int spec = e.Child(0);
        e.BeginMapping(spec, "metadata");
        e.Scalar(e.Child(spec), "connID", connId, ScalarStyle.DoubleQuoted);
        e.Scalar(e.Child(spec), "type", PostgresMockWriter.Classify(x, requests));
        e.BeginBlock(spec, "postgresrequests");
        Request(e, e.Item(e.Child(spec)), x, requests);
        e.BeginBlock(spec, "postgresresponses");
        Response(e, e.Item(e.Child(spec)), x, responses);
        e.Scalar(spec, "reqtimestampmock", KeployTime.Format(x.RequestTime), ScalarStyle.Plain);
        e.Scalar(spec, "restimestampmock", KeployTime.Format(x.ResponseTime), ScalarStyle.Plain);
        e.Scalar(0, "connectionId", connId, ScalarStyle.DoubleQuoted);
    }

    // PostgresMockWriter.BuildRequest, entry for entry.
    private static void Request(KeployYamlEmitter e, int c, PgExchange x, IReadOnlyList<PgMessage> requests)
    {
        bool startup = x.Requests.Count > 0 && x.Requests[0].Type == 0;
        Letters(e, c, x.Requests, skipUntyped: true);
        e.Scalar(c, "identifier", startup ? "StartupRequest" : "ClientRequest");
        e.Integer(c, "length", 8);
        bool secret = false;
        foreach (PgMessage r in requests)
        {
            secret |= r is PasswordMessage or SaslInitialResponse or SaslResponse;
        }

        e.Scalar(c, "payload", secret ? "" : Base64(x.Requests));
        int inner = e.Child(c);
        bool ssl = false, startupMessage = false, sasl = false, query = false, describe = false;
        int parses = 0, binds = 0, executes = 0;
        foreach (PgMessage msg in requests)
        {
            switch (msg)
            {
                case SslRequest:
                    // Build adds the key each time: a second SSLRequest in one bundle would throw there as here.
                    Once(ref ssl, "ssl_request");
                    e.BeginMapping(c, "ssl_request");
                    e.Scalar(inner, "is_ssl", "true");
                    break;
                case StartupMessage s:
                    Once(ref startupMessage, "startup_message");
                    e.BeginMapping(c, "startup_message");
                    e.Integer(inner, "protocol_version", s.ProtocolVersion);
                    if (s.Parameters.Count == 0)
                    {
                        e.EmptyMapping(inner, "parameters");
                    }
                    else
                    {
                        e.BeginMapping(inner, "parameters");
                        HashSet<string> seen = new(StringComparer.Ordinal);
                        foreach (KeyValuePair<string, string> kv in s.Parameters)
                        {
                            if (!seen.Add(kv.Key))
                            {
                                throw new ArgumentException($"An item with the same key has already been added. Key: {kv.Key}");
                            }

                            e.Scalar(e.Child(inner), kv.Key, kv.Value, ScalarStyle.DoubleQuoted);
                        }
                    }

                    break;
                case SaslInitialResponse sir:
                    Once(ref sasl, "sasl_initial_response");
                    e.BeginMapping(c, "sasl_initial_response");
                    e.Scalar(inner, "auth_mechanism", sir.Mechanism);
                    break;
                case Query q when !query:
                    query = true;
                    e.BeginMapping(c, "query");
                    e.Scalar(inner, "string", q.Sql, ScalarStyle.DoubleQuoted);
                    break;
                case Describe d when !describe:
                    describe = true;
                    e.BeginMapping(c, "describe");
                    e.Integer(inner, "object_type", d.Kind);
                    e.Scalar(inner, "name", d.Target, ScalarStyle.DoubleQuoted);
                    break;
                case Parse:
                    parses++;
                    break;
                case Bind:
                    binds++;
                    break;
                case Execute:
                    executes++;
                    break;
            }
        }

        if (parses > 0)
        {
            e.BeginBlock(c, "parse");
            foreach (PgMessage msg in requests)
            {
                if (msg is Parse p)
                {
                    int item = e.Item(inner);
                    e.Scalar(item, "name", p.Statement, ScalarStyle.DoubleQuoted);
                    e.Scalar(item, "query", p.Sql, ScalarStyle.DoubleQuoted);
                    e.BeginFlow(item, "parameter_oids");
                    foreach (int oid in p.ParameterOids)
                    {
                        e.FlowInteger(oid);
                    }

                    e.EndFlow();
                }
            }
        }

        if (binds > 0)
        {
            e.BeginBlock(c, "bind");
            foreach (PgMessage msg in requests)
            {
                if (msg is Bind b)
                {
                    int item = e.Item(inner);
                    e.Scalar(item, "destination_portal", b.Portal, ScalarStyle.DoubleQuoted);
                    e.Scalar(item, "prepared_statement", b.Statement, ScalarStyle.DoubleQuoted);
                    FlowInts(e, item, "parameter_format_codes", b.ParameterFormats);
                    e.BeginFlow(item, "parameters");
                    foreach (byte[]? v in b.Parameters)
                    {
                        if (v is null)
                        {
                            e.FlowScalar("null");
                            continue;
                        }

                        e.OpenFlow();
                        foreach (byte octet in v)
                        {
                            e.FlowInteger(octet);
                        }

                        e.CloseFlow();
                    }

                    e.EndFlow();
                    FlowInts(e, item, "result_format_codes", b.ResultFormats);
                }
            }
        }

        if (executes > 0)
        {
            e.BeginBlock(c, "execute");
            foreach (PgMessage msg in requests)
            {
                if (msg is Execute ex)
                {
                    int item = e.Item(inner);
                    e.Scalar(item, "portal", ex.Portal, ScalarStyle.DoubleQuoted);
                    e.Integer(item, "max_rows", ex.MaxRows);
                }
            }
        }

        e.Integer(c, "msg_type", x.Requests.Count > 0 ? x.Requests[^1].Type : 0);
        e.Integer(c, "auth_type", 0);
    }

    // PostgresMockWriter.BuildResponse, entry for entry. The node form adds keys as messages come and then replaces
    // ready_for_query in place (the last one wins, at the first one's position), so the keys are written in that order here.
    private static void Response(KeployYamlEmitter e, int c, PgExchange x, IReadOnlyList<PgMessage> responses)
    {
        Letters(e, c, x.Responses, skipUntyped: false);
        e.Scalar(c, "identifier", "ServerResponse");
        e.Integer(c, "length", 8);
        e.Scalar(c, "payload", Base64(x.Responses));
        int inner = e.Child(c);
        int authType = 0;
        ReadyForQuery? lastReady = null;
        foreach (PgMessage msg in responses)
        {
            if (msg is ReadyForQuery z)
            {
                lastReady = z;
            }
        }

        bool sasl = false, saslContinue = false, saslFinal = false, md5 = false, ok = false, keyData = false, rowDescription = false, error = false, ready = false;
        int statuses = 0, tags = 0, rows = 0;
        foreach (PgMessage msg in responses)
        {
            switch (msg)
            {
                case AuthenticationSasl s:
                    Once(ref sasl, "authentication_sasl");
                    e.BeginMapping(c, "authentication_sasl");
                    if (s.Mechanisms.Count == 0)
                    {
                        e.EmptySequence(inner, "auth_mechanisms");
                    }
                    else
                    {
                        e.BeginBlock(inner, "auth_mechanisms");
                        foreach (string m in s.Mechanisms)
                        {
                            e.ScalarItem(e.Child(inner), m);
                        }
                    }

                    authType = s.Code;
                    break;
                case AuthenticationSaslContinue sc:
                    Once(ref saslContinue, "authentication_sasl_continue");
                    e.BeginMapping(c, "authentication_sasl_continue");
                    FlowBytes(e, inner, "data", sc.Data);
                    authType = sc.Code;
                    break;
                case AuthenticationSaslFinal sf:
                    Once(ref saslFinal, "authentication_sasl_final");
                    e.BeginMapping(c, "authentication_sasl_final");
                    FlowBytes(e, inner, "data", sf.Data);
                    break;
                case AuthenticationMd5Password m5:
                    Once(ref md5, "authentication_md5_password");
                    e.BeginMapping(c, "authentication_md5_password");
                    FlowBytes(e, inner, "salt", m5.Salt);
                    authType = m5.Code;
                    break;
                case AuthenticationOk when !ok:
                    ok = true;
                    e.EmptyMapping(c, "authentication_ok");
                    break;
                case ParameterStatus:
                    statuses++;
                    break;
                case BackendKeyData k:
                    Once(ref keyData, "backend_key_data");
                    e.BeginMapping(c, "backend_key_data");
                    e.Integer(inner, "process_id", k.ProcessId);
                    e.Integer(inner, "secret_key", (uint)k.SecretKey);
                    break;
                case RowDescription rd when !rowDescription:
                    rowDescription = true;
                    e.BeginMapping(c, "row_description");
                    if (rd.Fields.Count == 0)
                    {
                        e.EmptySequence(inner, "fields");
                        break;
                    }

                    e.BeginBlock(inner, "fields");
                    foreach (RowDescriptionField f in rd.Fields)
                    {
                        int item = e.Item(e.Child(inner));
                        e.Scalar(item, "field_name", f.FieldName, ScalarStyle.DoubleQuoted);
                        e.Integer(item, "table_oid", f.TableOid);
                        e.Integer(item, "table_attribute_number", f.TableAttributeNumber);
                        e.Integer(item, "data_type_oid", f.DataTypeOid);
                        e.Integer(item, "data_type_size", f.DataTypeSize);
                        e.Integer(item, "type_modifier", f.TypeModifier);
                        e.Integer(item, "format", f.Format);
                    }

                    break;
                case DataRow:
                    rows++;
                    break;
                case CommandComplete:
                    tags++;
                    break;
                case ReadyForQuery when !ready:
                    ready = true;
                    e.BeginMapping(c, "ready_for_query");
                    e.Integer(inner, "txstatus", lastReady!.TransactionStatus);
                    break;
                case ErrorResponse er when !error:
                    error = true;
                    ErrorFields(e, c, inner, er);
                    break;
            }
        }

        if (statuses > 0)
        {
            e.BeginBlock(c, "parameter_status");
            foreach (PgMessage msg in responses)
            {
                if (msg is ParameterStatus ps)
                {
                    int item = e.Item(inner);
                    e.Scalar(item, "name", ps.Parameter);
                    e.Scalar(item, "value", ps.Value, ScalarStyle.DoubleQuoted);
                }
            }
        }

        if (tags > 0)
        {
            e.BeginBlock(c, "command_complete");
            foreach (PgMessage msg in responses)
            {
                if (msg is CommandComplete cc)
                {
                    e.Scalar(e.Item(inner), "command_tag_type", cc.Tag, ScalarStyle.DoubleQuoted);
                }
            }
        }

        if (rows > 0)
        {
            e.BeginBlock(c, "data_row");
            foreach (PgMessage msg in responses)
            {
                if (msg is DataRow dr)
                {
                    e.BeginFlow(e.Item(inner), "row_values");
                    foreach (byte[]? v in dr.Values)
                    {
                        Value(e, v);
                    }

                    e.EndFlow();
                }
            }
        }

        e.Integer(c, "msg_type", x.Responses.Count > 0 ? x.Responses[^1].Type : 0);
        e.Integer(c, "auth_type", authType);
    }

    private static void ErrorFields(KeployYamlEmitter e, int c, int inner, ErrorResponse er)
    {
        HashSet<string> seen = new(StringComparer.Ordinal);
        bool any = false;
        foreach (KeyValuePair<char, string> f in er.Fields)
        {
            string key = PostgresMockWriter.ErrorFieldKey(f.Key);
            if (!seen.Add(key))
            {
                continue;
            }

            if (!any)
            {
                e.BeginMapping(c, "error_response");
                any = true;
            }

            e.Scalar(inner, key, f.Value, ScalarStyle.DoubleQuoted);
        }

        if (!any)
        {
            e.EmptyMapping(c, "error_response");
        }
    }

    // PostgresMockWriter.ValueNode in a flow sequence.
    private static void Value(KeployYamlEmitter e, byte[]? v)
    {
        if (v is null)
        {
            e.FlowScalar("null");
        }
        else if (PostgresMockWriter.IsText(v))
        {
            e.FlowScalar(Encoding.UTF8.GetString(v), ScalarStyle.DoubleQuoted);
        }
        else
        {
            e.FlowScalar(Convert.ToBase64String(v), ScalarStyle.Any, BinaryTag);
        }
    }

    private static void Letters(KeployYamlEmitter e, int c, IReadOnlyList<PgFrame> frames, bool skipUntyped)
    {
        e.BeginFlow(c, "header");
        foreach (PgFrame f in frames)
        {
            if (!skipUntyped || f.Type != 0)
            {
                e.FlowScalar(LetterText[f.Type], ScalarStyle.DoubleQuoted);
            }
        }

        e.EndFlow();
    }

    private static void FlowInts(KeployYamlEmitter e, int c, string key, IReadOnlyList<short> values)
    {
        e.BeginFlow(c, key);
        foreach (short v in values)
        {
            e.FlowInteger(v);
        }

        e.EndFlow();
    }

    private static void FlowBytes(KeployYamlEmitter e, int c, string key, byte[] values)
    {
        e.BeginFlow(c, key);
        foreach (byte v in values)
        {
            e.FlowInteger(v);
        }

        e.EndFlow();
    }

    private static string Base64(IReadOnlyList<PgFrame> frames) => PostgresMockWriter.Base64Text(frames);

    // The node form throws on a key added twice to a mapping (YamlMappingNode.Add); so does this, so both skip the same mocks.
    private static void Once(ref bool written, string key)
    {
        if (written)
        {
            throw new ArgumentException($"An item with the same key has already been added. Key: {key}");
        }

        written = true;
    }
}
