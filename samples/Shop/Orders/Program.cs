// Shop order service (the seed's order_service), the service recorded by the demo: orders in its own MariaDB database (order_db)
// through MySqlConnector and Dapper; it calls the user service (user, shipping address) and the product service (price, stock
// reservation) over HTTP with the caller's bearer token. POST /api/v1/orders honours an Idempotency-Key header: the same key
// gives back the order it created first (200) and creates nothing. The seed's SQS messaging is left out.
// Values the order service would otherwise make up come from the database (the order id is UUID(), the times are
// CURRENT_TIMESTAMP, read back with INSERT ... RETURNING), so a replay from the recorded mocks answers what was recorded.
// Configuration (environment or --key=value): ORDERS_DB (MySqlConnector connection string), USERS_URL, PRODUCTS_URL,
// SHOP_JWT_KEY, urls (default http://127.0.0.1:8080).
using Dapper;
using MySqlConnector;
using Shop;
using Shop.Orders;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://127.0.0.1:8080");
string connectionString = builder.Configuration["ORDERS_DB"] ?? throw new InvalidOperationException("ORDERS_DB is not set.");

builder.Services.AddSingleton<ShopAuth>();
builder.Services.AddSingleton(new MySqlDataSource(connectionString));
builder.Services.AddSingleton<OrdersTable>();
builder.Services.AddHttpClient<UsersClient>(c =>
{
    c.BaseAddress = new Uri(builder.Configuration["USERS_URL"] ?? "http://127.0.0.1:8082");
    c.Timeout = TimeSpan.FromSeconds(30);
});
builder.Services.AddHttpClient<ProductsClient>(c =>
{
    c.BaseAddress = new Uri(builder.Configuration["PRODUCTS_URL"] ?? "http://127.0.0.1:8081");
    c.Timeout = TimeSpan.FromSeconds(30);
});
var app = builder.Build();

await ShopDatabase.CreateAsync(connectionString, OrdersTable.Schema);

app.MapGet("/health", () => Results.Ok(new { status = "ok" }));
RouteGroupBuilder orders = app.MapGroup("/api/v1/orders").AddEndpointFilter(ShopAuth.Require);

orders.MapPost("", async (NewOrder request, HttpRequest http, OrdersTable table, UsersClient users, ProductsClient products, CancellationToken ct) =>
{
    string token = BearerToken(http);
    string? key = http.Headers["Idempotency-Key"].FirstOrDefault();
    if (key is { Length: > 128 })
    {
        return Results.Problem(statusCode: 400, title: "Invalid Idempotency-Key", detail: "At most 128 characters.");
    }

    if (key is { Length: > 0 } && await table.FindByKeyAsync(key, ct) is { } earlier)
    {
        return Results.Ok(OrderCreated.Of(earlier));
    }

    if (request.UserId is not { } userId || request.Items is not { Count: > 0 } || request.Items.Any(i => i.ProductId is null || i.Quantity < 1))
    {
        return Results.Problem(statusCode: 400, title: "Invalid order", detail: "userId and items (productId, quantity >= 1) are required.");
    }

    if (await users.GetUserAsync(userId.ToString(), token, ct) is null)
    {
        return Results.Problem(statusCode: 400, title: "Unknown user", detail: $"The user service has no user {request.UserId}.");
    }

    // The given shipping address, or the user's default one (the seed's fallback).
    List<AddressInfo> addresses = await users.GetAddressesAsync(userId.ToString(), token, ct) ?? [];
    AddressInfo? address = request.ShippingAddressId is { } wanted
        ? addresses.FirstOrDefault(a => a.Id == wanted)
        : addresses.FirstOrDefault(a => a.IsDefault);
    if (address is null)
    {
        return Results.Problem(statusCode: 400, title: "Unknown shipping address",
            detail: request.ShippingAddressId is null ? "The user has no default address." : $"The user has no address {request.ShippingAddressId}.");
    }

    // One line per product (quantities of a repeated product added up), priced by the product service.
    var lines = new List<OrderLine>();
    foreach (var item in request.Items.GroupBy(i => i.ProductId!.Value))
    {
        if (await products.GetProductAsync(item.Key, ct) is not { } product)
        {
            return Results.Problem(statusCode: 400, title: "Unknown product", detail: $"The product service has no product {item.Key}.");
        }

        lines.Add(new OrderLine(item.Key, item.Sum(i => i.Quantity), product.Price));
    }

    // Reserve the stock, line by line; on a refusal give back what was reserved.
    var reserved = new List<OrderLine>();
    foreach (OrderLine line in lines)
    {
        if (!await products.ReserveAsync(line.ProductId, line.Quantity, token, ct))
        {
            await ReleaseAsync(products, reserved, token, ct);
            return Results.Problem(statusCode: 409, title: "Insufficient stock", detail: $"Product {line.ProductId}: {line.Quantity} not available.");
        }

        reserved.Add(line);
    }

    try
    {
        Order order = await table.InsertAsync(userId.ToString(), address.Id, key is { Length: > 0 } ? key : null, lines, ct);
        return Results.Json(OrderCreated.Of(order), statusCode: StatusCodes.Status201Created);
    }
    catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.DuplicateKeyEntry && key is { Length: > 0 })
    {
        // The same key was used by a concurrent request, which won: its order is the answer.
        await ReleaseAsync(products, reserved, token, ct);
        return await table.FindByKeyAsync(key, ct) is { } winner ? Results.Ok(OrderCreated.Of(winner)) : throw new InvalidOperationException("Idempotency key vanished.", e);
    }
});

