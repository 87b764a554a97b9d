using System.Buffers.Binary;
using Keploy.Core.Models;
using Keploy.Core.Protocols.Postgres;
using Keploy.Core.Replay;
using Keploy.Core.Replay.Matching;
using YamlDotNet.RepresentationModel;

namespace Keploy.Core.Tests.Matching;

public sealed class MockMatchRuleTests
{
    private static readonly DateTimeOffset Recorded = new(2026, 12, 1, 23, 0, 0, TimeSpan.Zero);
    private static readonly HashSet<string> NoNoise = new();

    private static MatchRequest Req(string shape, params (string Name, string Value)[] fields) =>
        new(shape, fields.Select(f => new MatchField(f.Name, f.Value, f.Value)).ToList());

    private static Mock PerTestMock(string name)
    {
        YamlMappingNode spec = new() { { "metadata", new YamlMappingNode { { "type", "mocks" } } } };
        return new Mock { Kind = "Test", Name = name, Spec = spec };
    }

    [Fact]
    public void Uuid_and_near_time_differences_are_volatile_other_values_are_not()
    {
        MatchRequest recorded = Req("INSERT", ("$1", "482ac346-c347-4c6e-9b53-6ad1b2f1a001"), ("$2", "2026-12-01 23:00:01.5+00"), ("$3", "item"));
        MatchRequest live = Req("INSERT", ("$1", "2e3de340-0000-4c6e-9b53-6ad1b2f1a002"), ("$2", "2026-12-02 10:11:12.25+00"), ("$3", "item"));
        IReadOnlyList<FieldDifference>? d = MockMatchRule.VolatileDifferences(live, recorded, Recorded, NoNoise, Recorded.AddHours(11));
        Assert.NotNull(d);
        Assert.Equal(new[] { "$1", "$2" }, d!.Select(x => x.Name));
        Assert.Equal("uuid", d[0].Type);
        Assert.Equal("$1 uuid 2e3de340… ≠ 482ac346…", d[0].ToString());

        // A changed text value, a far-away time, a different shape, a uuid against a non-uuid: not volatile.
        Assert.Null(MockMatchRule.VolatileDifferences(Req("INSERT", ("$1", "a"), ("$3", "other")), Req("INSERT", ("$1", "a"), ("$3", "item")), Recorded, NoNoise, Recorded));
        Assert.Null(MockMatchRule.VolatileDifferences(Req("I", ("$2", "2020-01-01 00:00:00+00")), Req("I", ("$2", "2026-12-01 23:00:01+00")), Recorded, NoNoise, Recorded));
        Assert.Null(MockMatchRule.VolatileDifferences(Req("SELECT", ("$1", "482ac346-c347-4c6e-9b53-6ad1b2f1a001")), Req("INSERT", ("$1", "2e3de340-0000-4c6e-9b53-6ad1b2f1a002")), Recorded, NoNoise, Recorded));
        Assert.Null(MockMatchRule.VolatileDifferences(Req("I", ("$1", "482ac346-c347-4c6e-9b53-6ad1b2f1a001")), Req("I", ("$1", "7")), Recorded, NoNoise, Recorded));

        // The same text value named as noise in keploy.yml is volatile.
        IReadOnlyList<FieldDifference>? noise = MockMatchRule.VolatileDifferences(Req("POST /x", ("body.$.token", "abc")), Req("POST /x", ("body.$.token", "xyz")), Recorded, new HashSet<string> { "token" }, Recorded);
        Assert.Equal("noise", Assert.Single(noise!).Type);
    }

    [Fact]
    public void Find_prefers_exact_then_takes_the_next_unconsumed_volatile_candidate_in_order_and_strict_refuses()
    {
        Mock a = PerTestMock("mock-a"), b = PerTestMock("mock-b"), c = PerTestMock("mock-c");
        Dictionary<Mock, MatchRequest> views = new()
        {
            [a] = Req("INSERT", ("$1", "11111111-1111-1111-1111-111111111111")),
            [b] = Req("INSERT", ("$1", "22222222-2222-2222-2222-222222222222")),
            [c] = Req("INSERT", ("$1", "33333333-3333-3333-3333-333333333333")),
        };
        MockPool pool = new(new[] { a, b, c }, null);
        MatchRequest Live(string uuid) => Req("INSERT", ("$1", uuid));

        MockMatch? exact = MockMatchRule.Find(pool, pool.GetCandidates("Test"), Live("33333333-3333-3333-3333-333333333333"), m => views[m]);
        Assert.Same(c, exact!.Mock);
        Assert.Empty(exact.Differences);

        MockMatch? first = MockMatchRule.Find(pool, pool.GetCandidates("Test"), Live("99999999-9999-9999-9999-999999999999"), m => views[m]);
        Assert.Same(a, first!.Mock);
        Assert.Equal("uuid", Assert.Single(first.Differences).Type);
        MockMatch? second = MockMatchRule.Find(pool, pool.GetCandidates("Test"), Live("88888888-8888-8888-8888-888888888888"), m => views[m]);
        Assert.Same(b, second!.Mock);
        Assert.Null(MockMatchRule.Find(pool, pool.GetCandidates("Test"), Live("77777777-7777-7777-7777-777777777777"), m => views[m]));

        MockEvent note = pool.TakeEvents()[1];
        Assert.Equal("mock-a matched with differences: $1 uuid 99999999… ≠ 11111111…", note.Note);

        MockPool strict = new(new[] { a, b, c }, null) { StrictMocks = true };
        Assert.Null(MockMatchRule.Find(strict, strict.GetCandidates("Test"), Live("99999999-9999-9999-9999-999999999999"), m => views[m]));
        Assert.Same(a, MockMatchRule.Find(strict, strict.GetCandidates("Test"), Live("11111111-1111-1111-1111-111111111111"), m => views[m])!.Mock);
    }

