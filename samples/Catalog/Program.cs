// Catalog: the downstream service that Orders calls.
using System.Text.Json;
using Catalog;
using Microsoft.AspNetCore.ResponseCompression;

// Content root = the build output, so appsettings.json is found whatever the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

// Listen on 127.0.0.1:5200 unless --urls or ASPNETCORE_URLS says otherwise.
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://127.0.0.1:5200");
builder.Services.AddSingleton<Inventory>();
builder.Services.AddResponseCompression(options => options.Providers.Add<GzipCompressionProvider>());

var app = builder.Build();

// Only the item list is compressed (gzip when the client sends Accept-Encoding: gzip).
app.UseWhen(context => context.Request.Path == "/items", list => list.UseResponseCompression());

// text/plain with Content-Length.
app.MapGet("/health", () => Results.Text("ok"));

// JSON, chunked; gzip-compressed on request.
app.MapGet("/items", (Inventory inventory) => Results.Ok(inventory.List()));

// JSON, chunked. Stock drops by one on every call.
app.MapGet("/items/{sku}", (string sku, Inventory inventory) =>
    inventory.LookUp(sku) is { } item
        ? Results.Ok(item)
        : Results.NotFound(new { error = $"unknown sku '{sku}'" }));

// JSON written as one string, so it goes out with Content-Length rather than chunked.
app.MapPost("/reservations", (ReservationRequest request, Inventory inventory) =>
{
    if (request.Qty < 1)
    {
        return Results.BadRequest(new { error = "qty must be at least 1" });
    }

    var (outcome, reservation) = inventory.Reserve(request.Sku, request.Qty);
    return outcome switch
    {
        ReserveOutcome.Reserved => Results.Content(
            JsonSerializer.Serialize(reservation, JsonSerializerOptions.Web), "application/json", statusCode: StatusCodes.Status201Created),
        ReserveOutcome.UnknownSku => Results.NotFound(new { error = $"unknown sku '{request.Sku}'" }),
        _ => Results.Conflict(new { error = $"not enough stock for '{request.Sku}'" }),
    };
});

app.MapDelete("/reservations/{id}", (string id, Inventory inventory) =>
    inventory.Release(id) ? Results.NoContent() : Results.NotFound(new { error = $"unknown reservation '{id}'" }));

app.Run();
