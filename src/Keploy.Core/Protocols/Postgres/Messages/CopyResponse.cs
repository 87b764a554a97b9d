namespace Keploy.Core.Protocols.Postgres.Messages;

/// <summary>
/// CopyInResponse ('G'), CopyOutResponse ('H'), CopyBothResponse ('W'): Int8 overall format, Int16 n, Int16[n] column formats.
/// <see cref="Direction"/> is the type letter.
/// </summary>
internal sealed record CopyResponse(char Direction, byte Format, IReadOnlyList<short> ColumnFormats) : PgMessage
{
    public override string Name => Direction switch
    {
        'G' => "CopyInResponse",
        'H' => "CopyOutResponse",
        _ => "CopyBothResponse",
    };
}
