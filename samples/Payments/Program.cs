// Payments: a service under test with what real services have and the other samples lack:
//   - it calls an HTTPS API (FxRates) whose certificate comes from a private CA, trusted through SSL_CERT_FILE;
//   - it stores values it makes up (a new Guid and the current time) in PostgreSQL over TLS (sslmode=require, Npgsql);
//   - its answers depend on the clock: a JWT session whose expiry is checked against DateTime.UtcNow / DateTimeOffset.UtcNow.
// Configuration (environment or --key=value): FX_URL, PAYMENTS_DB, SESSION_TTL_SECONDS, SESSION_KEY; see samples/README.md.
using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://127.0.0.1:5400");

var fxUrl = builder.Configuration["FX_URL"] ?? "https://127.0.0.1:5443";
var connectionString = builder.Configuration["PAYMENTS_DB"]
    ?? "Host=127.0.0.1;Port=55432;Username=keploy;Password=keploy;Database=keploy;SSL Mode=Require";
var sessionTtl = TimeSpan.FromSeconds(int.Parse(builder.Configuration["SESSION_TTL_SECONDS"] ?? "600", CultureInfo.InvariantCulture));

// The sample's signing key (HS256 needs 256 bits). Stable across starts, so tokens issued while recording verify at replay.
var signingKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(builder.Configuration["SESSION_KEY"] ?? "payments-sample-signing-key-0123456789abcdef"));

builder.Services.AddHttpClient("fx", c => { c.BaseAddress = new Uri(fxUrl); c.Timeout = TimeSpan.FromSeconds(10); });
builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
builder.Services.AddSingleton<PaymentsTable>();
var app = builder.Build();

var tokens = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
var validation = new TokenValidationParameters
{
    ValidateIssuer = false,
    ValidateAudience = false,
    ValidateLifetime = true,
    ClockSkew = TimeSpan.Zero,
    IssuerSigningKey = signingKey,
};

// The session of the request's bearer token: whether it is still valid now and how many whole minutes it has left (minutes, so
// that a replay whose clock is a few milliseconds off the recorded one gets the same answer).
async Task<Session?> SessionOf(HttpRequest request)
{
    string header = request.Headers.Authorization.ToString();
    if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
    {
        return null;
    }

    string token = header["Bearer ".Length..].Trim();
    JsonWebToken jwt;
    try
    {
        jwt = tokens.ReadJsonWebToken(token);
    }
    catch (ArgumentException)
    {
        return null;
    }

    // Signature and lifetime (exp against DateTime.UtcNow, no clock skew allowed).
    TokenValidationResult result = await tokens.ValidateTokenAsync(token, validation);
    if (!result.IsValid && result.Exception is not SecurityTokenExpiredException)
    {
        return null;
    }

    var left = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) - DateTimeOffset.UtcNow;
    return new Session(jwt.Subject, result.IsValid, Math.Max(0, (long)Math.Floor(left.TotalMinutes)));
}

app.MapGet("/health", () => Results.Ok(new { status = "ok" }));

// A new session: a JWT for the user that expires SESSION_TTL_SECONDS from now.
app.MapPost("/sessions", (NewSession request) =>
{
    if (string.IsNullOrWhiteSpace(request.User))
    {
        return Results.Problem(statusCode: 400, title: "Invalid session request", detail: "user is required.");
    }

    DateTime now = DateTime.UtcNow;
    string token = tokens.CreateToken(new SecurityTokenDescriptor
    {
        Subject = new ClaimsIdentity([new Claim("sub", request.User)]),
        IssuedAt = now,
        Expires = now + sessionTtl,
        SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.HmacSha256),
    });
    return Results.Json(new { user = request.User, token, expiresAt = now + sessionTtl }, statusCode: StatusCodes.Status201Created);
});

app.MapGet("/sessions/current", async (HttpRequest http) =>
    await SessionOf(http) is { } s
        ? Results.Ok(new { user = s.User, sessionValid = s.Valid, expiresInMinutes = s.ExpiresInMinutes, checkedAt = DateTimeOffset.UtcNow })
        : Results.Problem(statusCode: 401, title: "No session", detail: "Send Authorization: Bearer <token from POST /sessions>."));

// The euro rate of a currency, from FxRates over HTTPS.
app.MapGet("/rates/{currency}", async (string currency, IHttpClientFactory http, CancellationToken ct) =>
    await FxRate(http, currency, ct) is { } rate
        ? Results.Ok(new { currency = currency.ToUpperInvariant(), rate, fetchedAt = DateTime.UtcNow })
        : Results.Problem(statusCode: 404, title: "Unknown currency", detail: $"FxRates has no rate for '{currency}'."));

