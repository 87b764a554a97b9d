using System.Text;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Postgres;
using Keploy.Core.Protocols.Postgres.Messages;
using Keploy.Core.Proxy;
using Keploy.Core.Storage;

namespace Keploy.Core.Tests.Postgres;

/// <summary>
/// <see cref="PostgresMockText"/> against its oracle, the node form: formatting <see cref="PostgresMockWriter.Build"/>'s mock with
/// <see cref="KeployYamlWriter"/> must give the same bytes, for Keploy's own recordings, for random message bundles built from the
/// characters that change a scalar's style, and end to end through <see cref="MockFileWriter"/>.
/// </summary>
public sealed class PostgresMockTextTests
{
    // Characters that move a scalar between plain, quoted and literal, or need escapes in double quotes.
    private static readonly string[] Pieces =
    [
        "a", "Z", "0", "42", "-1", "1.5", " ", "  ", ":", ": ", " #", "#", "'", "\"", "\\", "-", "- ", "?", "[", "]", "{", "}", ",", "&",
        "*", "!", "|", ">", "%", "@", "`", "\n", "\r\n", "\t", "\u0085", "\u2028", "\u00e9", "\u4e2d", "\U0001F600", "null", "true", "~",
        "yes", "0x1F", "2026-12-03", "select", "SELECT * FROM t WHERE a = $1", "\u0001", "\u007f", "\ufeff",
    ];

    [Fact]
    public void Keploys_recorded_postgres_mocks_give_the_same_text_as_the_node_form()
    {
        int compared = 0;
        foreach (string file in new[]
        {
            Path.Combine(TestPaths.Fixtures, "samples-java", "employee-manager", "keploy", "test-set-2", "mocks.yaml"),
            Path.Combine(TestPaths.Fixtures, "samples-go", "ps-cache-postgres", "keploy", "test-set-0", "mocks.yaml"),
        })
        {
            int auth = -1;
            foreach (Mock m in KeployYaml.ReadMocks(file).Where(m => m.Kind == "Postgres"))
            {
                (List<PgFrame> requests, List<PgFrame> responses) = PostgresMockReader.ReadFrames(m);
                if (requests.Count == 0 && responses.Count == 0)
                {
                    continue;
                }

                PgExchange x = new(3, requests, responses, DateTimeOffset.UnixEpoch.AddTicks(compared * 12_345_678L),
                    DateTimeOffset.UnixEpoch.AddTicks(compared * 12_345_679L), requests.Any(f => f.Type == 0), auth);
                AssertSameText(x, m.Name);
                auth = LastAuthCode(responses) ?? auth;
                compared++;
            }
        }

        Assert.True(compared > 40, $"only {compared} mocks compared");
    }

    [Fact]
    public void Random_bundles_give_the_same_text_as_the_node_form()
    {
        Random random = new(20261203);
        for (int i = 0; i < 1500; i++)
        {
            List<PgFrame> requests = new();
            List<PgFrame> responses = new();
            int auth = -1;
            bool startup = false;
            switch (random.Next(6))
            {
                case 0:
                    startup = true;
                    requests.Add(Frame(new StartupMessage(StartupMessage.Version30, Enumerable.Range(0, random.Next(4))
                        .Select(k => KeyValuePair.Create("k" + k + Text(random, 1), Text(random, 3))).ToArray()).Encode()));
                    responses.Add(Frame(Auth(10, random.Next(3) switch { 0 => [], 1 => ["SCRAM-SHA-256"], _ => ["SCRAM-SHA-256", "SCRAM-SHA-256-PLUS"] })));
                    break;
                case 1:
                    auth = 10;
                    requests.Add(Frame(new PgWriter((byte)'p').CString("SCRAM-SHA-256").Int32(4).Bytes("n,,x"u8).ToArray()));
                    responses.Add(Frame(new PgWriter((byte)'R').Int32(11).Bytes(Bytes(random, 30)).ToArray()));
                    break;
                case 2:
                    auth = 11;
                    requests.Add(Frame(new PgWriter((byte)'p').Bytes(Bytes(random, 20)).ToArray()));
                    responses.Add(Frame(new PgWriter((byte)'R').Int32(12).Bytes(Bytes(random, 20)).ToArray()));
                    responses.Add(Frame(new PgWriter((byte)'R').Int32(0).ToArray()));
                    for (int s = 0; s < random.Next(4); s++)
                    {
                        responses.Add(Frame(new ParameterStatus(Text(random, 1), Text(random, 3)).Encode()));
                    }

                    responses.Add(Frame(new BackendKeyData(random.Next(), random.Next(int.MinValue, int.MaxValue)).Encode()));
                    break;
                default:
                    Extended(random, requests);
                    break;
            }

            if (!startup && auth < 0)
            {
                Answers(random, responses);
            }
            else if (random.Next(2) == 0)
            {
                responses.Add(Frame(ReadyForQuery.Encode('I')));
            }

            PgExchange x = new(random.Next(1000), requests, responses, DateTimeOffset.UnixEpoch.AddTicks(random.NextInt64(1L << 60)),
                DateTimeOffset.UnixEpoch.AddTicks(random.NextInt64(1L << 60)), startup, auth);
            AssertSameText(x, "mock-" + i);
        }
    }

