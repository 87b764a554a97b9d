using Keploy.Core.Diagnostics;

namespace Keploy.Core.Tests.Diagnostics;

public sealed class LogTextTests
{
    [Fact]
    public void EscapeSequencesAndNul_AreWrittenAsEscapes()
    {
        Assert.Equal("invalid method '\\x1b[2J\\x00GET'", LogText.Escape("invalid method '\u001b[2J\0GET'"));
    }

    [Theory]
    [InlineData("a\r\nb\tc", "a\\r\\nb\\tc")]
    [InlineData("\u007f\u009b31m", "\\x7f\\u009b31m")]          // DEL and the one-character CSI
    [InlineData("abc\u202edcba", "abc\\u202edcba")]           // bidi override
    [InlineData("\u2028x\u2066", "\\u2028x\\u2066")]
    public void OtherControls_AreEscaped(string input, string expected)
    {
        Assert.Equal(expected, LogText.Escape(input));
    }

    [Theory]
    [InlineData("GET /orders?id=1 -> 200")]
    [InlineData("café ✓ 😀 C:\\path\\x41")]
    public void PrintableText_IsReturnedAsIs(string text)
    {
        Assert.Same(text, LogText.Escape(text));
    }

    [Fact]
    public void Escaping_IsIdempotent()
    {
        string once = LogText.Escape("\u001b[2J\0\n\u009b\u202e");
        Assert.Equal(once, LogText.Escape(once));
        Assert.DoesNotContain(once, c => char.IsControl(c));
    }

    [Fact]
    public void LoneSurrogate_IsEscaped()
    {
        Assert.Equal("\\ud800x", LogText.Escape(new string(['\ud800', 'x'])));
    }

    [Fact]
    public void Null_GivesEmpty()
    {
        Assert.Equal("", LogText.Escape(null));
    }
}
