namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>FunctionCall ('F', legacy fast-path): kept raw.</summary>
internal sealed record FunctionCall(byte[] Body) : PgMessage
{
    public override string Name => "FunctionCall";
}