orders.MapGet("", async (string? userId, int? limit, OrdersTable table, CancellationToken ct) =>
{
    if (string.IsNullOrWhiteSpace(userId) || limit is < 1 or > 100)
    {
        return Results.Problem(statusCode: 400, title: "Invalid query", detail: "userId is required; limit is 1 to 100 (default 20).");
    }

    return Results.Ok(await table.ListAsync(userId, limit ?? 20, ct));
});

orders.MapGet("/{id}", async (string id, OrdersTable table, CancellationToken ct) =>
    await table.FindAsync(id, ct) is { } order ? Results.Ok(order) : UnknownOrder(id));

// The order with its user, shipping address and products, from the user and product services.
orders.MapGet("/{id}/details", async (string id, HttpRequest http, OrdersTable table, UsersClient users, ProductsClient products, CancellationToken ct) =>
{
    if (await table.FindAsync(id, ct) is not { } order)
    {
        return UnknownOrder(id);
    }

    string token = BearerToken(http);
    UserInfo? user = await users.GetUserAsync(order.UserId.ToString(), token, ct);
    AddressInfo? address = (await users.GetAddressesAsync(order.UserId.ToString(), token, ct))?.FirstOrDefault(a => a.Id == order.ShippingAddressId);
    var items = new List<object>();
    foreach (OrderLine line in order.Items)
    {
        ProductInfo? product = await products.GetProductAsync(line.ProductId, ct);
        items.Add(new { line.ProductId, name = product?.Name, line.Quantity, line.UnitPrice, lineTotal = line.Quantity * line.UnitPrice });
    }

    return Results.Ok(new { order.Id, order.Status, order.Total, order.CreatedAt, order.UpdatedAt, user, shippingAddress = address, items });
});

// Cancel: only a PENDING order (409 once PAID or CANCELLED); its stock goes back to the product service.
orders.MapPost("/{id}/cancel", async (string id, HttpRequest http, OrdersTable table, ProductsClient products, CancellationToken ct) =>
{
    if (await table.FindAsync(id, ct) is not { } order)
    {
        return UnknownOrder(id);
    }

    if (!await table.MoveAsync(id, from: "PENDING", to: "CANCELLED", ct))
    {
        return Results.Problem(statusCode: 409, title: "Order cannot be cancelled", detail: $"Order {id} is {(await table.FindAsync(id, ct))?.Status}.");
    }

    await ReleaseAsync(products, order.Items, BearerToken(http), ct);
    return Results.Ok(await table.FindAsync(id, ct));
});

// Pay: PENDING becomes PAID; paying a PAID order again is answered 200 as it is; a CANCELLED one is 409.
orders.MapPost("/{id}/pay", async (string id, OrdersTable table, CancellationToken ct) =>
{
    if (await table.FindAsync(id, ct) is not { } order)
    {
        return UnknownOrder(id);
    }

    if (order.Status == "PAID" || await table.MoveAsync(id, from: "PENDING", to: "PAID", ct))
    {
        return Results.Ok(await table.FindAsync(id, ct));
    }

    return Results.Problem(statusCode: 409, title: "Order cannot be paid", detail: $"Order {id} is {(await table.FindAsync(id, ct))?.Status}.");
});

app.Run();

static async Task ReleaseAsync(ProductsClient products, IEnumerable<OrderLine> lines, string token, CancellationToken ct)
{
    foreach (OrderLine line in lines)
    {
        await products.ReleaseAsync(line.ProductId, line.Quantity, token, ct);
    }
}

static string BearerToken(HttpRequest http) => http.Headers.Authorization.ToString()["Bearer ".Length..].Trim();

static IResult UnknownOrder(string id) => Results.Problem(statusCode: 404, title: "Unknown order", detail: $"No order {id}.");

internal sealed record NewOrder(Guid? UserId, List<NewOrderItem>? Items, Guid? ShippingAddressId);

internal sealed record NewOrderItem(Guid? ProductId, int Quantity);

internal sealed record OrderCreated(Guid Id, string Status, decimal Total)
{
    public static OrderCreated Of(Order o) => new(o.Id, o.Status, o.Total);
}
