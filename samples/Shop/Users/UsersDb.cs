using System.ComponentModel.DataAnnotations;
using System.ComponentModel.DataAnnotations.Schema;
using Microsoft.EntityFrameworkCore;

namespace Shop.Users;

/// <summary>The user service's database (<c>user_db</c>), through EF Core and Pomelo's MySQL/MariaDB provider.</summary>
public sealed class UsersDb(DbContextOptions<UsersDb> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();

    public DbSet<Address> Addresses => Set<Address>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<User>().HasIndex(u => u.Username).IsUnique();
        model.Entity<User>().HasIndex(u => u.Email).IsUnique();
        model.Entity<Address>().HasOne<User>().WithMany().HasForeignKey(a => a.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>A row of <c>users</c>; <see cref="PasswordHash"/> is ASP.NET Core Identity's PBKDF2 format, never the password.</summary>
[Table("users")]
public sealed class User
{
    [Key, MaxLength(36)]
    public string Id { get; set; } = "";

    [MaxLength(64)]
    public string Username { get; set; } = "";

    [MaxLength(255)]
    public string Email { get; set; } = "";

    [MaxLength(255)]
    public string PasswordHash { get; set; } = "";

    public DateTime CreatedAt { get; set; }
}

/// <summary>A row of <c>addresses</c>: a user's postal address; at most one per user has <see cref="IsDefault"/>.</summary>
[Table("addresses")]
public sealed class Address
{
    [Key, MaxLength(36)]
    public string Id { get; set; } = "";

    [MaxLength(36)]
    public string UserId { get; set; } = "";

    [MaxLength(255)]
    public string Line1 { get; set; } = "";

    [MaxLength(255)]
    public string? Line2 { get; set; }

    [MaxLength(128)]
    public string City { get; set; } = "";

    [MaxLength(128)]
    public string State { get; set; } = "";

    [MaxLength(32)]
    public string PostalCode { get; set; } = "";

    [MaxLength(2)]
    public string Country { get; set; } = "";

    [MaxLength(32)]
    public string? Phone { get; set; }

    public bool IsDefault { get; set; }

    public DateTime CreatedAt { get; set; }
}