// A payment: needs a valid session; converted to euros with FxRates' rate; stored with a new Guid and the current time.
app.MapPost("/payments", async (NewPayment request, HttpRequest httpRequest, IHttpClientFactory http, PaymentsTable table, CancellationToken ct) =>
{
    if (await SessionOf(httpRequest) is not { } session)
    {
        return Results.Problem(statusCode: 401, title: "No session", detail: "Send Authorization: Bearer <token from POST /sessions>.");
    }

    if (!session.Valid)
    {
        return Results.Json(new { sessionValid = false, expiresInMinutes = 0L }, statusCode: StatusCodes.Status401Unauthorized);
    }

    if (request.Amount <= 0 || string.IsNullOrWhiteSpace(request.Currency))
    {
        return Results.Problem(statusCode: 400, title: "Invalid payment", detail: "amount > 0 and currency are required.");
    }

    if (await FxRate(http, request.Currency, ct) is not { } rate)
    {
        return Results.Problem(statusCode: 422, title: "Unknown currency", detail: $"FxRates has no rate for '{request.Currency}'.");
    }

    var payment = new Payment(Guid.NewGuid(), session.User, request.Amount, request.Currency.ToUpperInvariant(), Math.Round(request.Amount / rate, 2), DateTime.UtcNow);
    await table.InsertAsync(payment, ct);
    return Results.Json(new { payment, sessionValid = true, expiresInMinutes = session.ExpiresInMinutes }, statusCode: StatusCodes.Status201Created);
});

app.MapGet("/payments/{id:guid}", async (Guid id, PaymentsTable table, CancellationToken ct) =>
    await table.FindAsync(id, ct) is { } payment
        ? Results.Ok(new { payment })
        : Results.Problem(statusCode: 404, title: "Unknown payment", detail: $"No payment {id}."));

app.Run();

static async Task<decimal?> FxRate(IHttpClientFactory http, string currency, CancellationToken ct)
{
    using HttpResponseMessage response = await http.CreateClient("fx").GetAsync($"/rates/{Uri.EscapeDataString(currency)}", ct);
    if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
    {
        return null;
    }

    response.EnsureSuccessStatusCode();
    FxRateAnswer? answer = await response.Content.ReadFromJsonAsync<FxRateAnswer>(ct);
    return answer?.Rate;
}

internal sealed record NewSession(string? User);

internal sealed record NewPayment(decimal Amount, string? Currency);

internal sealed record Session(string User, bool Valid, long ExpiresInMinutes);

internal sealed record FxRateAnswer(string Currency, decimal Rate);

internal sealed record Payment(Guid Id, string User, decimal Amount, string Currency, decimal AmountEur, DateTime CreatedAt);

/// <summary>The <c>payments</c> table (created on first use), through Npgsql.</summary>
internal sealed class PaymentsTable(NpgsqlDataSource db)
{
    private readonly SemaphoreSlim _created = new(1, 1);
    private bool _exists;

    public async Task InsertAsync(Payment p, CancellationToken ct)
    {
        await EnsureCreatedAsync(ct);
        await using NpgsqlCommand insert = db.CreateCommand(
            "INSERT INTO payments (id, user_name, amount, currency, amount_eur, created_at) VALUES ($1, $2, $3, $4, $5, $6)");
        insert.Parameters.Add(new NpgsqlParameter { Value = p.Id });
        insert.Parameters.Add(new NpgsqlParameter { Value = p.User });
        insert.Parameters.Add(new NpgsqlParameter { Value = p.Amount });
        insert.Parameters.Add(new NpgsqlParameter { Value = p.Currency });
        insert.Parameters.Add(new NpgsqlParameter { Value = p.AmountEur });
        insert.Parameters.Add(new NpgsqlParameter { Value = p.CreatedAt });
        await insert.ExecuteNonQueryAsync(ct);
    }

    public async Task<Payment?> FindAsync(Guid id, CancellationToken ct)
    {
        await EnsureCreatedAsync(ct);
        await using NpgsqlCommand select = db.CreateCommand(
            "SELECT id, user_name, amount, currency, amount_eur, created_at FROM payments WHERE id = $1");
        select.Parameters.Add(new NpgsqlParameter { Value = id });
        await using NpgsqlDataReader row = await select.ExecuteReaderAsync(ct);
        return await row.ReadAsync(ct)
            ? new Payment(row.GetGuid(0), row.GetString(1), row.GetDecimal(2), row.GetString(3), row.GetDecimal(4), row.GetDateTime(5))
            : null;
    }

    private async Task EnsureCreatedAsync(CancellationToken ct)
    {
        if (_exists)
        {
            return;
        }

        await _created.WaitAsync(ct);
        try
        {
            if (!_exists)
            {
                await using NpgsqlCommand create = db.CreateCommand(
                    "CREATE TABLE IF NOT EXISTS payments (id uuid PRIMARY KEY, user_name text NOT NULL, amount numeric(14,2) NOT NULL, " +
                    "currency text NOT NULL, amount_eur numeric(14,2) NOT NULL, created_at timestamptz NOT NULL)");
                await create.ExecuteNonQueryAsync(ct);
                _exists = true;
            }
        }
        finally
        {
            _created.Release();
        }
    }
}
