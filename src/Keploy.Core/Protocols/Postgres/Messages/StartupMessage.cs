namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>StartupMessage: Int32 length, Int32 196608 (3.0), then name/value String pairs ending with a NUL.</summary>
internal sealed record StartupMessage(int ProtocolVersion, IReadOnlyList<KeyValuePair<string, string>> Parameters) : PgMessage
{
    public const int Version30 = 196608;

    public override string Name => "StartupMessage";

    public string? Get(string key) => Parameters.FirstOrDefault(p => p.Key == key).Value;

    public byte[] Encode()
    {
        PgWriter w = new PgWriter(0).Int32(ProtocolVersion);
        foreach (KeyValuePair<string, string> p in Parameters)
        {
            w.CString(p.Key).CString(p.Value);
        }

        return w.Byte(0).ToArray();
    }
}
