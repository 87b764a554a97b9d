// Orders: the service under test. The order endpoints call Catalog over HTTP; the price endpoints call Quotes over gRPC (h2c).
using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Mvc;
using Orders;
using QuotesClient = Quotes.Quotes.QuotesClient;

// Content root = the build output, so appsettings.json is found whatever the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

// Listen on 127.0.0.1:5100 unless --urls or ASPNETCORE_URLS says otherwise.
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://127.0.0.1:5100");

builder.Services.AddHttpClient<CatalogClient>(client =>
        client.BaseAddress = new Uri(builder.Configuration["CATALOG_URL"] ?? "http://127.0.0.1:5200"))
    .ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler { AutomaticDecompression = DecompressionMethods.GZip });

// Prices from the Quotes gRPC service over HTTP/2 without TLS (QUOTES_URL; default http://127.0.0.1:5500).
builder.Services.AddSingleton(_ => new QuotesClient(GrpcChannel.ForAddress(builder.Configuration["QUOTES_URL"] ?? "http://127.0.0.1:5500")));

// The OpenAPI document at /openapi/v1.json (Microsoft.AspNetCore.OpenApi): `dotnet keploy test` reads it for API schema coverage.
builder.Services.AddOpenApi();

var app = builder.Build();

app.MapOpenApi();

app.MapGet("/health", () => Results.Ok(new { status = "ok" }));

app.MapGet("/catalog", async (CatalogClient catalog, CancellationToken ct) =>
{
    var items = await catalog.ListAsync(ct);
    return Results.Ok(new { count = items.Count, items, fetchedAt = DateTime.UtcNow });
});

// Gold customers (header X-Customer-Tier: gold) get 10% off.
app.MapGet("/orders/quote", async (string sku, int? qty, [FromHeader(Name = "X-Customer-Tier")] string? tier,
    CatalogClient catalog, CancellationToken ct) =>
{
    var quantity = qty ?? 1;
    if (quantity < 1)
    {
        return Results.Problem(statusCode: 400, title: "Invalid quantity", detail: "qty must be at least 1.");
    }

    if (await catalog.GetItemAsync(sku, ct) is not { } item)
    {
        return UnknownSku(sku);
    }

    var discount = string.Equals(tier, "gold", StringComparison.OrdinalIgnoreCase) ? 0.10m : 0m;
    var total = Math.Round(item.Price * quantity * (1 - discount), 2);
    return Results.Ok(new { sku, qty = quantity, unitPrice = item.Price, discount, total, item.Currency, quotedAt = DateTime.UtcNow });
});

app.MapPost("/orders", async (OrderRequest request, CatalogClient catalog, CancellationToken ct) =>
{
    if (request.Qty < 1)
    {
        return Results.Problem(statusCode: 400, title: "Invalid quantity", detail: "qty must be at least 1.");
    }

    if (await catalog.GetItemAsync(request.Sku, ct) is not { } item)
    {
        return UnknownSku(request.Sku);
    }

    if (await catalog.ReserveAsync(request.Sku, request.Qty, ct) is not { } reservation)
    {
        return Results.Problem(statusCode: 409, title: "Out of stock", detail: $"Not enough '{request.Sku}' in stock for {request.Qty}.");
    }

    var order = new
    {
        id = Guid.NewGuid(),
        sku = request.Sku,
        qty = request.Qty,
        total = item.Price * request.Qty,
        item.Currency,
        reservation.ReservationId,
        status = "reserved",
        createdAt = DateTime.UtcNow,
    };
    return Results.Json(order, statusCode: StatusCodes.Status201Created);
});

app.MapGet("/orders/stock/{sku}", async (string sku, CatalogClient catalog, CancellationToken ct) =>
    await catalog.GetItemAsync(sku, ct) is { } item
        ? Results.Ok(new { sku, item.Stock, inStock = item.Stock > 0, checkedAt = DateTime.UtcNow })
        : UnknownSku(sku));

app.MapDelete("/orders/reservations/{reservationId}", async (string reservationId, CatalogClient catalog, CancellationToken ct) =>
    await catalog.ReleaseAsync(reservationId, ct)
        ? Results.NoContent()
        : Results.Problem(statusCode: 404, title: "Unknown reservation", detail: $"Catalog has no reservation '{reservationId}'."));

// The price of a symbol: one unary gRPC call (GetQuote); Quotes' NOT_FOUND becomes a 404.
app.MapGet("/orders/price/{symbol}", async (string symbol, QuotesClient quotes, CancellationToken ct) =>
{
    try
    {
        Quotes.Quote quote = await quotes.GetQuoteAsync(new Quotes.QuoteRequest { Symbol = symbol }, cancellationToken: ct);
        return Results.Ok(new { symbol = quote.Symbol, name = quote.Name, price = quote.PriceCents / 100m });
    }
    catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
    {
        return Results.Problem(statusCode: 404, title: "Unknown symbol", detail: ex.Status.Detail);
    }
});

// A price feed: one server-streaming gRPC call (StreamQuotes), every streamed quote in the answer.
app.MapGet("/orders/price-feed", async (string symbols, int? ticks, QuotesClient quotes, CancellationToken ct) =>
{
    Quotes.StreamRequest request = new() { Count = ticks ?? 3 };
    request.Symbols.AddRange(symbols.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    using AsyncServerStreamingCall<Quotes.Quote> call = quotes.StreamQuotes(request, cancellationToken: ct);
    List<object> prices = new();
    await foreach (Quotes.Quote quote in call.ResponseStream.ReadAllAsync(ct))
    {
        prices.Add(new { symbol = quote.Symbol, tick = quote.Tick, price = quote.PriceCents / 100m, changePercent = quote.ChangePercent });
    }

    return Results.Ok(new { count = prices.Count, prices });
});

app.Run();

static IResult UnknownSku(string sku) =>
    Results.Problem(statusCode: 404, title: "Unknown SKU", detail: $"Catalog has no item '{sku}'.");

internal sealed record OrderRequest(string Sku, int Qty);
