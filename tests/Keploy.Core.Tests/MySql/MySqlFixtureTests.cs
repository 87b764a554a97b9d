using Keploy.Core.Models;
using Keploy.Core.Protocols.MySql;
using Keploy.Core.Protocols.MySql.Messages;
using Keploy.Core.Storage;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Tests.MySql;

[Trait("Category", "MySql")]
public sealed class MySqlFixtureTests
{
    public static TheoryData<string> MySqlFixtures()
    {
        TheoryData<string> data = new();
        foreach (string file in Directory.EnumerateFiles(TestPaths.Fixtures, "mocks.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (File.ReadLines(file).Any(l => l == "kind: MySQL"))
            {
                data.Add(Path.GetRelativePath(TestPaths.Fixtures, file));
            }
        }

        return data;
    }

    [Fact]
    public void Both_Keploy_MySQL_fixtures_are_found()
    {
        Assert.Equal(2, MySqlFixtures().Count);
    }

    [Theory]
    [MemberData(nameof(MySqlFixtures))]
    public void Every_MySQL_mock_loads_into_typed_messages_and_writes_back_as_Keploy_wrote_it(string relative)
    {
        List<Mock> mocks = KeployYaml.ReadMocks(Path.Combine(TestPaths.Fixtures, relative)).Where(m => m.Kind == "MySQL").ToList();
        Assert.NotEmpty(mocks);
        foreach (Mock mock in mocks)
        {
            MySqlRecordedMock recorded = MySqlMockReader.Read(mock);
            foreach (string key in new[] { "requests", "responses" })
            {
                YamlSequenceNode original = (YamlSequenceNode)YamlNodes.Get(mock.Spec, key)!;
                foreach (YamlMappingNode e in original.Children.OfType<YamlMappingNode>())
                {
                    // A cleartext password (caching_sha2_password full authentication over TLS) is never written back.
                    if (YamlNodes.GetString(YamlNodes.GetMapping(e, "header"), "packet_type") == AuthSwitchResponse.PlainPassword)
                    {
                        YamlNodes.Set(e, "message", new YamlScalarNode(""));
                    }
                }

                IReadOnlyList<MySqlEntry> entries = key == "requests" ? recorded.Requests : recorded.Responses;
                YamlSequenceNode rebuilt = new(entries.Select(MySqlMockWriter.Entry));
                string expected = KeployYamlWriter.ToText(new YamlMappingNode { { key, original } }, KeployYaml.MockIndent);
                string actual = KeployYamlWriter.ToText(new YamlMappingNode { { key, rebuilt } }, KeployYaml.MockIndent);
                Assert.True(expected == actual, $"{relative} {mock.Name} {key} differs:\n--- keploy\n{expected}\n--- rewritten\n{actual}");
            }
        }
    }

    [Fact]
    public void The_echo_mysql_fixture_has_its_handshake_prepared_statement_and_binary_rows_decoded()
    {
        List<MySqlRecordedMock> mocks = KeployYaml.ReadMocks(Path.Combine(TestPaths.Fixtures, "samples-go/echo-mysql/keploy/test-set-0/mocks.yaml"))
            .Select(MySqlMockReader.Read).ToList();
        MySqlRecordedMock handshake = mocks[0];
        Assert.True(handshake.IsHandshake);
        Assert.Equal("9.4.0", Assert.IsType<HandshakeV10>(handshake.Responses[0].Message).ServerVersion);
        Assert.Contains(handshake.Requests, r => r.Message is AuthSwitchResponse { Role: AuthSwitchResponse.RequestPublicKey });
        ComStmtPrepareOk ok = Assert.IsType<ComStmtPrepareOk>(mocks.First(m => m.Command is ComStmtPrepare).Responses[0].Message);
        Assert.Equal(2, ok.NumParams);
        ResultSet rows = Assert.IsType<ResultSet>(mocks.First(m => m.Command is ComStmtExecute).Responses[0].Message);
        Assert.True(rows.Binary);
        MySqlSession session = new() { ClientCapabilities = 696973, ServerCapabilities = 3758096383 };
        Assert.False(session.DeprecateEof);

        // The binary row re-encodes to the bytes the fixture's header describes (payload length 6: header, bitmap, "uss").
        byte[] row = ((BinaryRow)rows.Rows[0]).Encode(rows.Columns);
        Assert.Equal(6, row.Length);
        Assert.Equal(new byte[] { 0, 0, 3, (byte)'u', (byte)'s', (byte)'s' }, row);
    }
}
