using System.Buffers.Binary;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Postgres.Messages;
using Keploy.Core.Replay;
using Keploy.Core.Storage;
using Npgsql;

namespace Keploy.Core.Tests.Postgres;

/// <summary>
/// A Keploy-2-style mocks.yaml (Postgres v1: request payloads, responses as header letters and decoded fields only, binary
/// DataRow values written <c>b64:</c>), where one mock holds what Npgsql sent in one write: <c>DISCARD ALL</c> (the reset of a
/// pooled connection) and the next query. Served to Npgsql 10 with the real server nowhere.
/// </summary>
[Trait("Category", "Postgres")]
public sealed class Keploy2RecordingTests
{
    private const string Sql = "SELECT id, name FROM pgtest_widgets WHERE id = $1";

    private static string B64(params byte[][] frames) => Convert.ToBase64String(frames.SelectMany(f => f).ToArray());

    private static byte[] Int4(int v)
    {
        byte[] b = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(b, v);
        return b;
    }

    private static byte[][] Select(int id) => new[]
    {
        new Parse("", Sql, new[] { 23 }).Encode(),
        new Bind("", "", new short[] { 1 }, new byte[]?[] { Int4(id) }, new short[] { 1 }).Encode(),
        new Describe('P', "").Encode(),
        new Execute("", 0).Encode(),
        Sync.Encode(),
    };

    private static string Response(string header, string tags, int id) => $$"""
                - header: [{{header}}]
                  identifier: ServerResponse
                  length: 8
                  command_complete: [{{tags}}]
                  data_row: [{row_values: ["b64:{{Convert.ToBase64String(Int4(id))}}", widget-{{id}}]}]
                  ready_for_query:
                    txstatus: 73
                  row_description: {fields: [{field_name: id, table_oid: 0, table_attribute_number: 0, data_type_oid: 23, data_type_size: 4, type_modifier: -1, format: 1}, {field_name: name, table_oid: 0, table_attribute_number: 0, data_type_oid: 25, data_type_size: -1, type_modifier: -1, format: 1}]}
                  msg_type: 90
                  auth_type: 0
        """;

    private static string MocksYaml()
    {
        string first = B64(Select(1));
        string grouped = B64(new[] { new Query("DISCARD ALL").Encode() }.Concat(Select(2)).ToArray());
        return $$"""
            version: api.keploy.io/v1beta1
            kind: Postgres
            name: mock-0
            spec:
                metadata:
                    type: mocks
                postgresrequests:
                    - header: [P, B, D, E, S]
                      identifier: ClientRequest
                      length: 8
                      payload: {{first}}
                      parse: [{name: "", query: '{{Sql}}', parameter_oids: [23]}]
                      msg_type: 83
                      auth_type: 0
                postgresresponses:
            {{Response("\"1\", \"2\", T, D, C, Z", "{command_tag_type: SELECT 1}", 1)}}
                reqtimestampmock: 2026-11-20T10:00:00.1Z
                restimestampmock: 2026-11-20T10:00:00.2Z
            connectionId: "0"
            ---
            version: api.keploy.io/v1beta1
            kind: Postgres
            name: mock-1
            spec:
                metadata:
                    type: mocks
                postgresrequests:
                    - header: [Q, P, B, D, E, S]
                      identifier: ClientRequest
                      length: 8
                      payload: {{grouped}}
                      query: {string: DISCARD ALL}
                      msg_type: 83
                      auth_type: 0
                postgresresponses:
            {{Response("C, Z, \"1\", \"2\", T, D, C, Z", "{command_tag_type: DISCARD ALL}, {command_tag_type: SELECT 1}", 2)}}
                reqtimestampmock: 2026-11-20T10:00:01.1Z
                restimestampmock: 2026-11-20T10:00:01.2Z
            connectionId: "0"

            """;
    }

