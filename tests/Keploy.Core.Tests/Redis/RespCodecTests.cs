using System.Buffers;
using System.Net.Sockets;
using System.Text;
using Keploy.Core.Protocols.Redis;

namespace Keploy.Core.Tests.Redis;

/// <summary>The RESP codec on bytes redis-server itself sent (DEBUG PROTOCOL after HELLO 3) and on the spec's examples.</summary>
[Trait("Category", "Redis")]
public sealed class RespCodecTests : IClassFixture<RedisServerFixture>
{
    private static int _port;

    public RespCodecTests(RedisServerFixture fixture)
    {
        _port = fixture.Server.Port;
    }

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>Sends commands on one raw connection and returns the bytes of each answer (read until it parses).</summary>
    private static List<byte[]> Ask(params string[] inlineCommands)
    {
        using TcpClient tcp = new();
        tcp.Connect("127.0.0.1", _port);
        NetworkStream stream = tcp.GetStream();
        stream.ReadTimeout = 10_000;
        List<byte[]> answers = new();
        byte[] buf = new byte[65536];
        foreach (string c in inlineCommands)
        {
            stream.Write(B(c + "\r\n"));
            List<byte> got = new();
            while (true)
            {
                ReadOnlySequence<byte> seq = new(got.ToArray());
                if (got.Count > 0 && RespReader.TryReadValue(ref seq, out RespValue first, out _) && (first is not RespPush || RespReader.TryReadValue(ref seq, out _, out _)))
                {
                    break;
                }

                int n = stream.Read(buf);
                Assert.True(n > 0, "server closed");
                got.AddRange(buf.AsSpan(0, n).ToArray());
            }

            answers.Add(got.ToArray());
        }

        return answers;
    }

