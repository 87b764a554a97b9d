using Keploy.Core.Protocols.MySql.Messages;

namespace Keploy.Core.Protocols.MySql;

/// <summary>Decodes client packets of the command phase into their message types, keeping <see cref="MySqlSession"/> up to date.</summary>
public static class MySqlRequestDecoder
{
    /// <summary>Decodes one command packet.</summary>
    /// <exception cref="MySqlProtocolException">Empty or malformed.</exception>
    public static MySqlSinglePacket Decode(MySqlPacket p, MySqlSession session)
    {
        byte[] d = p.Payload;
        if (d.Length == 0)
        {
            throw new MySqlProtocolException($"empty client packet (sequence id {p.SequenceId})");
        }

        switch (d[0])
        {
            case MySqlCommand.Query:
                return ComQuery.Decode(d, session);
            case MySqlCommand.StmtPrepare:
                return ComStmtPrepare.Decode(d);
            case MySqlCommand.StmtExecute:
                return ComStmtExecute.Decode(d, session);
            case MySqlCommand.StmtClose:
            {
                ComStmtClose c = ComStmtClose.Decode(d);
                session.Statements.Remove(c.StatementId);
                return c;
            }

            case MySqlCommand.StmtReset:
                return ComStmtReset.Decode(d);
            case MySqlCommand.StmtSendLongData:
            {
                ComStmtSendLongData c = ComStmtSendLongData.Decode(d);
                if (session.Statements.TryGetValue(c.StatementId, out MySqlStatement? s))
                {
                    s.LongData.Add(c.ParameterId);
                }

                return c;
            }

            case MySqlCommand.InitDb:
                return ComInitDb.Decode(d);
            case MySqlCommand.ChangeUser:
                return ComChangeUser.Decode(d, session);
            default:
                return ComSimple.Decode(d);
        }
    }

    /// <summary>
    /// Names a client packet of an authentication exchange by what the server asked last (<paramref name="lastServer"/>):
    /// <c>RequestPublicKey</c>, <c>plain_password</c>, <c>encrypted_password</c> or <c>AuthSwitchResponse</c>.
    /// </summary>
    public static AuthSwitchResponse DecodeAuthData(MySqlPacket p, MySqlMessage? lastServer)
    {
        string role = lastServer switch
        {
            AuthMoreData { Data: [AuthMoreData.PerformFullAuthentication] } when p.Payload is [2] => AuthSwitchResponse.RequestPublicKey,
            AuthMoreData { Data: [AuthMoreData.PerformFullAuthentication] } => AuthSwitchResponse.PlainPassword,
            AuthMoreData m when m.IsPublicKey => AuthSwitchResponse.EncryptedPassword,
            _ => AuthSwitchResponse.SwitchResponse,
        };
        return new AuthSwitchResponse(role, p.Payload);
    }

    /// <summary>Decodes a server packet of an authentication exchange (AuthSwitchRequest, AuthMoreData, OK, ERR).</summary>
    public static MySqlSinglePacket DecodeAuthServer(MySqlPacket p)
    {
        byte[] d = p.Payload;
        return d.Length == 0 ? throw new MySqlProtocolException($"empty server packet (sequence id {p.SequenceId}) during authentication")
            : d[0] == 0x00 ? OkPacket.Decode(d)
            : d[0] == 0xFF ? ErrPacket.Decode(d)
            : d[0] == 0xFE ? AuthSwitchRequest.Decode(d)
            : d[0] == 0x01 ? AuthMoreData.Decode(d)
            : throw new MySqlProtocolException($"unexpected server packet 0x{d[0]:X2} (sequence id {p.SequenceId}) during authentication");
    }
}
