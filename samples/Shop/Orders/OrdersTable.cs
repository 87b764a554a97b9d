using Dapper;
using MySqlConnector;

namespace Shop.Orders;

/// <summary>
/// The <c>orders</c> and <c>order_items</c> tables of <c>order_db</c>, through Dapper. Ids (<c>UUID()</c>) and times
/// (<c>CURRENT_TIMESTAMP(3)</c>) are made by MariaDB; statuses are PENDING, PAID and CANCELLED.
/// </summary>
public sealed class OrdersTable(MySqlDataSource db)
{
    /// <summary>The tables, created by <see cref="Shop.ShopDatabase.CreateAsync"/> when the service starts.</summary>
    public static readonly string[] Schema =
    [
        "CREATE TABLE IF NOT EXISTS orders (id CHAR(36) NOT NULL DEFAULT (UUID()) PRIMARY KEY, user_id CHAR(36) NOT NULL, " +
        "status VARCHAR(16) NOT NULL, total DECIMAL(12,2) NOT NULL, shipping_address_id CHAR(36) NULL, " +
        "idempotency_key VARCHAR(128) NULL UNIQUE, created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), " +
        "updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), INDEX orders_user (user_id, created_at))",
        "CREATE TABLE IF NOT EXISTS order_items (order_id CHAR(36) NOT NULL, product_id CHAR(36) NOT NULL, quantity INT NOT NULL, " +
        "unit_price DECIMAL(12,2) NOT NULL, PRIMARY KEY (order_id, product_id), " +
        "CONSTRAINT order_items_order FOREIGN KEY (order_id) REFERENCES orders (id))",
    ];

    private const string Columns = "id, user_id AS UserId, status, total, shipping_address_id AS ShippingAddressId, created_at AS CreatedAt, updated_at AS UpdatedAt";

    /// <summary>Inserts a PENDING order and its lines in one transaction; MySqlException 1062 when the key is taken.</summary>
    public async Task<Order> InsertAsync(string userId, Guid addressId, string? key, IReadOnlyList<OrderLine> lines, CancellationToken ct)
    {
        await using MySqlConnection c = await db.OpenConnectionAsync(ct);
        await using MySqlTransaction tx = await c.BeginTransactionAsync(ct);
        OrderRow row = await c.QuerySingleAsync<OrderRow>(new CommandDefinition(
            "INSERT INTO orders (user_id, status, total, shipping_address_id, idempotency_key) VALUES (@userId, 'PENDING', @total, @addressId, @key) " +
            $"RETURNING {Columns}",
            new { userId, total = lines.Sum(l => l.Quantity * l.UnitPrice), addressId, key }, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO order_items (order_id, product_id, quantity, unit_price) VALUES (@OrderId, @ProductId, @Quantity, @UnitPrice)",
            lines.Select(l => new { OrderId = row.Id, l.ProductId, l.Quantity, l.UnitPrice }), tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return row.With(lines);
    }

    /// <summary>The order created with this idempotency key, or null.</summary>
    public Task<Order?> FindByKeyAsync(string key, CancellationToken ct) => FindWhereAsync("idempotency_key = @value", key, ct);

    /// <summary>The order with its lines, or null.</summary>
    public Task<Order?> FindAsync(string id, CancellationToken ct) => FindWhereAsync("id = @value", id, ct);

    /// <summary>The user's orders, newest first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<Order>> ListAsync(string userId, int limit, CancellationToken ct)
    {
        await using MySqlConnection c = await db.OpenConnectionAsync(ct);
        List<OrderRow> rows = (await c.QueryAsync<OrderRow>(new CommandDefinition(
            $"SELECT {Columns} FROM orders WHERE user_id = @userId ORDER BY created_at DESC, id LIMIT @limit", new { userId, limit }, cancellationToken: ct))).ToList();
        var orders = new List<Order>(rows.Count);
        foreach (OrderRow row in rows)
        {
            orders.Add(row.With(await LinesAsync(c, row.Id, ct)));
        }

        return orders;
    }

    /// <summary>Changes the status only if it is <paramref name="from"/>; false when it was not.</summary>
    public async Task<bool> MoveAsync(string id, string from, string to, CancellationToken ct)
    {
        await using MySqlConnection c = await db.OpenConnectionAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(
            "UPDATE orders SET status = @to WHERE id = @id AND status = @from", new { id, from, to }, cancellationToken: ct)) == 1;
    }

    private async Task<Order?> FindWhereAsync(string where, string value, CancellationToken ct)
    {
        await using MySqlConnection c = await db.OpenConnectionAsync(ct);
        OrderRow? row = await c.QuerySingleOrDefaultAsync<OrderRow>(new CommandDefinition(
            $"SELECT {Columns} FROM orders WHERE {where}", new { value }, cancellationToken: ct));
        return row?.With(await LinesAsync(c, row.Id, ct));
    }

    private static async Task<IReadOnlyList<OrderLine>> LinesAsync(MySqlConnection c, Guid orderId, CancellationToken ct) =>
        (await c.QueryAsync<OrderLine>(new CommandDefinition(
            "SELECT product_id AS ProductId, quantity, unit_price AS UnitPrice FROM order_items WHERE order_id = @orderId ORDER BY product_id",
            new { orderId }, cancellationToken: ct))).ToList();

    private sealed class OrderRow
    {
        public Guid Id { get; set; }

        public Guid UserId { get; set; }

        public string Status { get; set; } = "";

        public decimal Total { get; set; }

        public Guid? ShippingAddressId { get; set; }

        public DateTime CreatedAt { get; set; }

        public DateTime UpdatedAt { get; set; }

        public Order With(IReadOnlyList<OrderLine> items) => new(Id, UserId, Status, Total, ShippingAddressId, items, CreatedAt, UpdatedAt);
    }
}

/// <summary>An order as the API answers it (camelCase JSON); times are the database's (its session time zone).</summary>
public sealed record Order(Guid Id, Guid UserId, string Status, decimal Total, Guid? ShippingAddressId, IReadOnlyList<OrderLine> Items,
    DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>One product of an order: how many and at what unit price (the product service's price when ordered).</summary>
public sealed record OrderLine(Guid ProductId, int Quantity, decimal UnitPrice);
