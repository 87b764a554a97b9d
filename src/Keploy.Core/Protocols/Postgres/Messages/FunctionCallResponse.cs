namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>FunctionCallResponse ('V'): Int32 length, Byte[n] result (-1 = NULL).</summary>
internal sealed record FunctionCallResponse(byte[]? Result) : PgMessage
{
    public override string Name => "FunctionCallResponse";
}