    [Fact]
    public async Task Grouped_discard_all_and_b64_row_values_are_served_to_a_pooled_npgsql_connection()
    {
        string dir = Path.Combine(Path.GetTempPath(), "keploy-k2-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string file = Path.Combine(dir, "mocks.yaml");
            File.WriteAllText(file, MocksYaml());
            List<Mock> mocks = KeployYaml.ReadMocks(file).ToList();
            Assert.Equal(2, mocks.Count);

            MockPool pool = new(mocks, null);
            var (replay, log) = PgHarness.StartReplay(pool);
            await using (replay)
            {
                // Pooled: the second open reuses the connection, and Npgsql sends DISCARD ALL in the same write as the next query.
                string cs = $"Host=127.0.0.1;Port={replay.Port};Username=keploy;Password=any;Database=keploy;Pooling=true;SSL Mode=Disable;Server Compatibility Mode=NoTypeLoading";
                await using NpgsqlDataSource source = NpgsqlDataSource.Create(cs);
                List<string> seen = new();
                for (int id = 1; id <= 2; id++)
                {
                    await using NpgsqlConnection conn = await source.OpenConnectionAsync();
                    await using NpgsqlCommand cmd = new(Sql, conn);
                    cmd.Parameters.AddWithValue(id);
                    NpgsqlDataReader r;
                    try
                    {
                        r = await cmd.ExecuteReaderAsync();
                    }
                    catch (PostgresException ex)
                    {
                        throw new InvalidOperationException(ex.MessageText + "\n" + string.Join("\n", log), ex);
                    }

                    await using var rr = r;
                    Assert.True(await r.ReadAsync());
                    seen.Add($"{r.GetInt32(0)}:{r.GetString(1)}");
                }

                Assert.Equal(new[] { "1:widget-1", "2:widget-2" }, seen);
                IReadOnlyList<MockEvent> events = pool.TakeEvents();
                Assert.True(events.All(e => e.Miss is null), string.Join("\n", events.Select(e => e.Miss?.Summary + " " + e.Miss?.Diff).Concat(log)));
                Assert.Equal(new[] { "mock-0", "mock-1" }, events.Select(e => e.Mock!.Name));
                Assert.Empty(pool.Unconsumed());

                // One physical connection: DISCARD ALL arrived with the second query and was answered from the grouped mock's parts.
                Assert.Contains(log, l => l.Contains("Query DISCARD ALL matched mock-1", StringComparison.Ordinal));
                Assert.Contains(log, l => l.Contains("($1=2::int4); Execute served by the next part of mock-1", StringComparison.Ordinal));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_grouped_mock_serves_its_query_to_a_client_that_sends_no_discard_all()
    {
        string dir = Path.Combine(Path.GetTempPath(), "keploy-k2-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string file = Path.Combine(dir, "mocks.yaml");
            File.WriteAllText(file, MocksYaml());
            MockPool pool = new(KeployYaml.ReadMocks(file).ToList(), null);
            var (replay, log) = PgHarness.StartReplay(pool);
            await using (replay)
            {
                // Unpooled: every open is a new connection, so no DISCARD ALL precedes the second query.
                string cs = $"Host=127.0.0.1;Port={replay.Port};Username=keploy;Password=any;Database=keploy;Pooling=false;SSL Mode=Disable;Server Compatibility Mode=NoTypeLoading";
                List<string> seen = new();
                for (int id = 1; id <= 2; id++)
                {
                    await using NpgsqlConnection conn = new(cs);
                    await conn.OpenAsync();
                    await using NpgsqlCommand cmd = new(Sql, conn);
                    cmd.Parameters.AddWithValue(id);
                    await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync();
                    Assert.True(await r.ReadAsync());
                    seen.Add($"{r.GetInt32(0)}:{r.GetString(1)}");
                }

                Assert.Equal(new[] { "1:widget-1", "2:widget-2" }, seen);
                Assert.DoesNotContain(pool.TakeEvents(), e => e.Miss is not null);
                Assert.Contains(log, l => l.Contains("matched a later part of mock-1", StringComparison.Ordinal));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
