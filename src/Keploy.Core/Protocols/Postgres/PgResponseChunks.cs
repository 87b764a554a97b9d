using Keploy.Core.Protocols.Postgres.Messages;

namespace Keploy.Core.Protocols.Postgres;

/// <summary>
/// Splits a recorded extended-query answer into the part each frontend message caused (PostgreSQL docs, 55.2.3 Extended Query:
/// Parse → ParseComplete, Bind → BindComplete, Describe → [ParameterDescription] RowDescription|NoData, Execute → rows up to
/// CommandComplete|EmptyQueryResponse|PortalSuspended, Close → CloseComplete, Sync/Query → up to ReadyForQuery), so an answer can be
/// re-assembled when the live driver parses or describes a statement the recording had already prepared, or the other way round.
/// </summary>
internal static class PgResponseChunks
{
    /// <summary>Chunks per request message, or null when the answer does not follow the expected shape (errors, COPY).</summary>
    public static List<PgFrame>[]? Split(IReadOnlyList<PgMessage> requests, IReadOnlyList<PgFrame> responses)
    {
        if (responses.Any(r => r.Type is (byte)'E' or (byte)'G' or (byte)'H' or (byte)'W'))
        {
            return null;
        }

        List<PgFrame>[] chunks = new List<PgFrame>[requests.Count];
        int i = 0;
        bool Next(char c) => i < responses.Count && responses[i].Letter == c;
        for (int k = 0; k < requests.Count; k++)
        {
            List<PgFrame> chunk = chunks[k] = new List<PgFrame>();
            switch (requests[k])
            {
                case Parse:
                    if (Next('1'))
                    {
                        chunk.Add(responses[i++]);
                    }

                    break;
                case Bind:
                    if (Next('2'))
                    {
                        chunk.Add(responses[i++]);
                    }

                    break;
                case Describe:
                    if (Next('t'))
                    {
                        chunk.Add(responses[i++]);
                    }

                    if (Next('T') || Next('n'))
                    {
                        chunk.Add(responses[i++]);
                    }

                    break;
                case Execute:
                    while (i < responses.Count)
                    {
                        PgFrame f = responses[i++];
                        chunk.Add(f);
                        if (f.Letter is 'C' or 'I' or 's')
                        {
                            break;
                        }
                    }

                    break;
                case Close:
                    if (Next('3'))
                    {
                        chunk.Add(responses[i++]);
                    }

                    break;
                case Sync or Query:
                    while (i < responses.Count)
                    {
                        PgFrame f = responses[i++];
                        chunk.Add(f);
                        if (f.Letter == 'Z')
                        {
                            break;
                        }
                    }

                    break;
            }
        }

        if (i < responses.Count)
        {
            return null;
        }

        return chunks;
    }
}
