// Shop product service (the seed's product_service): products and their stock in its own MariaDB database (product_db) through
// MySqlConnector and Dapper, with Redis as a cache-aside product cache on GET /api/v1/products/{id} (StackExchange.Redis).
// Reserve/release change the stock atomically and drop the cached entry. Answers carry X-Cache: HIT or MISS on that route.
// Configuration (environment or --key=value): PRODUCTS_DB (MySqlConnector connection string), REDIS (StackExchange.Redis
// configuration string, e.g. 127.0.0.1:6379), PRODUCT_CACHE_SECONDS (default 300), SHOP_JWT_KEY, urls (default
// http://127.0.0.1:8081).
using System.Globalization;
using System.Text.Json;
using Dapper;
using MySqlConnector;
using Shop;
using StackExchange.Redis;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://127.0.0.1:8081");
string connectionString = builder.Configuration["PRODUCTS_DB"] ?? throw new InvalidOperationException("PRODUCTS_DB is not set.");
string redis = builder.Configuration["REDIS"] ?? throw new InvalidOperationException("REDIS is not set.");
var cacheTtl = TimeSpan.FromSeconds(int.Parse(builder.Configuration["PRODUCT_CACHE_SECONDS"] ?? "300", CultureInfo.InvariantCulture));

builder.Services.AddSingleton<ShopAuth>();
builder.Services.AddSingleton(new MySqlDataSource(connectionString));
builder.Services.AddSingleton<IConnectionMultiplexer>(await ConnectionMultiplexer.ConnectAsync(redis));
var app = builder.Build();

// Schema and the two seeded products (the seed's laptop id), at start-up; INSERT IGNORE keeps the stock of a restarted service.
await ShopDatabase.CreateAsync(connectionString,
[
    "CREATE TABLE IF NOT EXISTS products (id CHAR(36) PRIMARY KEY, name VARCHAR(255) NOT NULL, price DECIMAL(12,2) NOT NULL, " +
    "stock INT NOT NULL CHECK (stock >= 0), updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3))",
    "INSERT IGNORE INTO products (id, name, price, stock) VALUES " +
    "('11111111-1111-4111-8111-111111111111', 'Laptop', 999.99, 1000), ('22222222-2222-4222-8222-222222222222', 'Mouse', 19.99, 5000)",
]);

app.MapGet("/health", () => Results.Ok(new { status = "ok" }));
RouteGroupBuilder products = app.MapGroup("/api/v1/products");

products.MapGet("", async (MySqlDataSource db) =>
{
    await using MySqlConnection c = await db.OpenConnectionAsync();
    return Results.Ok(await c.QueryAsync<Product>("SELECT id, name, price, stock FROM products ORDER BY name"));
});

// Cache-aside: Redis first; on a miss the database, then the entry is written with a TTL.
products.MapGet("/{id}", async (string id, MySqlDataSource db, IConnectionMultiplexer cache, HttpResponse response) =>
{
    IDatabase redisDb = cache.GetDatabase();
    RedisValue cached = await redisDb.StringGetAsync(CacheKey(id));
    if (cached.HasValue)
    {
        response.Headers["X-Cache"] = "HIT";
        return Results.Text((string)cached!, "application/json");
    }

    response.Headers["X-Cache"] = "MISS";
    await using MySqlConnection c = await db.OpenConnectionAsync();
    Product? product = await c.QuerySingleOrDefaultAsync<Product>("SELECT id, name, price, stock FROM products WHERE id = @id", new { id });
    if (product is null)
    {
        return UnknownProduct(id);
    }

    string json = JsonSerializer.Serialize(product, JsonSerializerOptions.Web);
    await redisDb.StringSetAsync(CacheKey(id), json, cacheTtl);
    return Results.Text(json, "application/json");
});

products.MapPost("/{id}/reserve", (string id, StockChange request, MySqlDataSource db, IConnectionMultiplexer cache) =>
    ChangeStock(id, request, -1, db, cache)).AddEndpointFilter(ShopAuth.Require);

products.MapPost("/{id}/release", (string id, StockChange request, MySqlDataSource db, IConnectionMultiplexer cache) =>
    ChangeStock(id, request, +1, db, cache)).AddEndpointFilter(ShopAuth.Require);

app.Run();

// One UPDATE that refuses to go below zero; the cached entry is dropped so the next GET reads the new stock.
static async Task<IResult> ChangeStock(string id, StockChange request, int sign, MySqlDataSource db, IConnectionMultiplexer cache)
{
    if (request.Quantity is not > 0)
    {
        return Results.Problem(statusCode: 400, title: "Invalid quantity", detail: "quantity must be at least 1.");
    }

    await using MySqlConnection c = await db.OpenConnectionAsync();
    int changed = await c.ExecuteAsync(
        "UPDATE products SET stock = stock + @delta WHERE id = @id AND stock + @delta >= 0", new { id, delta = sign * request.Quantity });
    await cache.GetDatabase().KeyDeleteAsync(CacheKey(id));
    Product? product = await c.QuerySingleOrDefaultAsync<Product>("SELECT id, name, price, stock FROM products WHERE id = @id", new { id });
    if (product is null)
    {
        return UnknownProduct(id);
    }

    return changed == 1
        ? Results.Ok(new { id, reserved = sign < 0 ? request.Quantity : 0, released = sign > 0 ? request.Quantity : 0, stock = product.Stock })
        : Results.Problem(statusCode: 409, title: "Insufficient stock", detail: $"Product {id} has {product.Stock} in stock, {request.Quantity} requested.");
}

static string CacheKey(string id) => $"product:{id}";

static IResult UnknownProduct(string id) => Results.Problem(statusCode: 404, title: "Unknown product", detail: $"No product {id}.");


internal sealed record Product(Guid Id, string Name, decimal Price, int Stock);

internal sealed record StockChange(int? Quantity);
