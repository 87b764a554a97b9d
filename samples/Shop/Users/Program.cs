// Shop user service (the seed's user_service): users, JWT login and postal addresses, in its own MariaDB database (user_db)
// through EF Core with Pomelo's provider. JSON in snake_case, as the seed's Postman collection sends it.
// Configuration (environment or --key=value): USERS_DB (MySqlConnector connection string), SHOP_JWT_KEY, ADMIN_PASSWORD (the
// seeded `admin` user's password, default p@ssw0rd), urls (default http://127.0.0.1:8082).
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Shop;
using Shop.Users;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://127.0.0.1:8082");
string connectionString = builder.Configuration["USERS_DB"] ?? throw new InvalidOperationException("USERS_DB is not set.");

// The server version is given rather than detected, so starting does not need a round trip before the schema is made.
builder.Services.AddDbContext<UsersDb>(o => o.UseMySql(connectionString, ServerVersion.Parse("10.11.0-mariadb")));
builder.Services.AddSingleton<ShopAuth>();
builder.Services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
var app = builder.Build();

// Schema and the seeded admin user, at start-up.
using (IServiceScope scope = app.Services.CreateScope())
{
    UsersDb db = scope.ServiceProvider.GetRequiredService<UsersDb>();
    await db.Database.EnsureCreatedAsync();
    if (!await db.Users.AnyAsync(u => u.Username == "admin"))
    {
        var admin = new User { Id = Guid.NewGuid().ToString(), Username = "admin", Email = "admin@example.com", CreatedAt = DateTime.UtcNow };
        admin.PasswordHash = scope.ServiceProvider.GetRequiredService<IPasswordHasher<User>>()
            .HashPassword(admin, app.Configuration["ADMIN_PASSWORD"] ?? "p@ssw0rd");
        db.Users.Add(admin);
        await db.SaveChangesAsync();
    }
}

app.MapGet("/health", () => Results.Ok(new { status = "ok" }));
RouteGroupBuilder api = app.MapGroup("/api/v1");

api.MapPost("/login", async (Credentials request, UsersDb db, IPasswordHasher<User> hasher, ShopAuth auth) =>
{
    User? user = await db.Users.SingleOrDefaultAsync(u => u.Username == request.Username);
    if (user is null || request.Password is null
        || hasher.VerifyHashedPassword(user, user.PasswordHash, request.Password) == PasswordVerificationResult.Failed)
    {
        return Results.Problem(statusCode: 401, title: "Invalid credentials", detail: "Unknown username or wrong password.");
    }

    return Results.Ok(new { token = auth.Issue(user.Id, user.Username), user_id = user.Id });
});

RouteGroupBuilder users = api.MapGroup("/users").AddEndpointFilter(ShopAuth.Require);

users.MapPost("", async (NewUser request, UsersDb db, IPasswordHasher<User> hasher) =>
{
    if (string.IsNullOrWhiteSpace(request.Username) || string.IsNullOrWhiteSpace(request.Email) || string.IsNullOrEmpty(request.Password))
    {
        return Results.Problem(statusCode: 400, title: "Invalid user", detail: "username, email and password are required.");
    }

    if (await db.Users.AnyAsync(u => u.Username == request.Username || u.Email == request.Email))
    {
        return Results.Problem(statusCode: 409, title: "User exists", detail: $"username '{request.Username}' or that email is taken.");
    }

    var user = new User { Id = Guid.NewGuid().ToString(), Username = request.Username, Email = request.Email, CreatedAt = DateTime.UtcNow };
    user.PasswordHash = hasher.HashPassword(user, request.Password);
    db.Users.Add(user);
    await db.SaveChangesAsync();
    return Results.Json(UserView.Of(user), statusCode: StatusCodes.Status201Created);
});

users.MapGet("/{id}", async (string id, UsersDb db) =>
    await db.Users.FindAsync(id) is { } user ? Results.Ok(UserView.Of(user)) : UnknownUser(id));

users.MapDelete("/{id}", async (string id, UsersDb db) =>
{
    if (await db.Users.FindAsync(id) is not { } user)
    {
        return UnknownUser(id);
    }

    db.Users.Remove(user);
    await db.SaveChangesAsync();
    return Results.Ok(new { deleted = id });
});

users.MapPost("/{id}/addresses", async (string id, NewAddress request, UsersDb db) =>
{
    if (!await db.Users.AnyAsync(u => u.Id == id))
    {
        return UnknownUser(id);
    }

    if (string.IsNullOrWhiteSpace(request.Line1) || string.IsNullOrWhiteSpace(request.City) || string.IsNullOrWhiteSpace(request.PostalCode)
        || request.Country is not { Length: 2 })
    {
        return Results.Problem(statusCode: 400, title: "Invalid address", detail: "line1, city, postal_code and a 2-letter country are required.");
    }

    // The first address of a user is the default one whatever the request says.
    bool isDefault = request.IsDefault == true || !await db.Addresses.AnyAsync(a => a.UserId == id);
    if (isDefault)
    {
        await db.Addresses.Where(a => a.UserId == id && a.IsDefault).ExecuteUpdateAsync(s => s.SetProperty(a => a.IsDefault, false));
    }

    var address = new Address
    {
        Id = Guid.NewGuid().ToString(), UserId = id, Line1 = request.Line1, Line2 = request.Line2, City = request.City,
        State = request.State ?? "", PostalCode = request.PostalCode, Country = request.Country, Phone = request.Phone,
        IsDefault = isDefault, CreatedAt = DateTime.UtcNow,
    };
    db.Addresses.Add(address);
    await db.SaveChangesAsync();
    return Results.Json(AddressView.Of(address), statusCode: StatusCodes.Status201Created);
});

users.MapGet("/{id}/addresses", async (string id, UsersDb db) =>
    await db.Users.AnyAsync(u => u.Id == id)
        ? Results.Ok(await db.Addresses.Where(a => a.UserId == id).OrderByDescending(a => a.IsDefault).ThenBy(a => a.CreatedAt)
            .Select(a => AddressView.Of(a)).ToListAsync())
        : UnknownUser(id));

app.Run();

static IResult UnknownUser(string id) => Results.Problem(statusCode: 404, title: "Unknown user", detail: $"No user {id}.");

internal sealed record Credentials(string? Username, string? Password);

internal sealed record NewUser(string? Username, string? Email, string? Password);

internal sealed record NewAddress(string? Line1, string? Line2, string? City, string? State, string? PostalCode, string? Country, string? Phone, bool? IsDefault);

internal sealed record UserView(string Id, string Username, string Email, DateTime CreatedAt)
{
    public static UserView Of(User u) => new(u.Id, u.Username, u.Email, u.CreatedAt);
}

internal sealed record AddressView(string Id, string UserId, string Line1, string? Line2, string City, string State, string PostalCode,
    string Country, string? Phone, bool IsDefault)
{
    public static AddressView Of(Address a) => new(a.Id, a.UserId, a.Line1, a.Line2, a.City, a.State, a.PostalCode, a.Country, a.Phone, a.IsDefault);
}
