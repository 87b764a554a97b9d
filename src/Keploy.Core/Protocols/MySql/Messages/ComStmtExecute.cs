using Keploy.Core.Models;
using YamlDotNet.RepresentationModel;
using static Keploy.Core.Protocols.MySql.MySqlYaml;

namespace Keploy.Core.Protocols.MySql.Messages;

/// <summary>One COM_STMT_EXECUTE parameter: its type (MYSQL_TYPE_*), the unsigned flag, and its value (YAML form of
/// <see cref="MySqlBinaryValue"/>; null for NULL and for a parameter sent with COM_STMT_SEND_LONG_DATA).</summary>
public sealed record MySqlParameter(int Type, bool Unsigned, YamlNode Value, bool IsNull);

/// <summary>
/// COM_STMT_EXECUTE (0x17, MySQL docs "COM_STMT_EXECUTE"): statement id, cursor flags, iteration count, NULL bitmap,
/// new-params-bound flag, parameter types (when bound) and values in the binary protocol. The parameter count comes from the
/// statement's COM_STMT_PREPARE_OK, and the types from the previous execute when the flag is 0 (<see cref="MySqlSession"/>).
/// </summary>
public sealed record ComStmtExecute(uint StatementId, byte Flags, uint IterationCount, byte[] NullBitmap, byte NewParamsBindFlag,
    IReadOnlyList<MySqlParameter> Parameters) : MySqlSinglePacket
{
    /// <inheritdoc />
    public override string PacketType => "COM_STMT_EXECUTE";

    /// <summary>Decodes the payload; updates the statement's remembered parameter types.</summary>
    /// <exception cref="MySqlProtocolException">Malformed, or the statement id was never prepared on this connection.</exception>
    public static ComStmtExecute Decode(byte[] payload, MySqlSession session)
    {
        MySqlReader r = new(payload, "COM_STMT_EXECUTE");
        r.U8("command");
        uint id = r.U32("statement_id");
        byte flags = r.U8("flags");
        uint iterations = r.U32("iteration_count");
        if (!session.Statements.TryGetValue(id, out MySqlStatement? stmt))
        {
            throw new MySqlProtocolException($"COM_STMT_EXECUTE for statement {id}, which was not prepared on this connection");
        }

        int n = stmt.ParameterCount;
        if (session.QueryAttributes && (flags & 0x08) != 0)
        {
            n = (int)r.LenEnc("parameter_count");
        }

        List<MySqlParameter> parameters = new();
        byte[] bitmap = Array.Empty<byte>();
        byte bound = 0;
        if (n > 0)
        {
            bitmap = r.Bytes((n + 7) / 8, "null_bitmap");
            bound = r.U8("new_params_bind_flag");
            if (bound == 1)
            {
                ushort[] types = new ushort[n];
                for (int i = 0; i < n; i++)
                {
                    types[i] = r.U16("parameter_type");
                    if (session.QueryAttributes)
                    {
                        r.LenEncBytes("parameter_name");
                    }
                }

                stmt.ParameterTypes = types;
            }

            ushort[] known = stmt.ParameterTypes ?? throw new MySqlProtocolException($"COM_STMT_EXECUTE for statement {id} without parameter types (new_params_bind_flag 0 on the first execute)");
            for (int i = 0; i < n; i++)
            {
                int type = known[i] & 0xFF;
                bool unsigned = (known[i] & 0x8000) != 0;
                bool isNull = (bitmap[i / 8] & (1 << (i % 8))) != 0;
                if (isNull || stmt.LongData.Contains(i))
                {
                    parameters.Add(new MySqlParameter(type, unsigned, Null(), isNull));
                }
                else
                {
                    parameters.Add(new MySqlParameter(type, unsigned, MySqlBinaryValue.Read(ref r, type, unsigned), false));
                }
            }
        }

        stmt.LongData.Clear();
        return new ComStmtExecute(id, flags, iterations, bitmap, bound, parameters);
    }

    /// <inheritdoc />
    public override byte[] Encode(MySqlSession session)
    {
        MySqlWriter w = new MySqlWriter().U8(MySqlCommand.StmtExecute).U32(StatementId).U8(Flags).U32(IterationCount);
        if (Parameters.Count > 0)
        {
            w.Bytes(NullBitmap).U8(NewParamsBindFlag);
            if (NewParamsBindFlag == 1)
            {
                foreach (MySqlParameter p in Parameters)
                {
                    w.U16(p.Type | (p.Unsigned ? 0x8000 : 0));
                }
            }

            for (int i = 0; i < Parameters.Count; i++)
            {
                MySqlParameter p = Parameters[i];
                bool nullBit = i / 8 < NullBitmap.Length && (NullBitmap[i / 8] & (1 << (i % 8))) != 0;
                if (!nullBit && !(p.Value is YamlScalarNode s && YamlNodes.IsNull(s)))
                {
                    MySqlBinaryValue.Write(w, p.Type, p.Unsigned, p.Value, $"COM_STMT_EXECUTE parameter {i}");
                }
            }
        }

        return w.ToArray();
    }

    /// <inheritdoc />
    public override YamlNode ToYaml()
    {
        YamlSequenceNode ps = new();
        foreach (MySqlParameter p in Parameters)
        {
            ps.Add(Map(("type", Int(p.Type)), ("unsigned", Bool(p.Unsigned)), ("value", p.Value)));
        }

        return Map(("status", Int(MySqlCommand.StmtExecute)), ("statement_id", Int(StatementId)), ("flags", Int(Flags)), ("iteration_count", Int(IterationCount)),
            ("parameter_count", Int(Parameters.Count)), ("null_bitmap", BlockBytes(NullBitmap)), ("new_params_bind_flag", Int(NewParamsBindFlag)), ("parameters", ps));
    }

    /// <summary>Reads the <c>message</c> node.</summary>
    public static ComStmtExecute FromYaml(YamlMappingNode m, string path)
    {
        byte[] bitmap = GetBytes(m, "null_bitmap", path);
        List<MySqlParameter> ps = new();
        int i = 0;
        foreach (YamlMappingNode p in Entries(m, "parameters"))
        {
            YamlNode value = YamlNodes.Get(p, "value") ?? Null();
            bool nullBit = i / 8 < bitmap.Length && (bitmap[i / 8] & (1 << (i % 8))) != 0;
            ps.Add(new MySqlParameter((int)GetInt(p, "type", path) & 0xFF, GetBool(p, "unsigned"), value, nullBit));
            i++;
        }

        return new ComStmtExecute((uint)GetInt(m, "statement_id", path), (byte)GetInt(m, "flags", path, 0), (uint)GetInt(m, "iteration_count", path, 1),
            bitmap, (byte)GetInt(m, "new_params_bind_flag", path, 0), ps);
    }
}
