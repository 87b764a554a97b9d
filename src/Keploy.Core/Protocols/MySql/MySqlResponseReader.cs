using Keploy.Core.Protocols.MySql.Messages;

namespace Keploy.Core.Protocols.MySql;

/// <summary>
/// Follows the server's packets answering one command (MySQL docs "Command Phase", "Text Resultset", "Binary Protocol
/// Resultset", "COM_STMT_PREPARE Response") and tells when the answer is complete: OK/ERR, result sets (column count, column
/// definitions, EOF unless CLIENT_DEPRECATE_EOF, rows, EOF/OK/ERR) repeated while SERVER_MORE_RESULTS_EXISTS, the prepare answer
/// with its definitions. Builds the response entries as Keploy groups them.
/// </summary>
public sealed class MySqlResponseReader
{
    private enum State
    {
        Start,
        Columns,
        ColumnsEof,
        Rows,
        PrepareParams,
        PrepareParamsEof,
        PrepareColumns,
        PrepareColumnsEof,
        UntilEof,
        Done,
    }

    private readonly byte _command;
    private readonly MySqlSession _session;
    private readonly List<MySqlEntry> _entries = new();
    private State _state = State.Start;
    private (int Length, byte Seq) _head;
    private ulong _columnCount;
    private readonly List<ColumnDefinition41> _columns = new();
    private readonly List<ColumnDefinition41> _params = new();
    private readonly List<MySqlMessage> _rows = new();
    private byte[] _eofAfterColumns = Array.Empty<byte>();
    private byte[] _eofAfterParams = Array.Empty<byte>();
    private ComStmtPrepareOk? _prepare;

    /// <summary>Starts reading the answer to <paramref name="command"/>.</summary>
    public MySqlResponseReader(byte command, MySqlSession session)
    {
        _command = command;
        _session = session;
    }

    /// <summary>The response entries so far.</summary>
    public IReadOnlyList<MySqlEntry> Entries => _entries;

    /// <summary>True once the answer is complete.</summary>
    public bool IsComplete => _state == State.Done;

    /// <summary>True when the server asked for a LOCAL INFILE (the exchange cannot be recorded).</summary>
    public bool LocalInfile { get; private set; }

    /// <summary>The prepare answer, when the command was COM_STMT_PREPARE and it succeeded.</summary>
    public ComStmtPrepareOk? Prepared => _state == State.Done ? _prepare : null;

    /// <summary>Takes the next server packet; true when the answer is complete.</summary>
    /// <exception cref="MySqlProtocolException">The packet does not fit the answer.</exception>
    public bool Add(MySqlPacket p)
    {
        byte[] d = p.Payload;
        switch (_state)
        {
            case State.Start:
                Start(p, d);
                break;
            case State.Columns:
                _columns.Add(ColumnDefinition41.Decode(p));
                if ((ulong)_columns.Count == _columnCount)
                {
                    _state = _session.DeprecateEof ? State.Rows : State.ColumnsEof;
                }

                break;
            case State.ColumnsEof:
                if (!EofPacket.Is(d))
                {
                    throw new MySqlProtocolException($"expected EOF after the column definitions (sequence id {p.SequenceId}), got 0x{(d.Length > 0 ? d[0] : 0):X2}");
                }

                _eofAfterColumns = MySqlPacketReader.Frame(p.SequenceId, d);
                _state = (EofPacket.Decode(d).StatusFlags & MySqlServerStatus.CursorExists) != 0 ? FinishResultSet(_eofAfterColumns, cursor: true) : State.Rows;
                break;
            case State.Rows:
                if (d.Length > 0 && d[0] == 0xFE && (EofPacket.Is(d) || (_session.DeprecateEof && d.Length < MySqlPacketReader.MaxWirePayload)))
                {
                    _state = FinishResultSet(MySqlPacketReader.Frame(p.SequenceId, d), cursor: false);
                }
                else if (d.Length > 0 && d[0] == 0xFF)
                {
                    _state = FinishResultSet(MySqlPacketReader.Frame(p.SequenceId, d), cursor: false);
                }
                else
                {
                    _rows.Add(_command == MySqlCommand.Query ? TextRow.Decode(p, _columns.Count) : BinaryRow.Decode(p, _columns));
                }

                break;
            case State.PrepareParams:
                _params.Add(ColumnDefinition41.Decode(p));
                if (_params.Count == _prepare!.NumParams)
                {
                    _state = _session.DeprecateEof ? AfterParams() : State.PrepareParamsEof;
                }

                break;
            case State.PrepareParamsEof:
                _eofAfterParams = MySqlPacketReader.Frame(p.SequenceId, d);
                _state = AfterParams();
                break;
            case State.PrepareColumns:
                _columns.Add(ColumnDefinition41.Decode(p));
                if (_columns.Count == _prepare!.NumColumns)
                {
                    _state = _session.DeprecateEof ? FinishPrepare(Array.Empty<byte>()) : State.PrepareColumnsEof;
                }

                break;
            case State.PrepareColumnsEof:
                _state = FinishPrepare(MySqlPacketReader.Frame(p.SequenceId, d));
                break;
            case State.UntilEof:
                _entries.Add(Single(p, d));
                if (d.Length > 0 && (d[0] == 0xFF || EofPacket.Is(d)))
                {
                    _state = State.Done;
                }

                break;
            default:
                throw new MySqlProtocolException($"unexpected server packet (sequence id {p.SequenceId}) after the answer to {MySqlCommand.Name(_command)} was complete");
        }

        return _state == State.Done;
    }

