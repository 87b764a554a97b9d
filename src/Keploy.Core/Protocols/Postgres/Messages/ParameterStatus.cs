namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>ParameterStatus ('S'): String name, String value (server_version, client_encoding, DateStyle, ...).</summary>
internal sealed record ParameterStatus(string Parameter, string Value) : PgMessage
{
    public override string Name => "ParameterStatus";

    public byte[] Encode() => new PgWriter((byte)'S').CString(Parameter).CString(Value).ToArray();
}
