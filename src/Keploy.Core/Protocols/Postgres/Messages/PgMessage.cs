namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>A decoded protocol 3.0 message (PostgreSQL docs, 55.7 Message Formats). One sealed type per message, Npgsql style.</summary>
internal abstract record PgMessage
{
    /// <summary>The message name from the PostgreSQL docs (<c>Parse</c>, <c>RowDescription</c>).</summary>
    public abstract string Name { get; }
}
