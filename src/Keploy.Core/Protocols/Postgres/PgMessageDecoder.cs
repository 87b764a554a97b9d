using System.Buffers;
using Keploy.Core.Protocols.Postgres.Messages;

namespace Keploy.Core.Protocols.Postgres;

/// <summary>
/// Decodes <see cref="PgFrame"/>s into message types (PostgreSQL docs, 55.7 Message Formats). Throws <see cref="PgProtocolException"/>
/// with a one-line reason naming the message for malformed or truncated bodies.
/// </summary>
internal static class PgMessageDecoder
{
    /// <summary>
    /// Decodes a frontend message. A 'p' message is decoded according to <paramref name="lastAuthCode"/>, the last authentication
    /// request the server sent (10 SASL → SASLInitialResponse, 11 SASLContinue → SASLResponse, else PasswordMessage).
    /// </summary>
    public static PgMessage DecodeFrontend(PgFrame frame, int lastAuthCode = -1)
    {
        string name = frame.Type == 0 ? "startup-phase message" : PgMessageNames.Frontend(frame.Type);
        PgReader r = new(new ReadOnlySequence<byte>(frame.Body), name);
        switch (frame.Letter)
        {
            case '\0':
                return DecodeStartup(ref r);
            case 'p':
                return lastAuthCode switch
                {
                    Authentication.SaslCode => new SaslInitialResponse(r.ReadCString(), r.ReadNullableBytes()),
                    Authentication.SaslContinueCode => new SaslResponse(r.ReadRest()),
                    _ => new PasswordMessage(r.ReadCString()),
                };
            case 'Q':
                return new Query(r.ReadCString());
            case 'P':
            {
                string stmt = r.ReadCString();
                string sql = r.ReadCString();
                short n = r.ReadInt16();
                int[] oids = new int[Math.Max((int)n, 0)];
                for (int i = 0; i < oids.Length; i++)
                {
                    oids[i] = r.ReadInt32();
                }

                return new Parse(stmt, sql, oids);
            }

            case 'B':
            {
                string portal = r.ReadCString();
                string stmt = r.ReadCString();
                short[] pf = ReadInt16s(ref r);
                short pn = r.ReadInt16();
                byte[]?[] values = new byte[]?[Math.Max((int)pn, 0)];
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = r.ReadNullableBytes();
                }

                short[] rf = ReadInt16s(ref r);
                return new Bind(portal, stmt, pf, values, rf);
            }

            case 'D':
                return new Describe(CheckKind((char)r.ReadByte(), name), r.ReadCString());
            case 'E':
                return new Execute(r.ReadCString(), r.ReadInt32());
            case 'S':
                return new Sync();
            case 'H':
                return new Flush();
            case 'C':
                return new Close(CheckKind((char)r.ReadByte(), name), r.ReadCString());
            case 'd':
                return new CopyData(r.ReadRest());
            case 'c':
                return new CopyDone();
            case 'f':
                return new CopyFail(r.ReadCString());
            case 'X':
                return new Terminate();
            case 'F':
                return new FunctionCall(r.ReadRest());
            default:
                throw new PgProtocolException($"frontend message: unknown type byte 0x{frame.Type:X2}");
        }
    }

    /// <summary>Decodes a backend message.</summary>
    public static PgMessage DecodeBackend(PgFrame frame)
    {
        string name = PgMessageNames.Backend(frame.Type);
        PgReader r = new(new ReadOnlySequence<byte>(frame.Body), name);
        switch (frame.Letter)
        {
            case 'R':
            {
                int code = r.ReadInt32();
                return code switch
                {
                    Authentication.OkCode => new AuthenticationOk(),
                    Authentication.CleartextCode => new AuthenticationCleartextPassword(),
                    Authentication.Md5Code => new AuthenticationMd5Password(r.ReadBytes(4)),
                    Authentication.SaslCode => new AuthenticationSasl(ReadStringList(ref r)),
                    Authentication.SaslContinueCode => new AuthenticationSaslContinue(r.ReadRest()),
                    Authentication.SaslFinalCode => new AuthenticationSaslFinal(r.ReadRest()),
                    _ => new AuthenticationOther(code, r.ReadRest()),
                };
            }

            case 'S':
                return new ParameterStatus(r.ReadCString(), r.ReadCString());
            case 'K':
                return new BackendKeyData(r.ReadInt32(), r.ReadInt32());
            case 'Z':
            {
                char status = (char)r.ReadByte();
                if (status is not ('I' or 'T' or 'E'))
                {
                    throw new PgProtocolException($"ReadyForQuery: invalid transaction status 0x{(byte)status:X2}");
                }

                return new ReadyForQuery(status);
            }

            case 'T':
            {
                short n = r.ReadInt16();
                RowDescriptionField[] fields = new RowDescriptionField[Math.Max((int)n, 0)];
                for (int i = 0; i < fields.Length; i++)
                {
                    fields[i] = new RowDescriptionField(r.ReadCString(), r.ReadInt32(), r.ReadInt16(), r.ReadInt32(), r.ReadInt16(), r.ReadInt32(), r.ReadInt16());
                }

                return new RowDescription(fields);
            }

            case 'D':
            {
                short n = r.ReadInt16();
                byte[]?[] values = new byte[]?[Math.Max((int)n, 0)];
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = r.ReadNullableBytes();
                }

                return new DataRow(values);
            }

            case 'C':
                return new CommandComplete(r.ReadCString());
            case 'I':
                return new EmptyQueryResponse();
            case '1':
                return new ParseComplete();
            case '2':
                return new BindComplete();
            case '3':
                return new CloseComplete();
            case 'n':
                return new NoData();
            case 's':
                return new PortalSuspended();
            case 't':
            {
                short n = r.ReadInt16();
                int[] oids = new int[Math.Max((int)n, 0)];
                for (int i = 0; i < oids.Length; i++)
                {
                    oids[i] = r.ReadInt32();
                }

                return new ParameterDescription(oids);
            }

            case 'E':
                return new ErrorResponse(ReadFields(ref r));
            case 'N':
                return new NoticeResponse(ReadFields(ref r));
            case 'A':
                return new NotificationResponse(r.ReadInt32(), r.ReadCString(), r.ReadCString());
            case 'G' or 'H' or 'W':
                return new CopyResponse(frame.Letter, r.ReadByte(), ReadInt16s(ref r));
            case 'd':
                return new CopyData(r.ReadRest());
            case 'c':
                return new CopyDone();
            case 'V':
                return new FunctionCallResponse(r.ReadNullableBytes());
            default:
                throw new PgProtocolException($"backend message: unknown type byte 0x{frame.Type:X2}");
        }
    }

    private static PgMessage DecodeStartup(ref PgReader r)
    {
        int code = r.ReadInt32();
        switch (code)
        {
            case SslRequest.Code:
                return new SslRequest();
            case GssEncRequest.Code:
                return new GssEncRequest();
            case CancelRequest.Code:
                return new CancelRequest(r.ReadInt32(), r.ReadInt32());
        }

        if (code >> 16 != 3)
        {
            throw new PgProtocolException($"StartupMessage: unsupported protocol version {code >> 16}.{code & 0xFFFF}");
        }

        List<KeyValuePair<string, string>> parameters = new();
        while (true)
        {
            string key = r.ReadCString();
            if (key.Length == 0)
            {
                break;
            }

            parameters.Add(new KeyValuePair<string, string>(key, r.ReadCString()));
        }

        return new StartupMessage(code, parameters);
    }

    private static char CheckKind(char kind, string name)
    {
        if (kind is not ('S' or 'P'))
        {
            throw new PgProtocolException($"{name}: invalid target kind 0x{(byte)kind:X2} (expected 'S' or 'P')");
        }

        return kind;
    }

    private static short[] ReadInt16s(ref PgReader r)
    {
        short n = r.ReadInt16();
        short[] result = new short[Math.Max((int)n, 0)];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = r.ReadInt16();
        }

        return result;
    }

    private static List<string> ReadStringList(ref PgReader r)
    {
        List<string> list = new();
        while (r.Remaining > 0)
        {
            string s = r.ReadCString();
            if (s.Length == 0)
            {
                break;
            }

            list.Add(s);
        }

        return list;
    }

    private static List<KeyValuePair<char, string>> ReadFields(ref PgReader r)
    {
        List<KeyValuePair<char, string>> fields = new();
        while (true)
        {
            byte code = r.ReadByte();
            if (code == 0)
            {
                break;
            }

            fields.Add(new KeyValuePair<char, string>((char)code, r.ReadCString()));
        }

        return fields;
    }
}
