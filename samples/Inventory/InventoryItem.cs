namespace Inventory;

/// <summary>One stock-keeping unit, stored in the <c>items</c> table.</summary>
public sealed class InventoryItem
{
    public int Id { get; set; }

    public string Sku { get; set; } = "";

    public string Name { get; set; } = "";

    public int Stock { get; set; }

    public decimal Price { get; set; }
}
