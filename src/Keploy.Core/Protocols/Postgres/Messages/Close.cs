namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>Close ('C'): Byte1 'S' (statement) or 'P' (portal), String name. Answered by CloseComplete.</summary>
internal sealed record Close(char Kind, string Target) : PgMessage
{
    public override string Name => "Close";
}