    public static TheoryData<string, Type> Kinds => new()
    {
        { "string", typeof(RespBulkString) },
        { "integer", typeof(RespInteger) },
        { "double", typeof(RespDouble) },
        { "bignum", typeof(RespBigNumber) },
        { "null", typeof(RespNull) },
        { "array", typeof(RespArray) },
        { "set", typeof(RespSet) },
        { "map", typeof(RespMap) },
        { "attrib", typeof(RespAttribute) },
        { "push", typeof(RespPush) },
        { "verbatim", typeof(RespVerbatimString) },
        { "true", typeof(RespBoolean) },
        { "false", typeof(RespBoolean) },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_RESP3_kind_from_redis_server_parses_and_encodes_back_byte_exact(string kind, Type expected)
    {
        byte[] bytes = Ask("HELLO 3", "DEBUG PROTOCOL " + kind)[1];
        ReadOnlySequence<byte> seq = new(bytes);
        List<RespValue> values = new();
        while (!seq.IsEmpty)
        {
            Assert.True(RespReader.TryReadValue(ref seq, out RespValue v, out _));
            values.Add(v);
        }

        Assert.IsType(expected, values[0]);
        Assert.Equal(bytes, values.SelectMany(RespWriter.Encode).ToArray());

        // Every proper prefix is incomplete: false, nothing consumed.
        for (int i = 0; i < bytes.Length - 1; i++)
        {
            ReadOnlySequence<byte> part = new(bytes, 0, i);
            if (values.Count == 1 || i < RespWriter.Encode(values[0]).Length)
            {
                Assert.False(RespReader.TryReadValue(ref part, out _, out _), $"prefix of {i} bytes");
                Assert.Equal(i, part.Length);
            }
        }
    }

    [Fact]
    public void RESP2_answers_from_redis_server()
    {
        List<byte[]> a = Ask("SET codec:k hello", "GET codec:k", "GET codec:missing", "BLPOP codec:none 0.01", "NOSUCHCOMMAND", "HELLO 3", "GET codec:missing");
        RespSimpleString ok = Assert.IsType<RespSimpleString>(Read(a[0]));
        Assert.Equal("OK", ok.Value);
        Assert.Equal("hello", Assert.IsType<RespBulkString>(Read(a[1])).Text);
        Assert.Null(Assert.IsType<RespBulkString>(Read(a[2])).Value);
        Assert.Equal(B("*-1\r\n"), a[3]);
        Assert.Null(Assert.IsType<RespArray>(Read(a[3])).Items);
        Assert.StartsWith("ERR unknown command", Assert.IsType<RespError>(Read(a[4])).Message);
        RespMap hello = Assert.IsType<RespMap>(Read(a[5]));
        Assert.Contains(hello.Entries, e => RespValues.AsText(e.Key) == "proto" && e.Value is RespInteger { Value: 3 });
        Assert.IsType<RespNull>(Read(a[6]));
        foreach (byte[] bytes in a)
        {
            Assert.Equal(bytes, RespWriter.Encode(Read(bytes)));
        }
    }

    [Fact]
    public void Bulk_error_of_the_spec()
    {
        byte[] bytes = B("!21\r\nSYNTAX invalid syntax\r\n");
        RespBulkError e = Assert.IsType<RespBulkError>(Read(bytes));
        Assert.Equal("SYNTAX invalid syntax", Encoding.UTF8.GetString(e.Message));
        Assert.Equal(bytes, RespWriter.Encode(e));
    }

    [Fact]
    public void Multibulk_and_inline_commands()
    {
        ReadOnlySequence<byte> seq = new(B("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\na b\r\nset k2 \"x y\\n\" 'z'\r\n\r\n"));
        Assert.True(RespReader.TryReadCommand(ref seq, out RespValue first, out long len1));
        Assert.Equal(29, len1);
        RedisCommand c1 = RedisCommand.From(first, Array.Empty<byte>());
        Assert.Equal("SET", c1.Name);
        Assert.Equal("a b", Encoding.UTF8.GetString(c1.Arguments[2]));
        Assert.True(RespReader.TryReadCommand(ref seq, out RespValue second, out _));
        RedisCommand c2 = RedisCommand.From(second, Array.Empty<byte>());
        Assert.True(c2.Inline);
        Assert.Equal(new[] { "set", "k2", "x y\n", "z" }, c2.Arguments.Select(a => Encoding.UTF8.GetString(a)));
        Assert.True(RespReader.TryReadCommand(ref seq, out RespValue empty, out _));
        Assert.Empty(Assert.IsType<RespInlineCommand>(empty).Arguments);
        Assert.True(seq.IsEmpty);
    }

    [Theory]
    [InlineData("?what\r\n", "unknown RESP type byte '?'")]
    [InlineData(":12a\r\n", "integer: '12a' is not a 64-bit integer")]
    [InlineData("$3\r\nabcXY", "bulk string of 3 byte(s) not followed by CRLF")]
    [InlineData("$-5\r\n", "bulk string length: '-5' is not a length")]
    [InlineData("$999999999999\r\n", "exceeds the limit")]
    [InlineData("#x\r\n", "boolean: 'x', expected t or f")]
    [InlineData("+OK\n", "line ends with LF without CR")]
    public void Garbage_throws_one_line_naming_the_fault(string input, string expected)
    {
        ReadOnlySequence<byte> seq = new(B(input));
        RespProtocolException ex = Assert.Throws<RespProtocolException>(() => RespReader.TryReadValue(ref seq, out _, out _));
        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain("\n", ex.Message);
    }

    [Fact]
    public void Commands_must_be_arrays_of_bulk_strings()
    {
        ReadOnlySequence<byte> seq = new(B("*1\r\n:1\r\n"));
        RespProtocolException ex = Assert.Throws<RespProtocolException>(() => RespReader.TryReadCommand(ref seq, out _, out _));
        Assert.Contains("argument 1 starts with ':'", ex.Message);
    }

    [Fact]
    public void Deep_nesting_is_refused_not_a_stack_overflow()
    {
        ReadOnlySequence<byte> seq = new(B(string.Concat(Enumerable.Repeat("*1\r\n", 100_000)) + ":1\r\n"));
        Assert.Throws<RespProtocolException>(() => RespReader.TryReadValue(ref seq, out _, out _));
    }

    private static RespValue Read(byte[] bytes)
    {
        ReadOnlySequence<byte> seq = new(bytes);
        Assert.True(RespReader.TryReadValue(ref seq, out RespValue v, out _));
        return v;
    }
}
