using Keploy.Core.Storage;
using YamlDotNet.Core;

namespace Keploy.Core.Tests.Storage;

/// <summary>The writer's shortcut for plain words (<c>KeployYamlWriter.Scalars.SelectStyle</c>) against the full analysis as the oracle.</summary>
public sealed class ScalarStyleShortcutTests
{
    private static readonly string[] Styles = ["Any", "Plain", "SingleQuoted", "DoubleQuoted", "Literal"];

    [Theory]
    [InlineData("Content-Type")]
    [InlineData("header.Date")]
    [InlineData("application/json")]
    [InlineData("null")]
    [InlineData("Yes")]
    [InlineData("y")]
    [InlineData("n")]
    [InlineData("off")]
    [InlineData("True")]
    [InlineData("a-")]
    [InlineData("x.")]
    [InlineData("e10")]
    [InlineData("inf")]
    [InlineData("nan")]
    [InlineData("a//b")]
    [InlineData("UgAAABcAAAAKU0NSQU0tU0hBLTI1NgAA")]
    [InlineData("AAAAPgADAAB1c2Vy+/A=")]
    [InlineData("a==")]
    [InlineData("n+")]
    [InlineData("Y=")]
    public void Words_AreStyledAsTheFullAnalysisStylesThem(string text)
    {
        AssertSame(text);
    }

    [Fact]
    public void RandomTexts_AreStyledAsTheFullAnalysisStylesThem()
    {
        Random random = new(1203);
        const string alphabet = "aZyYnN019_./-:# 'tTrRuUeEoOfFlL~+=\"\\\n";
        for (int i = 0; i < 20_000; i++)
        {
            char[] chars = new char[random.Next(1, 7)];
            for (int c = 0; c < chars.Length; c++)
            {
                chars[c] = alphabet[random.Next(alphabet.Length)];
            }

            AssertSame(new string(chars));
        }
    }

    private static void AssertSame(string text)
    {
        foreach (string name in Styles)
        {
            ScalarStyle style = Enum.Parse<ScalarStyle>(name);
            foreach (string tag in new[] { "", "!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:binary" })
            {
                foreach ((bool inFlow, bool isKey) in new[] { (false, false), (true, false), (false, true), (true, true) })
                {
                    ScalarStyle expected = KeployYamlWriter.Scalars.SelectStyleAnalyzed(text, style, tag, inFlow, isKey, out string expectedText);
                    ScalarStyle actual = KeployYamlWriter.Scalars.SelectStyle(text, style, tag, inFlow, isKey, out string actualText);
                    Assert.True(expected == actual && expectedText == actualText,
                        $"'{text}' {style} tag '{tag}' flow {inFlow} key {isKey}: {actual} '{actualText}', expected {expected} '{expectedText}'");
                }
            }
        }
    }
}
