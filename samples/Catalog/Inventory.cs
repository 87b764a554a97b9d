namespace Catalog;

public sealed record Item(string Sku, string Name, decimal Price, string Currency, int Stock);

public sealed record ReservationRequest(string Sku, int Qty);

public sealed record Reservation(string ReservationId, string Sku, int Qty, DateTime ExpiresAt);

public enum ReserveOutcome { Reserved, UnknownSku, OutOfStock }

/// <summary>
/// In-memory stock. Starts from the same fixed numbers every time the process starts, and every
/// look-up of an item sells one unit "elsewhere", so two identical calls get different answers
/// but a given sequence of calls always gets the same answers.
/// </summary>
public sealed class Inventory
{
    private static readonly Item[] s_seed =
    [
        new("KB-001", "Mechanical keyboard", 89.90m, "EUR", 120),
        new("MS-002", "Wireless mouse", 24.50m, "EUR", 40),
        new("MN-003", "27-inch monitor", 279.00m, "EUR", 15),
        new("HS-004", "USB headset", 49.99m, "EUR", 60),
    ];

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Item> _items = s_seed.ToDictionary(item => item.Sku);
    private readonly Dictionary<string, Reservation> _reservations = [];
    private int _nextReservation = 1001;

    public IReadOnlyList<Item> List()
    {
        lock (_lock)
        {
            return [.. _items.Values];
        }
    }

    /// <summary>Returns the item as it is now, then sells one unit (restocking to the seed level at zero).</summary>
    public Item? LookUp(string sku)
    {
        lock (_lock)
        {
            if (!_items.TryGetValue(sku, out var item))
            {
                return null;
            }

            var remaining = item.Stock > 1 ? item.Stock - 1 : s_seed.First(seed => seed.Sku == sku).Stock;
            _items[sku] = item with { Stock = remaining };
            return item;
        }
    }

    public (ReserveOutcome Outcome, Reservation? Reservation) Reserve(string sku, int qty)
    {
        lock (_lock)
        {
            if (!_items.TryGetValue(sku, out var item))
            {
                return (ReserveOutcome.UnknownSku, null);
            }

            if (qty > item.Stock)
            {
                return (ReserveOutcome.OutOfStock, null);
            }

            _items[sku] = item with { Stock = item.Stock - qty };
            var reservation = new Reservation($"R-{_nextReservation++}", sku, qty, DateTime.UtcNow.AddMinutes(15));
            _reservations[reservation.ReservationId] = reservation;
            return (ReserveOutcome.Reserved, reservation);
        }
    }

    /// <summary>Cancels a reservation and puts its units back; false when the id is unknown.</summary>
    public bool Release(string reservationId)
    {
        lock (_lock)
        {
            if (!_reservations.Remove(reservationId, out var reservation))
            {
                return false;
            }

            var item = _items[reservation.Sku];
            _items[reservation.Sku] = item with { Stock = item.Stock + reservation.Qty };
            return true;
        }
    }
}