    private void Start(MySqlPacket p, byte[] d)
    {
        if (d.Length == 0)
        {
            throw new MySqlProtocolException($"empty server packet (sequence id {p.SequenceId}) answering {MySqlCommand.Name(_command)}");
        }

        if (d[0] == 0xFF)
        {
            _entries.Add(new MySqlEntry(ErrPacket.Decode(d), d.Length, p.SequenceId));
            _state = State.Done;
            return;
        }

        switch (_command)
        {
            case MySqlCommand.Query or MySqlCommand.StmtExecute or MySqlCommand.StmtFetch:
                if (OkPacket.Is(d))
                {
                    OkPacket ok = OkPacket.Decode(d);
                    _entries.Add(new MySqlEntry(ok, d.Length, p.SequenceId));
                    _state = (ok.StatusFlags & MySqlServerStatus.MoreResultsExist) != 0 ? State.Start : State.Done;
                    return;
                }

                if (d[0] == 0xFB && _command == MySqlCommand.Query)
                {
                    _entries.Add(new MySqlEntry(LocalInfileRequest.Decode(d), d.Length, p.SequenceId));
                    LocalInfile = true;
                    _state = State.Done;
                    return;
                }

                if (_command == MySqlCommand.StmtFetch)
                {
                    throw new MySqlProtocolException("COM_STMT_FETCH (server-side cursors) is not supported");
                }

                MySqlReader r = new(d, "column count");
                _columnCount = r.LenEnc("column_count");
                if (!r.AtEnd || _columnCount == 0 || _columnCount > 4096)
                {
                    throw new MySqlProtocolException($"column count packet (sequence id {p.SequenceId}) is malformed or has optional metadata (CLIENT_OPTIONAL_RESULTSET_METADATA is not supported)");
                }

                _head = (d.Length, p.SequenceId);
                _state = State.Columns;
                return;
            case MySqlCommand.StmtPrepare:
                _prepare = ComStmtPrepareOk.Decode(d);
                _head = (d.Length, p.SequenceId);
                _state = _prepare.NumParams > 0 ? State.PrepareParams : AfterParams();
                return;
            case MySqlCommand.Statistics:
                _entries.Add(new MySqlEntry(new RawResponse(d), d.Length, p.SequenceId));
                _state = State.Done;
                return;
            case MySqlCommand.FieldList:
                _entries.Add(Single(p, d));
                _state = EofPacket.Is(d) ? State.Done : State.UntilEof;
                return;
            default:
                _entries.Add(Single(p, d));
                _state = State.Done;
                return;
        }
    }

    private static MySqlEntry Single(MySqlPacket p, byte[] d)
    {
        MySqlMessage m = d.Length == 0 ? new RawResponse(d)
            : OkPacket.Is(d) ? OkPacket.Decode(d)
            : d[0] == 0xFF ? ErrPacket.Decode(d)
            : EofPacket.Is(d) ? EofPacket.Decode(d)
            : new RawResponse(d);
        return new MySqlEntry(m, d.Length, p.SequenceId);
    }

    private State FinishResultSet(byte[] final, bool cursor)
    {
        ResultSet rs = new(_command != MySqlCommand.Query, _columnCount, _columns.ToList(), cursor ? Array.Empty<byte>() : _eofAfterColumns, _rows.ToList(), final);
        _entries.Add(new MySqlEntry(rs, _head.Length, _head.Seq));
        _columns.Clear();
        _rows.Clear();
        _eofAfterColumns = Array.Empty<byte>();
        return (rs.FinalStatus & MySqlServerStatus.MoreResultsExist) != 0 ? State.Start : State.Done;
    }

    private State AfterParams() => _prepare!.NumColumns > 0 ? State.PrepareColumns : FinishPrepare(Array.Empty<byte>());

    private State FinishPrepare(byte[] eofAfterColumns)
    {
        _prepare = _prepare! with { ParamDefinitions = _params.ToList(), EofAfterParamDefs = _eofAfterParams, ColumnDefinitions = _columns.ToList(), EofAfterColumnDefs = eofAfterColumns };
        _entries.Add(new MySqlEntry(_prepare, _head.Length, _head.Seq));
        return State.Done;
    }
}
