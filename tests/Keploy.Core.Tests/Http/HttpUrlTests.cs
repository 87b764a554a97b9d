using Keploy.Core.Protocols.Http;

namespace Keploy.Core.Tests.Http;

/// <summary><see cref="HttpUrl.Path"/> on absolute URLs (test cases) and request targets (mocks): the path of the origin form, cut at
/// the query or fragment, as <see cref="HttpUrl.OriginForm"/> then a cut gives it.</summary>
public sealed class HttpUrlTests
{
    [Theory]
    [InlineData("http://catalog.local:5200/items/KB-001", "/items/KB-001")]
    [InlineData("http://catalog.local:5200/items/KB-001?view=full#top", "/items/KB-001")]
    [InlineData("https://svc/a#frag?x", "/a")]
    [InlineData("http://svc", "/")]
    [InlineData("http://svc?x=1", "/")]
    [InlineData("http://svc/", "/")]
    [InlineData("/items/7?x=1", "/items/7")]
    [InlineData("/items/7#f", "/items/7")]
    [InlineData("/items/7", "/items/7")]
    [InlineData("/redirect?to=http://other/x", "/redirect")]
    [InlineData("", "/")]
    [InlineData("*", "*")]
    public void Path_is_the_origin_forms_path(string url, string path)
    {
        Assert.Equal(path, HttpUrl.Path(url));
        string origin = HttpUrl.OriginForm(url);
        int cut = origin.IndexOfAny(['?', '#']);
        Assert.Equal(cut < 0 ? origin : origin[..cut], HttpUrl.Path(url));
    }
}
