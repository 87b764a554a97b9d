using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Keploy.Core.Tests.Import;

/// <summary>
/// A small real HTTP service shaped like the seed's e-commerce sample (Kestrel on a free loopback port): <c>POST /api/v1/login</c>
/// gives a token (deterministic per user, so a replay compares equal), <c>POST /api/v1/orders</c> needs <c>Authorization: Bearer</c>
/// and an <c>Idempotency-Key</c> (same key, same order), <c>GET /api/v1/orders/{id}</c>, <c>GET /api/v1/products</c>.
/// <see cref="Prices"/> can be changed to make a replay fail.
/// </summary>
internal sealed class ShopApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _byKey = new();
    private readonly ConcurrentDictionary<int, object> _orders = new();
    private int _next;

    public ShopApp()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.MapPost("/api/v1/login", async (HttpRequest request) =>
        {
            using StreamReader reader = new(request.Body);
            string body = await reader.ReadToEndAsync();
            if (!body.Contains("\"username\"", StringComparison.Ordinal))
            {
                return Results.BadRequest(new { error = "username required" });
            }

            return Results.Ok(new { token = TokenFor(body) });
        });
        _app.MapGet("/api/v1/products", () => Results.Ok(new[] { new { id = 7, name = "laptop", price = Prices }, new { id = 8, name = "mouse", price = 20 } }));
        _app.MapPost("/api/v1/orders", (HttpRequest request) =>
        {
            if (!request.Headers.Authorization.ToString().StartsWith("Bearer tok-", StringComparison.Ordinal))
            {
                return Results.Json(new { error = "unauthorised" }, statusCode: 401);
            }

            string key = request.Headers["Idempotency-Key"].ToString();
            if (key.Length == 0)
            {
                return Results.BadRequest(new { error = "Idempotency-Key required" });
            }

            int id = _byKey.GetOrAdd(key, _ => Interlocked.Increment(ref _next));
            object order = new { id, status = "created", total = Prices };
            _orders[id] = order;
            return Results.Json(order, statusCode: 201);
        });
        _app.MapGet("/api/v1/orders/{id:int}", (int id, HttpRequest request) =>
            !request.Headers.Authorization.ToString().StartsWith("Bearer tok-", StringComparison.Ordinal)
                ? Results.Json(new { error = "unauthorised" }, statusCode: 401)
                : _orders.TryGetValue(id, out object? order) ? Results.Ok(order) : Results.NotFound(new { error = "no such order" }));
        _app.StartAsync().GetAwaiter().GetResult();
        BaseUrl = _app.Urls.First().TrimEnd('/');
    }

    /// <summary><c>http://127.0.0.1:PORT</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>The laptop's price and every order's total.</summary>
    public int Prices { get; set; } = 1200;

    /// <summary>The token <c>POST /api/v1/login</c> gives for a request body.</summary>
    public static string TokenFor(string body) => "tok-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(body)))[..16].ToLowerInvariant();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