    [Fact]
    public void Postgres_values_are_shown_decoded_by_type_in_binary_and_text_formats()
    {
        byte[] uuid = Convert.FromHexString("482AC346C3474C6E9B536AD1B2F1A001");
        Assert.Equal("'482ac346-c347-4c6e-9b53-6ad1b2f1a001'::uuid", PgValueText.Literal(2950, 1, uuid));
        Assert.Equal("'482ac346-c347-4c6e-9b53-6ad1b2f1a001'::uuid", PgValueText.Literal(2950, 0, "482ac346-c347-4c6e-9b53-6ad1b2f1a001"u8.ToArray()));
        Assert.Equal("42::int4", PgValueText.Literal(23, 1, Be32(42)));
        Assert.Equal("-7::int8", PgValueText.Literal(20, 1, Be64(-7)));
        Assert.Equal("true::bool", PgValueText.Literal(16, 1, new byte[] { 1 }));
        Assert.Equal("'it''s'::text", PgValueText.Literal(25, 1, "it's"u8.ToArray()));
        Assert.Equal("NULL", PgValueText.Literal(23, 1, null));

        // numeric 1234.50 = ndigits 2, weight 0, sign +, dscale 2, digits [1234, 5000]; -0.05 = ndigits 1, weight -1, dscale 2, [500].
        Assert.Equal("1234.50::numeric", PgValueText.Literal(1700, 1, Numeric(0, 0, 2, 1234, 5000)));
        Assert.Equal("-0.05::numeric", PgValueText.Literal(1700, 1, Numeric(-1, 0x4000, 2, 500)));
        Assert.Equal("20000::numeric", PgValueText.Literal(1700, 1, Numeric(1, 0, 0, 2)));

        // timestamptz: microseconds since 2000-01-01 UTC.
        long micros = (new DateTime(2026, 12, 1, 23, 45, 0, DateTimeKind.Utc) - new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc)).Ticks / 10 + 123456;
        Assert.Equal("'2026-12-01 23:45:00.123456+00'::timestamptz", PgValueText.Literal(1184, 1, Be64(micros)));
        Assert.True(MockMatchRule.TryTime(PgValueText.Text(1184, 1, Be64(micros)), out DateTimeOffset t));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 23, 45, 0, 123, TimeSpan.Zero).AddTicks(4560), t);

        // Unknown type, binary: hex; a value that does not fit its type: hex too.
        Assert.Equal("0x0102", PgValueText.Literal(0, 1, new byte[] { 1, 2 }));
        Assert.Equal("0x0102::int4", PgValueText.Literal(23, 1, new byte[] { 1, 2 }));
    }

    [Fact]
    public void Long_statement_mismatch_is_shown_as_column_and_excerpt()
    {
        string common = "SELECT " + string.Join(", ", Enumerable.Range(0, 300).Select(i => $"c{i}")) + " FROM t WHERE ";
        string recorded = common + "a = $1 AND b = $2";
        string actual = common + "a = $1 AND c = $2";
        string e = TextDiff.Excerpt(recorded, actual);
        int column = common.Length + "a = $1 AND ".Length + 1;
        Assert.StartsWith($"differ at column {column}: recorded '…", e);
        Assert.Contains("AND b = $2'", e);
        Assert.Contains("AND c = $2'", e);
        Assert.True(e.Length < 200, e);

        // Aligned by content: an extra line first does not make every line differ.
        string explained = TextDiff.ExplainLines(new[] { "Query DISCARD ALL", "Bind SELECT 1", "Execute" }, new[] { "Bind SELECT 1", "Execute" });
        Assert.Equal("not recorded: 'Query DISCARD ALL'", explained);
        Assert.True(TextDiff.AlignedSimilarity(new[] { "x", "Bind SELECT 1", "Execute" }, new[] { "Bind SELECT 1", "Execute" }) > 0.6);
    }

    private static byte[] Be32(int v)
    {
        byte[] b = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(b, v);
        return b;
    }

    private static byte[] Be64(long v)
    {
        byte[] b = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(b, v);
        return b;
    }

    private static byte[] Numeric(short weight, ushort sign, short dscale, params short[] digits)
    {
        byte[] b = new byte[8 + (2 * digits.Length)];
        BinaryPrimitives.WriteInt16BigEndian(b, (short)digits.Length);
        BinaryPrimitives.WriteInt16BigEndian(b.AsSpan(2), weight);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(4), sign);
        BinaryPrimitives.WriteInt16BigEndian(b.AsSpan(6), dscale);
        for (int i = 0; i < digits.Length; i++)
        {
            BinaryPrimitives.WriteInt16BigEndian(b.AsSpan(8 + (2 * i)), digits[i]);
        }

        return b;
    }
}
