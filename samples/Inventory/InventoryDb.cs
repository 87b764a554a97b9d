using Microsoft.EntityFrameworkCore;

namespace Inventory;

/// <summary>EF Core context over PostgreSQL (Npgsql provider): one <c>items</c> table with a unique SKU.</summary>
public sealed class InventoryDb(DbContextOptions<InventoryDb> options) : DbContext(options)
{
    public DbSet<InventoryItem> Items => Set<InventoryItem>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<InventoryItem>(item =>
        {
            item.ToTable("items");
            item.HasIndex(i => i.Sku).IsUnique();
            item.Property(i => i.Sku).HasMaxLength(32);
            item.Property(i => i.Price).HasPrecision(10, 2);
        });
    }

    /// <summary>Creates the table if missing and adds the seed rows when the table is empty (safe to call on every start).</summary>
    public static void EnsureSeeded(InventoryDb db)
    {
        db.Database.EnsureCreated();
        if (db.Items.Any())
        {
            return;
        }

        db.Items.AddRange(
            new InventoryItem { Sku = "KB-001", Name = "Mechanical keyboard", Stock = 25, Price = 89.90m },
            new InventoryItem { Sku = "MS-002", Name = "Wireless mouse", Stock = 4, Price = 24.50m },
            new InventoryItem { Sku = "MN-003", Name = "27-inch monitor", Stock = 2, Price = 279.00m },
            new InventoryItem { Sku = "CB-004", Name = "USB-C cable", Stock = 120, Price = 9.99m });
        db.SaveChanges();
    }
}
