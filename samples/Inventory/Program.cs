// Inventory: a service under test that stores its items in PostgreSQL through EF Core (Npgsql provider).
using Inventory;
using Microsoft.EntityFrameworkCore;

// Content root = the build output, so appsettings.json is found whatever the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

// Listen on 127.0.0.1:5300 unless --urls or ASPNETCORE_URLS says otherwise.
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://127.0.0.1:5300");

// INVENTORY_DB (configuration or environment); default: the scripts/postgres.sh server, database `inventory`.
var connectionString = builder.Configuration["INVENTORY_DB"]
    ?? "Host=127.0.0.1;Port=55432;Username=keploy;Password=keploy;Database=inventory";
builder.Services.AddDbContext<InventoryDb>(options => options.UseNpgsql(connectionString));

var app = builder.Build();

using (var scope = app.Services.CreateScope())
{
    InventoryDb.EnsureSeeded(scope.ServiceProvider.GetRequiredService<InventoryDb>());
}

// No database access.
app.MapGet("/health", () => Results.Ok(new { status = "ok" }));

app.MapGet("/inventory", async (InventoryDb db, CancellationToken ct) =>
{
    var items = await db.Items.AsNoTracking().OrderBy(i => i.Sku).ToListAsync(ct);
    return Results.Ok(new { count = items.Count, items = items.Select(View), servedAt = DateTime.UtcNow });
});

// Registered before /inventory/{sku} so "low-stock" is not taken for a SKU.
app.MapGet("/inventory/low-stock", async (int? below, InventoryDb db, CancellationToken ct) =>
{
    var threshold = below ?? 5;
    var items = await db.Items.AsNoTracking().Where(i => i.Stock < threshold).OrderBy(i => i.Stock).ThenBy(i => i.Sku).ToListAsync(ct);
    return Results.Ok(new { below = threshold, count = items.Count, items = items.Select(View), servedAt = DateTime.UtcNow });
});

app.MapGet("/inventory/{sku}", async (string sku, InventoryDb db, CancellationToken ct) =>
    await db.Items.AsNoTracking().SingleOrDefaultAsync(i => i.Sku == sku, ct) is { } item
        ? Results.Ok(new { item = View(item), servedAt = DateTime.UtcNow })
        : UnknownSku(sku));

app.MapPost("/inventory", async (NewItem request, InventoryDb db, CancellationToken ct) =>
{
    if (string.IsNullOrWhiteSpace(request.Sku) || request.Sku.Length > 32 || request.Stock < 0 || request.Price < 0)
    {
        return Results.Problem(statusCode: 400, title: "Invalid item", detail: "sku (1-32 chars), stock >= 0 and price >= 0 are required.");
    }

    if (await db.Items.AnyAsync(i => i.Sku == request.Sku, ct))
    {
        return Results.Problem(statusCode: 409, title: "Duplicate SKU", detail: $"An item '{request.Sku}' exists already.");
    }

    var item = new InventoryItem { Sku = request.Sku, Name = request.Name ?? request.Sku, Stock = request.Stock, Price = request.Price };
    db.Items.Add(item);
    await db.SaveChangesAsync(ct);
    return Results.Json(new { item = View(item), createdAt = DateTime.UtcNow }, statusCode: StatusCodes.Status201Created);
});

// Body {"delta": -3} adds to the stock (negative takes away); the stock never goes below zero.
app.MapPut("/inventory/{sku}/stock", async (string sku, StockChange change, InventoryDb db, CancellationToken ct) =>
{
    if (await db.Items.SingleOrDefaultAsync(i => i.Sku == sku, ct) is not { } item)
    {
        return UnknownSku(sku);
    }

    if (item.Stock + change.Delta < 0)
    {
        return Results.Problem(statusCode: 409, title: "Not enough stock", detail: $"'{sku}' has {item.Stock}; cannot take {-change.Delta}.");
    }

    item.Stock += change.Delta;
    await db.SaveChangesAsync(ct);
    return Results.Ok(new { item = View(item), updatedAt = DateTime.UtcNow });
});

app.Run();

static object View(InventoryItem i) => new { i.Id, i.Sku, i.Name, i.Stock, i.Price };

static IResult UnknownSku(string sku) =>
    Results.Problem(statusCode: 404, title: "Unknown SKU", detail: $"No item '{sku}' in the inventory.");

internal sealed record NewItem(string Sku, string? Name, int Stock, decimal Price);

internal sealed record StockChange(int Delta);
