using Keploy.Core.Protocols.Dns;

namespace Keploy.Core.Tests.Dns;

public sealed class DnsCodecTests
{
    [Fact]
    public void DnsmasqAnswer_WithACompressedName_Decodes()
    {
        // dnsmasq's answer to "api.svc.test A" (id 7): the answer's owner is a pointer to the question (c00c).
        byte[] wire = Convert.FromHexString("000785800001000100000000036170690373766304746573740000010001c00c000100010000000000047f000009");
        DnsMessage m = DnsMessage.Parse(wire);
        Assert.Equal(7, m.Header.Id);
        Assert.True(m.Header.IsResponse);
        Assert.True(m.Header.RecursionDesired);
        Assert.Equal(new DnsQuestion("api.svc.test.", 1, 1), Assert.Single(m.Questions));
        Assert.Equal("api.svc.test.\t0\tIN\tA\t127.0.0.9", DnsRecordText.Format(Assert.Single(m.Answers)));
        Assert.Equal(m.Answers[0].RData, DnsMessage.Parse(m.Encode()).Answers[0].RData);
    }

    [Theory]
    [InlineData("api.example.com.\t300\tIN\tA\t93.184.216.34")]
    [InlineData("example.com.\t60\tIN\tAAAA\t2001:db8::1")]
    [InlineData("www.example.com.\t60\tIN\tCNAME\texample.com.")]
    [InlineData("example.com.\t60\tIN\tMX\t10 mail.example.com.")]
    [InlineData("example.com.\t60\tIN\tTXT\t\"v=spf1 -all\" \"a \\\"quoted\\\" \\009 tab\"")]
    [InlineData("_sip._tcp.example.com.\t60\tIN\tSRV\t10 5 5060 sip.example.com.")]
    [InlineData("example.com.\t3600\tIN\tSOA\tns1.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 300")]
    [InlineData("example.com.\t60\tIN\tHTTPS\t\\# 3 000100")]
    [InlineData("example.com.\t60\tIN\tTYPE999\t\\# 0")]
    public void RecordText_RoundTrips(string line)
    {
        Assert.Equal(line, DnsRecordText.Format(DnsRecordText.Parse(line)));
    }

    [Theory]
    [InlineData("0001", "at byte 0: 2 bytes, shorter than the 12-byte header")]
    [InlineData("000100000001000000000000c00c00010001", "at byte 12: compression pointer loop or out of the message")]
    [InlineData("00010000000100000000000003617069", "at byte 16: the message ends inside the name")]
    public void MalformedMessages_FailWithTheOffset(string hex, string message)
    {
        Assert.Equal(message, Assert.Throws<DnsFormatException>(() => DnsMessage.Parse(Convert.FromHexString(hex))).Message);
    }

    [Fact]
    public void BadRecordLine_NamesTheLine()
    {
        var e = Assert.Throws<DnsFormatException>(() => DnsRecordText.Parse("x.\t60\tIN\tA\tnot-an-ip"));
        Assert.StartsWith("record 'x.\t60\tIN\tA\tnot-an-ip': ", e.Message, StringComparison.Ordinal);
    }
}