    [Fact]
    public void Mock_file_writer_writes_the_text_path_byte_for_byte_as_the_node_path()
    {
        string dir = Path.Combine(Path.GetTempPath(), "pgtext-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            Random random = new(7);
            List<PgExchange> exchanges = new();
            for (int i = 0; i < 300; i++)
            {
                List<PgFrame> requests = new(), responses = new();
                Extended(random, requests);
                Answers(random, responses);
                exchanges.Add(new PgExchange(i % 5, requests, responses, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, false, -1));
            }

            string textPath = Path.Combine(dir, "text.yaml"), nodePath = Path.Combine(dir, "nodes.yaml");
            using (MockFileWriter text = new(textPath))
            using (MockFileWriter nodes = new(nodePath))
            {
                foreach (PgExchange x in exchanges)
                {
                    ((IDeferredMockRecorder)text).Record(() => PostgresMockWriter.Build(x), 100, "Postgres", (sb, name) => PostgresMockText.Write(sb, x, name));
                    ((IDeferredMockRecorder)nodes).Record(() => PostgresMockWriter.Build(x), 100);
                }
            }

            byte[] fromText = File.ReadAllBytes(textPath);
            Assert.Equal(File.ReadAllBytes(nodePath), fromText);
            Assert.Equal(300, KeployYaml.ReadMocks(textPath).Count(m => m.Kind == "Postgres"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void AssertSameText(PgExchange x, string name)
    {
        string? expected = null, actual = null;
        Exception? expectedError = null, actualError = null;
        try
        {
            Mock mock = PostgresMockWriter.Build(x);
            mock.Name = name;
            StringBuilder sb = new();
            KeployYamlWriter.WriteDocument(sb, KeployYaml.ToNode(mock), KeployYaml.MockIndent);
            expected = sb.ToString();
        }
        catch (Exception ex) when (ex is PgProtocolException or ArgumentException)
        {
            expectedError = ex;
        }

        try
        {
            StringBuilder sb = new();
            PostgresMockText.Write(sb, x, name);
            actual = sb.ToString();
        }
        catch (Exception ex) when (ex is PgProtocolException or ArgumentException)
        {
            actualError = ex;
        }

        Assert.Equal(expectedError?.GetType(), actualError?.GetType());
        Assert.Equal(expected, actual);
    }

    // Parse/Bind/Describe/Execute/Sync, or a simple Query.
    private static void Extended(Random random, List<PgFrame> requests)
    {
        if (random.Next(3) == 0)
        {
            requests.Add(Frame(new Query(Text(random, 6)).Encode()));
            if (random.Next(4) == 0)
            {
                requests.Add(Frame(new Query(Text(random, 2)).Encode()));
            }

            return;
        }

        for (int n = 1 + random.Next(3); n > 0; n--)
        {
            if (random.Next(2) == 0)
            {
                requests.Add(Frame(new Parse(random.Next(2) == 0 ? "" : "s" + random.Next(9), Text(random, 5),
                    Enumerable.Range(0, random.Next(4)).Select(_ => random.Next(-5, 4000)).ToArray()).Encode()));
            }

            requests.Add(Frame(new Bind(random.Next(3) == 0 ? "p" : "", random.Next(2) == 0 ? "" : "s1",
                Enumerable.Range(0, random.Next(3)).Select(_ => (short)random.Next(2)).ToArray(),
                Enumerable.Range(0, random.Next(4)).Select(_ => random.Next(4) == 0 ? null : Bytes(random, 6)).ToArray(),
                Enumerable.Range(0, random.Next(3)).Select(_ => (short)random.Next(2)).ToArray()).Encode()));
            if (random.Next(2) == 0)
            {
                requests.Add(Frame(new Describe(random.Next(2) == 0 ? 'P' : 'S', Text(random, 1)).Encode()));
            }

            requests.Add(Frame(new Execute(random.Next(3) == 0 ? "p" : "", random.Next(3) == 0 ? random.Next(100) : 0).Encode()));
        }

        requests.Add(Frame(Sync.Encode()));
    }

    private static void Answers(Random random, List<PgFrame> responses)
    {
        for (int n = random.Next(4); n > 0; n--)
        {
            switch (random.Next(7))
            {
                case 0:
                    responses.Add(Frame(ParseComplete.Encode()));
                    break;
                case 1:
                    responses.Add(Frame(new RowDescription(Enumerable.Range(0, random.Next(4)).Select(f => new RowDescriptionField(
                        Text(random, 2), random.Next(), (short)random.Next(-3, 30), random.Next(), (short)random.Next(-1, 16), random.Next(-1, 100), (short)random.Next(2))).ToArray()).Encode()));
                    break;
                case 2:
                case 3:
                    for (int r = random.Next(1, 4); r > 0; r--)
                    {
                        responses.Add(Frame(new DataRow(Enumerable.Range(0, random.Next(4)).Select(_ => random.Next(5) switch
                        {
                            0 => null,
                            1 => Bytes(random, 8),
                            _ => Encoding.UTF8.GetBytes(Text(random, 3)),
                        }).ToArray()).Encode()));
                    }

                    break;
                case 4:
                    responses.Add(Frame(new CommandComplete(Text(random, 2)).Encode()));
                    break;
                case 5:
                {
                    PgWriter w = new((byte)'E');
                    foreach (char code in "SVCMDHPSxM".Where(_ => random.Next(2) == 0))
                    {
                        w.Byte((byte)code).CString(Text(random, 2));
                    }

                    responses.Add(Frame(w.Byte(0).ToArray()));
                    break;
                }

                default:
                    responses.Add(Frame(ReadyForQuery.Encode(random.Next(2) == 0 ? 'I' : 'T')));
                    break;
            }
        }

        responses.Add(Frame(ReadyForQuery.Encode(random.Next(3) == 0 ? 'E' : 'I')));
    }

    private static byte[] Auth(int code, string[] mechanisms)
    {
        PgWriter w = new PgWriter((byte)'R').Int32(code);
        foreach (string m in mechanisms)
        {
            w.CString(m);
        }

        return w.Byte(0).ToArray();
    }

    private static int? LastAuthCode(List<PgFrame> responses)
    {
        int? code = null;
        foreach (PgFrame f in responses)
        {
            if (f.Type == (byte)'R' && f.Raw.Length >= 9)
            {
                code = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(f.Raw.AsSpan(5));
            }
        }

        return code;
    }

    // Text without NUL (a C string ends there).
    private static string Text(Random random, int pieces)
    {
        StringBuilder sb = new();
        for (int i = random.Next(pieces + 1); i > 0; i--)
        {
            sb.Append(Pieces[random.Next(Pieces.Length)]);
        }

        return sb.ToString();
    }

    private static byte[] Bytes(Random random, int max)
    {
        byte[] b = new byte[random.Next(max + 1)];
        random.NextBytes(b);
        return b;
    }

    private static PgFrame Frame(byte[] raw) => new(raw.Length >= 5 && raw[0] != 0 && raw.Length == 1 + System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(raw.AsSpan(1)) ? raw[0] : (byte)0, raw);
}
