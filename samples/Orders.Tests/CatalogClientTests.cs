using System.Net;
using System.Text;
using Orders;

namespace Orders.Tests;

/// <summary>Unit tests of the Orders sample's Catalog client against canned Catalog responses.</summary>
public sealed class CatalogClientTests
{
    private sealed class CannedCatalog(HttpStatusCode status, string json) : HttpMessageHandler
    {
        public HttpRequestMessage? LastRequest { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            LastRequest = request;
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") });
        }
    }

    private static (CatalogClient Client, CannedCatalog Handler) Create(HttpStatusCode status, string json = "{}")
    {
        CannedCatalog handler = new(status, json);
        return (new CatalogClient(new HttpClient(handler) { BaseAddress = new Uri("http://127.0.0.1:5200/") }), handler);
    }

    [Fact]
    public async Task GetItem_ReturnsTheItem()
    {
        (CatalogClient client, CannedCatalog handler) = Create(HttpStatusCode.OK,
            """{"sku":"SKU-1","name":"Pen","price":1.5,"currency":"EUR","stock":3}""");

        CatalogItem? item = await client.GetItemAsync("SKU-1", CancellationToken.None);

        Assert.Equal(new CatalogItem("SKU-1", "Pen", 1.5m, "EUR", 3), item);
        Assert.Equal("/items/SKU-1", handler.LastRequest!.RequestUri!.AbsolutePath);
    }

    [Fact]
    public async Task GetItem_UnknownSku_IsNull()
    {
        (CatalogClient client, _) = Create(HttpStatusCode.NotFound);

        Assert.Null(await client.GetItemAsync("nope", CancellationToken.None));
    }

    [Fact]
    public async Task Reserve_NotEnoughStock_IsNull()
    {
        (CatalogClient client, _) = Create(HttpStatusCode.Conflict);

        Assert.Null(await client.ReserveAsync("SKU-1", 99, CancellationToken.None));
    }

    [Fact]
    public async Task Release_UnknownReservation_IsFalse()
    {
        (CatalogClient client, _) = Create(HttpStatusCode.NotFound);

        Assert.False(await client.ReleaseAsync("r-1", CancellationToken.None));
    }
}
